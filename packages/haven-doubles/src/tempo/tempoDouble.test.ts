import { randomBytes } from 'node:crypto';
import { realSystemFromEnv, setupDoubleServer } from '../contractServer';
import {
  createTempoDouble,
  type TempoDouble,
  type TempoDoubleOptions,
  type TempoSpanSeed,
  type TempoTraceSeed,
} from './tempoDouble';
import { parseTraceQL, quoteTraceQL } from './traceql';
import {
  getTelemetry as get,
  type TelemetryAnswer as Answer,
} from '../loki/__testUtils__/telemetryGet';

const DOUBLE_URL = 'http://tempo.double.test';
const TENANT = 'team-a';

const real = realSystemFromEnv({
  urlVar: 'HAVEN_TEST_TEMPO_URL',
  tokenVar: 'HAVEN_TEST_TEMPO_TENANT',
  suite: 'Tempo contract against a real Tempo',
  hint: 'the tenant (X-Scope-OrgID) to read from, on a Tempo with multitenancy_enabled: true (and HAVEN_TEST_TEMPO_OTLP_URL, its OTLP/HTTP receiver, to push a trace and read it back)',
});
const otlpUrl = process.env.HAVEN_TEST_TEMPO_OTLP_URL?.replace(/\/+$/, '');
const server = setupDoubleServer(real);

const seconds = (ms: number) => Math.floor(ms / 1000);
const hex = (bytes: number) =>
  `a${randomBytes(bytes).toString('hex').slice(1)}`;
const fromBase64 = (value: string) =>
  Buffer.from(value, 'base64').toString('hex');

// --- the contract: the same requests against the double and a real Tempo ----

const run = `haven-contract-${randomBytes(4).toString('hex')}`;
const pushed = {
  traceId: hex(16),
  rootId: hex(8),
  childId: hex(8),
  startMs: Date.now() - 60_000,
};
const pushedSeed: TempoTraceSeed = {
  traceId: pushed.traceId,
  spans: [
    {
      spanId: pushed.rootId,
      name: 'GET /orders',
      kind: 'server',
      start: new Date(pushed.startMs),
      durationMs: 250,
      resource: { 'service.name': run },
      attributes: { 'http.response.status_code': 200 },
      scope: 'contract',
    },
    {
      spanId: pushed.childId,
      parentSpanId: pushed.rootId,
      name: 'SELECT orders',
      kind: 'client',
      start: new Date(pushed.startMs + 10),
      durationMs: 200,
      status: 'error',
      statusMessage: 'db down',
      resource: { 'service.name': run },
      scope: 'contract',
    },
  ],
};

/** The same trace as OTLP/HTTP JSON (ids hex there, unlike protojson). */
async function pushToRealTempo(url: string, tenant: string) {
  const ns = (ms: number) => (BigInt(ms) * 1_000_000n).toString();
  const spans = pushedSeed.spans.map(s => ({
    traceId: pushed.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: s.kind === 'server' ? 2 : 3,
    startTimeUnixNano: ns(s.start.getTime()),
    endTimeUnixNano: ns(s.start.getTime() + s.durationMs),
    ...(s.status === 'error'
      ? { status: { code: 2, message: 'db down' } }
      : {}),
  }));
  const res = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Scope-OrgID': tenant },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: {
            attributes: [{ key: 'service.name', value: { stringValue: run } }],
          },
          scopeSpans: [{ scope: { name: 'contract' }, spans }],
        },
      ],
    }),
  });
  expect(res.status).toBe(200);
}

const targets = [
  ['the double', { url: DOUBLE_URL, token: TENANT }, true] as const,
  ...(real ? [['the real Tempo', real, Boolean(otlpUrl)] as const] : []),
];

describe.each(targets)(
  'Tempo HTTP contract on %s',
  (_name, target, withPushedTrace) => {
    const tenant = target.token;
    const window = {
      start: seconds(pushed.startMs) - 300,
      end: seconds(Date.now()) + 60,
    };

    beforeAll(async () => {
      if (target.url === DOUBLE_URL) return;
      if (!otlpUrl) {
        // eslint-disable-next-line no-console
        console.warn(
          'SKIPPED: the pushed-trace checks against the real Tempo (set HAVEN_TEST_TEMPO_OTLP_URL to run them)',
        );
        return;
      }
      await pushToRealTempo(otlpUrl, tenant);
      for (let i = 0; i < 60; i += 1) {
        const res = await get(
          target.url,
          `/api/traces/${pushed.traceId}`,
          {},
          tenant,
        );
        if (res.status === 200) return;
        await new Promise(r => setTimeout(r, 500));
      }
    }, 60_000);
    beforeEach(() => {
      server.use(
        ...createTempoDouble({
          baseUrl: DOUBLE_URL,
          multitenancyEnabled: true,
          tenants: { [TENANT]: [pushedSeed] },
        }).handlers,
      );
    });

    it('answers a search that finds nothing with the search shape (contracts.md 5.2)', async () => {
      const res = await get(
        target.url,
        '/api/search',
        {
          q: `{ resource.service.name = ${quoteTraceQL(`${run}-nobody`)} }`,
          limit: 20,
          spss: 3,
          ...window,
        },
        tenant,
      );
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^application\/json/);
      expect(res.body.traces ?? []).toEqual([]);
      expect(typeof res.body.metrics).toBe('object');
    });

    it('refuses TraceQL it cannot parse with a 400', async () => {
      const res = await get(
        target.url,
        '/api/search',
        { q: '{ resource.service.name = }', ...window },
        tenant,
      );
      expect(res.status).toBe(400);
      expect(res.body).toBeUndefined();
      expect(res.text).toMatch(/parse error/);
    });

    it('answers 404 for a trace it does not hold, v1 and v2 (contracts.md 5.2)', async () => {
      const missing = hex(16);
      const v1 = await get(target.url, `/api/traces/${missing}`, {}, tenant);
      expect(v1.status).toBe(404);
      const v2 = await get(target.url, `/api/v2/traces/${missing}`, {}, tenant);
      expect(v2.status).toBe(404);
    });

    it('refuses a trace id that is not hex with a 400', async () => {
      const res = await get(
        target.url,
        '/api/traces/not-a-trace-id',
        {},
        tenant,
      );
      expect(res.status).toBe(400);
    });

    it('refuses a request without X-Scope-OrgID with 401 (contracts.md 5.2)', async () => {
      const res = await get(target.url, '/api/search', { ...window }, null);
      expect(res.status).toBe(401);
      expect(res.text.trim()).toBe('no org id');
    });

    it('returns each span’s status with `| select(status)`, at most spss spans (contracts.md 5.2)', async () => {
      // against a real Tempo only with HAVEN_TEST_TEMPO_OTLP_URL (SKIPPED said so)
      if (!withPushedTrace) return;
      const search = (spss: number) =>
        get(
          target.url,
          '/api/search',
          {
            q: `{ resource.service.name = ${quoteTraceQL(
              run,
            )} } | select(status)`,
            limit: 20,
            spss,
            ...window,
          },
          tenant,
        );
      const found = await search(3);
      expect(found.status).toBe(200);
      expect(found.body.traces).toHaveLength(1);
      const [spanSet] = found.body.traces[0].spanSets;
      expect(spanSet.matched).toBe(2);
      expect(spanSet.spans).toHaveLength(2);
      const child = spanSet.spans.find(
        (s: { spanID: string }) => s.spanID === pushed.childId,
      );
      expect(child.attributes).toEqual(
        expect.arrayContaining([
          { key: 'status', value: { stringValue: 'error' } },
        ]),
      );
      const one = await search(1);
      expect(one.body.traces[0].spanSets[0].spans).toHaveLength(1);
    });

    it('finds a trace by TraceQL, hex id in search, base64 ids in `batches` (contracts.md 5.2 [inf])', async () => {
      // against a real Tempo only with HAVEN_TEST_TEMPO_OTLP_URL (SKIPPED said so)
      if (!withPushedTrace) return;
      const found = await get(
        target.url,
        '/api/search',
        {
          q: `{ resource.service.name = ${quoteTraceQL(
            run,
          )} && status = error }`,
          limit: 20,
          spss: 3,
          ...window,
        },
        tenant,
      );
      expect(found.status).toBe(200);
      expect(found.body.traces).toHaveLength(1);
      const [result] = found.body.traces;
      expect(result).toMatchObject({
        traceID: pushed.traceId,
        rootServiceName: run,
        rootTraceName: 'GET /orders',
        startTimeUnixNano: (BigInt(pushed.startMs) * 1_000_000n).toString(),
        durationMs: 250,
      });
      expect(result.spanSets[0]).toMatchObject({
        matched: 1,
        spans: [
          expect.objectContaining({
            spanID: pushed.childId,
            durationNanos: '200000000',
          }),
        ],
      });

      const byId = await get(
        target.url,
        `/api/traces/${pushed.traceId}`,
        {},
        tenant,
      );
      expect(byId.status).toBe(200);
      const spans = byId.body.batches.flatMap(
        (b: { scopeSpans: Array<{ spans: unknown[] }> }) =>
          b.scopeSpans.flatMap(s => s.spans),
      );
      expect(spans).toHaveLength(2);
      const child = spans.find(
        (s: { name: string }) => s.name === 'SELECT orders',
      );
      expect(fromBase64(child.traceId)).toBe(pushed.traceId);
      expect(fromBase64(child.spanId)).toBe(pushed.childId);
      expect(fromBase64(child.parentSpanId)).toBe(pushed.rootId);
      expect(child).toMatchObject({
        kind: 'SPAN_KIND_CLIENT',
        status: { code: 'STATUS_CODE_ERROR', message: 'db down' },
      });

      const v2 = await get(
        target.url,
        `/api/v2/traces/${pushed.traceId}`,
        {},
        tenant,
      );
      expect(v2.status).toBe(200);
      expect(v2.body.status).toBe('COMPLETE');
      expect(v2.body.trace.resourceSpans).toHaveLength(
        byId.body.batches.length,
      );
    });
  },
);

// --- the double alone --------------------------------------------------------

const T = new Date('2026-08-01T12:00:00Z').getTime();
const minutesAgo = (m: number) => new Date(T - m * 60_000);
const ids = {
  list: 'b1000000000000000000000000000001',
  slow: 'b2000000000000000000000000000002',
  failed: 'b3000000000000000000000000000003',
  otherNamespace: 'b4000000000000000000000000000004',
  billing: 'b5000000000000000000000000000005',
  old: 'b6000000000000000000000000000006',
  headless: 'b7000000000000000000000000000007',
  leadingZero: '0c800000000000000000000000000008',
};
const orders = (namespace = 'team-a') => ({
  'service.name': 'orders',
  'service.namespace': namespace,
});

function trace(
  traceId: string,
  start: Date,
  ms: number,
  root: Partial<TempoSpanSeed> & { name: string },
  children: Array<Partial<TempoSpanSeed> & { name: string; ms: number }> = [],
): TempoTraceSeed {
  const rootId = `${traceId.slice(0, 14)}01`;
  return {
    traceId,
    spans: [
      {
        spanId: rootId,
        kind: 'server',
        start,
        durationMs: ms,
        resource: orders(),
        ...root,
      },
      ...children.map((c, i) => ({
        spanId: `${traceId.slice(0, 14)}1${i}`,
        parentSpanId: rootId,
        kind: 'client' as const,
        start: new Date(start.getTime() + 1),
        durationMs: c.ms,
        resource: orders(),
        ...c,
      })),
    ],
  };
}

const seed = (): TempoTraceSeed[] => [
  trace(ids.list, minutesAgo(50), 120, { name: 'GET /orders' }, [
    {
      name: 'SELECT orders',
      ms: 20,
      attributes: { 'db.system': 'postgresql' },
    },
  ]),
  trace(ids.slow, minutesAgo(40), 1500, { name: 'POST /orders' }, [
    {
      name: 'POST',
      ms: 1400,
      attributes: { 'server.port': 11434, ratio: 0.5 },
    },
  ]),
  trace(
    ids.failed,
    minutesAgo(30),
    80,
    { name: 'POST /orders', status: 'error', statusMessage: 'boom' },
    [{ name: 'INSERT orders', ms: 10, status: 'error' }],
  ),
  trace(ids.otherNamespace, minutesAgo(20), 50, {
    name: 'GET /orders',
    resource: orders('team-b'),
  }),
  trace(ids.billing, minutesAgo(10), 30, {
    name: 'GET /invoices',
    resource: { 'service.name': 'billing' },
  }),
  trace(ids.old, minutesAgo(120), 60, { name: 'GET /orders' }),
  {
    traceId: ids.headless,
    spans: [
      {
        spanId: 'b700000000000011',
        parentSpanId: 'b700000000000001',
        name: 'SELECT orders',
        kind: 'client',
        start: minutesAgo(5),
        durationMs: 0.4,
        resource: orders(),
      },
    ],
  },
  trace(ids.leadingZero, minutesAgo(3), 10, { name: 'GET /health' }),
];

describe('the Tempo double', () => {
  let double: TempoDouble;
  const make = (options: Partial<TempoDoubleOptions> = {}) => {
    double = createTempoDouble({
      baseUrl: DOUBLE_URL,
      multitenancyEnabled: true,
      tenants: { [TENANT]: seed() },
      now: () => new Date(T),
      ...options,
    });
    server.use(...double.handlers);
    return double;
  };
  const hour = { start: seconds(T) - 3600, end: seconds(T) };
  const search = (
    q: string,
    extra: Record<string, string | number> = {},
    tenant: string | null = TENANT,
  ) => get(DOUBLE_URL, '/api/search', { q, ...hour, ...extra }, tenant);
  const foundIds = (res: Answer) =>
    res.body.traces.map((t: { traceID: string }) => t.traceID);

  beforeEach(() => make());

  describe('search', () => {
    it('finds a service’s traces newest first in the search shape (contracts.md 5.2)', async () => {
      const res = await search('{ resource.service.name = "orders" }');
      expect(res.status).toBe(200);
      expect(foundIds(res)).toEqual([
        'c800000000000000000000000000008',
        ids.headless,
        ids.otherNamespace,
        ids.failed,
        ids.slow,
        ids.list,
      ]);
      expect(res.body.traces[4]).toEqual({
        traceID: ids.slow,
        rootServiceName: 'orders',
        rootTraceName: 'POST /orders',
        startTimeUnixNano: `${minutesAgo(40).getTime()}000000`,
        durationMs: 1500,
        spanSets: [
          {
            spans: [
              {
                spanID: 'b200000000000001',
                startTimeUnixNano: `${minutesAgo(40).getTime()}000000`,
                durationNanos: '1500000000',
                attributes: [
                  { key: 'service.name', value: { stringValue: 'orders' } },
                ],
              },
              expect.objectContaining({ spanID: 'b200000000000010' }),
            ],
            matched: 2,
          },
        ],
      });
      expect(res.body.metrics).toEqual({
        inspectedTraces: 7,
        inspectedBytes: expect.stringMatching(/^\d+$/),
        totalBlocks: 1,
      });
    });

    it('says when the root span has not arrived, and leaves out a zero durationMs', async () => {
      const res = await search('{ resource.service.name = "orders" }');
      const headless = res.body.traces[1];
      expect(headless.rootServiceName).toBe('<root span not yet received>');
      expect(headless).not.toHaveProperty('rootTraceName');
      expect(headless).not.toHaveProperty('durationMs');
    });

    it('narrows by namespace, status = error and duration', async () => {
      expect(
        foundIds(
          await search(
            '{ resource.service.name = "orders" && resource.service.namespace = "team-b" }',
          ),
        ),
      ).toEqual([ids.otherNamespace]);
      const failed = await search(
        '{ resource.service.name = "orders" && status = error }',
      );
      expect(foundIds(failed)).toEqual([ids.failed]);
      expect(failed.body.traces[0].spanSets[0]).toEqual({
        spans: [
          expect.objectContaining({
            spanID: 'b300000000000001',
            attributes: [
              { key: 'service.name', value: { stringValue: 'orders' } },
              { key: 'status', value: { stringValue: 'error' } },
            ],
          }),
          expect.objectContaining({ spanID: 'b300000000000010' }),
        ],
        matched: 2,
      });
      expect(
        foundIds(
          await search(
            '{ resource.service.name = "orders" && duration > 500ms }',
          ),
        ),
      ).toEqual([ids.slow]);
      expect(
        foundIds(
          await search(
            '{ resource.service.name = "orders" && duration >= 1.5s }',
          ),
        ),
      ).toEqual([ids.slow]);
      expect(
        foundIds(
          await search(
            '{ resource.service.name = "orders" && status != error && duration < 1ms }',
          ),
        ),
      ).toEqual([ids.headless]);
      expect(foundIds(await search('{ name = "GET /invoices" }'))).toEqual([
        ids.billing,
      ]);
      expect(
        foundIds(await search('{ span.db.system = "postgresql" }')),
      ).toEqual([ids.list]);
      // a string never equals a number attribute (span.server.port is 11434)
      expect(foundIds(await search('{ span.server.port = "11434" }'))).toEqual(
        [],
      );
    });

    it('keeps to start/end (epoch seconds), and to the live store without them', async () => {
      const older = await search('{ resource.service.name = "orders" }', {
        start: seconds(T) - 3 * 3600,
        end: seconds(T) - 3600,
      });
      expect(foundIds(older)).toEqual([ids.old]);
      const edge = await search('{ resource.service.name = "orders" }', {
        start: seconds(minutesAgo(40).getTime()) + 1,
        end: seconds(minutesAgo(30).getTime()),
      });
      // the slow trace (40 min ago, 1.5 s) overlaps the window's first second
      expect(foundIds(edge)).toEqual([ids.failed, ids.slow]);
      const live = await get(
        DOUBLE_URL,
        '/api/search',
        { q: '{ resource.service.name = "orders" }' },
        TENANT,
      );
      expect(foundIds(live)).toEqual([
        'c800000000000000000000000000008',
        ids.headless,
        ids.otherNamespace,
        // starts exactly 30 min ago: the double's live store (contracts.md 5.2)
        ids.failed,
      ]);
    });

    it('applies limit and spss', async () => {
      const res = await search('{ resource.service.name = "orders" }', {
        limit: 2,
        spss: 1,
      });
      expect(res.body.traces).toHaveLength(2);
      const slow = await search('{ duration > 1s }', { spss: 1 });
      expect(slow.body.traces[0].spanSets[0].spans).toHaveLength(1);
      expect(slow.body.traces[0].spanSets[0].matched).toBe(2);
    });

    it('returns the fields `select` names on the spans of each spanSet, at most spss of them', async () => {
      const q = '{ resource.service.name = "orders" } | select(status)';
      const res = await search(q);
      expect(res.status).toBe(200);
      // select does not narrow: the same traces as without it
      expect(foundIds(res)).toEqual(
        foundIds(await search('{ resource.service.name = "orders" }')),
      );
      const statuses = (t: {
        spanSets: Array<{
          spans: Array<{
            attributes: Array<{ key: string; value: { stringValue: string } }>;
          }>;
        }>;
      }) =>
        t.spanSets[0].spans.map(
          span => span.attributes.find(a => a.key === 'status')?.value,
        );
      const byId = (id: string) =>
        res.body.traces.find((t: { traceID: string }) => t.traceID === id);
      expect(statuses(byId(ids.failed))).toEqual([
        { stringValue: 'error' },
        { stringValue: 'error' },
      ]);
      expect(statuses(byId(ids.slow))).toEqual([
        { stringValue: 'unset' },
        { stringValue: 'unset' },
      ]);

      // spss: at most that many spans per spanSet; `matched` counts them all
      const one = await search(q, { spss: 1 });
      const failed = one.body.traces.find(
        (t: { traceID: string }) => t.traceID === ids.failed,
      );
      expect(failed.spanSets[0].spans).toHaveLength(1);
      expect(failed.spanSets[0].matched).toBe(2);

      // the default spss is 3 (contracts.md 5.2)
      make({
        tenants: {
          [TENANT]: [
            trace(
              'ba00000000000000000000000000000a',
              minutesAgo(1),
              50,
              { name: 'GET /many' },
              [1, 2, 3, 4].map(i => ({ name: `step ${i}`, ms: 1 })),
            ),
          ],
        },
      });
      const many = await search(q);
      expect(many.body.traces[0].spanSets[0].spans).toHaveLength(3);
      expect(many.body.traces[0].spanSets[0].matched).toBe(5);
    });

    it('selects name, duration and resource or span attributes of any type', async () => {
      const res = await search(
        '{ resource.service.name = "orders" && name = "POST" } | select(name, duration, resource.service.namespace, span.server.port, span.ratio, span.absent)',
      );
      expect(foundIds(res)).toEqual([ids.slow]);
      expect(res.body.traces[0].spanSets[0].spans).toEqual([
        {
          spanID: 'b200000000000010',
          name: 'POST',
          startTimeUnixNano: `${minutesAgo(40).getTime() + 1}000000`,
          durationNanos: '1400000000',
          attributes: [
            { key: 'service.name', value: { stringValue: 'orders' } },
            { key: 'service.namespace', value: { stringValue: 'team-a' } },
            { key: 'server.port', value: { intValue: '11434' } },
            { key: 'ratio', value: { doubleValue: 0.5 } },
          ],
        },
      ]);
    });

    it('adds serviceStats per service when asked, leaving out a zero errorCount', async () => {
      const plain = await search('{ resource.service.name = "orders" }');
      expect(plain.body.traces[0]).not.toHaveProperty('serviceStats');
      make({ serviceStats: true });
      const res = await search('{ resource.service.name = "orders" }');
      const byId = (id: string) =>
        res.body.traces.find((t: { traceID: string }) => t.traceID === id);
      expect(byId(ids.failed).serviceStats).toEqual({
        orders: { spanCount: 2, errorCount: 2 },
      });
      expect(byId(ids.slow).serviceStats).toEqual({
        orders: { spanCount: 2 },
      });
    });

    it('refuses windows Tempo refuses, and bad parameters', async () => {
      const refused: Array<Record<string, string | number>> = [
        { start: seconds(T) },
        { start: seconds(T), end: seconds(T) - 10 },
        { start: seconds(T) - 8 * 24 * 3600, end: seconds(T) },
        { start: 'yesterday', end: seconds(T) },
        { limit: 'many' },
      ];
      for (const params of refused) {
        const res = await get(
          DOUBLE_URL,
          '/api/search',
          { q: '{}', ...params },
          TENANT,
        );
        expect({ params, status: res.status }).toEqual({ params, status: 400 });
        expect(res.contentType).toBe('text/plain; charset=utf-8');
      }
    });
  });

  describe('TraceQL', () => {
    it('refuses what is outside the subset with a plain-text parse error and position', async () => {
      const cases: Array<[string, RegExp]> = [
        [
          '{ .service.name = "orders" }',
          /col 3: syntax error: unexpected \.service\.name/,
        ],
        [
          '{ resource.service.name = orders }',
          /col 27: syntax error: unexpected orders, expecting STRING/,
        ],
        ['{ resource.service.name = "a\\tb" }', /col 29: invalid char escape/],
        [
          '{ resource.service.name = "orders" } | count() > 1',
          /col 40: syntax error: unexpected count, expecting select/,
        ],
        ['{ } | select()', /col 14: syntax error: unexpected \)/],
        [
          '{ } | select(status,)',
          /col 21: syntax error: unexpected \), expecting an attribute/,
        ],
        [
          '{ } | select(http.method)',
          /col 14: syntax error: unexpected http\.method/,
        ],
        [
          '{ } | select(status) | select(name)',
          /col 22: syntax error: unexpected \|/,
        ],
        ['{ } | select status', /col 14: syntax error: unexpected status/],
        [
          '{ resource.service.name = "a" || status = error }',
          /col 31: syntax error: unexpected \|\|/,
        ],
        [
          '{ resource.service.name =~ "ord.*" }',
          /col 25: syntax error: unexpected =~/,
        ],
        ['{ status = "error" }', /col 12: syntax error: unexpected STRING/],
        [
          '{ duration > 5 }',
          /col 14: syntax error: unexpected 5, expecting DURATION/,
        ],
      ];
      for (const [q, message] of cases) {
        const res = await search(q);
        expect({ q, status: res.status }).toEqual({ q, status: 400 });
        expect(res.contentType).toBe('text/plain; charset=utf-8');
        expect(res.text).toMatch(
          /^invalid TraceQL query: parse error at line 1, /,
        );
        expect(res.text).toMatch(message);
      }
    });

    it('round-trips " and \\ in a value, and an injected value never widens the search', async () => {
      const odd = 'we"ird\\svc';
      make({
        tenants: {
          [TENANT]: [
            ...seed(),
            trace('b9000000000000000000000000000009', minutesAgo(1), 5, {
              name: 'GET /',
              resource: { 'service.name': odd },
            }),
          ],
        },
      });
      expect(
        foundIds(
          await search(`{ resource.service.name = ${quoteTraceQL(odd)} }`),
        ),
      ).toEqual(['b9000000000000000000000000000009']);
      const attack = 'nobody" || resource.service.name != "x';
      const naive = await search(`{ resource.service.name = "${attack}" }`);
      expect(naive.status).toBe(400);
      const quoted = await search(
        `{ resource.service.name = ${quoteTraceQL(attack)} }`,
      );
      expect(quoted.status).toBe(200);
      expect(quoted.body.traces).toEqual([]);
      for (const value of ['a"b', 'a\\b', '\\"', attack]) {
        const parsed = parseTraceQL(
          `{ resource.service.name = ${quoteTraceQL(value)} }`,
        );
        expect(parsed.conditions[0]).toMatchObject({ value });
      }
    });
  });

  describe('traces by id', () => {
    it('answers `batches` grouped by resource and scope, ids base64 (contracts.md 5.2 [inf])', async () => {
      const res = await get(DOUBLE_URL, `/api/traces/${ids.slow}`, {}, TENANT);
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^application\/json/);
      expect(Object.keys(res.body)).toEqual(['batches']);
      expect(res.body.batches).toHaveLength(1);
      const [batch] = res.body.batches;
      expect(batch.resource).toEqual({
        attributes: [
          { key: 'service.name', value: { stringValue: 'orders' } },
          { key: 'service.namespace', value: { stringValue: 'team-a' } },
        ],
      });
      const [root, child] = batch.scopeSpans[0].spans;
      expect(batch.scopeSpans[0].scope).toEqual({ name: 'manual' });
      expect(root).toEqual({
        traceId: Buffer.from(ids.slow, 'hex').toString('base64'),
        spanId: Buffer.from('b200000000000001', 'hex').toString('base64'),
        name: 'POST /orders',
        kind: 'SPAN_KIND_SERVER',
        startTimeUnixNano: `${minutesAgo(40).getTime()}000000`,
        endTimeUnixNano: `${minutesAgo(40).getTime() + 1500}000000`,
        status: {},
      });
      expect(fromBase64(child.parentSpanId)).toBe('b200000000000001');
      expect(child.attributes).toEqual([
        { key: 'server.port', value: { intValue: '11434' } },
        { key: 'ratio', value: { doubleValue: 0.5 } },
      ]);
      const failed = await get(
        DOUBLE_URL,
        `/api/traces/${ids.failed}`,
        {},
        TENANT,
      );
      expect(failed.body.batches[0].scopeSpans[0].spans[0].status).toEqual({
        code: 'STATUS_CODE_ERROR',
        message: 'boom',
      });
    });

    it('answers v2 with resourceSpans and status COMPLETE', async () => {
      const v1 = await get(DOUBLE_URL, `/api/traces/${ids.failed}`, {}, TENANT);
      const v2 = await get(
        DOUBLE_URL,
        `/api/v2/traces/${ids.failed}`,
        {},
        TENANT,
      );
      expect(v2.body).toEqual({
        trace: { resourceSpans: v1.body.batches },
        status: 'COMPLETE',
      });
    });

    it('answers 404 with an empty body when unknown or outside start/end', async () => {
      const missing = await get(
        DOUBLE_URL,
        '/api/traces/b0000000000000000000000000000000',
        {},
        TENANT,
      );
      expect(missing.status).toBe(404);
      expect(missing.text).toBe('');
      const outside = await get(
        DOUBLE_URL,
        `/api/traces/${ids.old}`,
        hour,
        TENANT,
      );
      expect(outside.status).toBe(404);
      const inside = await get(
        DOUBLE_URL,
        `/api/traces/${ids.list}`,
        hour,
        TENANT,
      );
      expect(inside.status).toBe(200);
    });

    it('takes a short or upper-case id, refuses one that is not hex', async () => {
      expect(
        (
          await get(
            DOUBLE_URL,
            '/api/traces/C800000000000000000000000000008',
            {},
            TENANT,
          )
        ).status,
      ).toBe(200);
      expect(
        (
          await get(
            DOUBLE_URL,
            `/api/traces/${ids.list.toUpperCase()}`,
            {},
            TENANT,
          )
        ).status,
      ).toBe(200);
      const bad = await get(
        DOUBLE_URL,
        `/api/traces/${ids.list}00`,
        {},
        TENANT,
      );
      expect(bad.status).toBe(400);
      expect(bad.contentType).toBe('text/plain; charset=utf-8');
    });
  });

  describe('tenancy (contracts.md 5.2)', () => {
    it('needs X-Scope-OrgID with multitenancy on, and keeps tenants apart', async () => {
      const none = await search('{}', {}, null);
      expect(none.status).toBe(401);
      expect(none.text).toBe('no org id\n');
      expect((await get(DOUBLE_URL, `/api/traces/${ids.list}`)).status).toBe(
        401,
      );
      expect((await search('{}', {}, 'team-z')).body.traces).toEqual([]);
      expect(
        (await get(DOUBLE_URL, `/api/traces/${ids.list}`, {}, 'team-z')).status,
      ).toBe(404);
    });

    it('ignores the header with multitenancy off (tenant single-tenant)', async () => {
      make({
        multitenancyEnabled: false,
        tenants: { 'single-tenant': seed() },
      });
      expect(
        foundIds(await search('{ name = "GET /invoices" }', {}, null)),
      ).toEqual([ids.billing]);
      expect(
        foundIds(await search('{ name = "GET /invoices" }', {}, 'team-z')),
      ).toEqual([ids.billing]);
    });
  });

  describe('faults', () => {
    it('answers an injected status, heals after `times`, and clears', async () => {
      double.faults.inject({ path: '/api/search', status: 503, times: 2 });
      double.faults.inject({ path: '/api/traces/*', status: 429 });
      expect((await search('{}')).status).toBe(503);
      const second = await search('{}');
      expect(second.text).toBe('Service Unavailable\n');
      expect((await search('{}')).status).toBe(200);
      const limited = await get(
        DOUBLE_URL,
        `/api/traces/${ids.list}`,
        {},
        TENANT,
      );
      expect(limited.status).toBe(429);
      expect(limited.text).toBe('too many outstanding requests\n');
      double.faults.clear();
      expect(
        (await get(DOUBLE_URL, `/api/traces/${ids.list}`, {}, TENANT)).status,
      ).toBe(200);
    });

    it('answers one tenant with a fault and leaves the others alone', async () => {
      double.faults.inject({ tenant: 'storing', status: 503 });
      const down = await search('{}', {}, 'storing');
      expect(down.status).toBe(503);
      expect(down.contentType).toBe('text/plain; charset=utf-8');
      expect(down.text).toBe('Service Unavailable\n');
      expect((await search('{}', {}, 'team-x|storing')).status).toBe(503);
      expect((await search('{}')).status).toBe(200);
      expect((await search('{}', {}, 'storing-not')).status).toBe(200);
      // without a tenant the request is not the tenant's: 401 as ever
      expect((await search('{}', {}, null)).status).toBe(401);
    });

    it('adds latency and drops connections', async () => {
      double.faults.inject({ latencyMs: 120, times: 1 });
      const started = Date.now();
      expect((await search('{}')).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      double.faults.inject({ path: '/api/search', reset: true, times: 1 });
      await expect(search('{}')).rejects.toThrow();
      expect((await search('{}')).status).toBe(200);
    });
  });

  it('logs method, path, parameter names, the TraceQL and status, never a header', async () => {
    await search('{ status = error }', { limit: 5 }, 'tenant-secret-y');
    await get(DOUBLE_URL, `/api/traces/${ids.list}`, {}, TENANT);
    await get(DOUBLE_URL, '/api/search/tags', {}, TENANT);
    await get(DOUBLE_URL, '/api/echo');
    expect(double.requests).toEqual([
      {
        method: 'GET',
        path: '/api/search',
        params: ['q', 'start', 'end', 'limit'],
        query: '{ status = error }',
        status: 200,
      },
      {
        method: 'GET',
        path: `/api/traces/${ids.list}`,
        params: [],
        status: 200,
      },
      { method: 'GET', path: '/api/search/tags', params: [], status: 501 },
      { method: 'GET', path: '/api/echo', params: [], status: 200 },
    ]);
    expect(JSON.stringify(double.requests)).not.toContain('tenant-secret-y');
  });
});
