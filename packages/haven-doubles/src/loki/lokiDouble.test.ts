import { randomBytes } from 'node:crypto';
import { realSystemFromEnv, setupDoubleServer } from '../contractServer';
import {
  createLokiDouble,
  type LokiDouble,
  type LokiDoubleOptions,
  type LokiStreamSeed,
} from './lokiDouble';
import { parseLogQL, quoteLogQL } from './logql';
import {
  getTelemetry as get,
  type TelemetryAnswer as Answer,
} from './__testUtils__/telemetryGet';

const DOUBLE_URL = 'http://loki.double.test';
const TENANT = 'team-a';

const real = realSystemFromEnv({
  urlVar: 'HAVEN_TEST_LOKI_URL',
  tokenVar: 'HAVEN_TEST_LOKI_TENANT',
  suite: 'Loki contract against a real Loki',
  hint: 'the tenant (X-Scope-OrgID) to push to and read from; the Loki must run with auth_enabled: true',
});
const server = setupDoubleServer(real);

const ns = (date: Date | number) =>
  (BigInt(new Date(date).getTime()) * 1_000_000n).toString();

type Values = Array<[string, string]>;
/** Every value of a streams answer, in answer order, whichever stream holds it. */
const allValues = (body: { data: { result: Array<{ values: Values }> } }) =>
  body.data.result.flatMap(r => r.values);
const sortedNs = (values: Values, order: 'desc' | 'asc') =>
  [...values]
    .map(v => BigInt(v[0]))
    .sort((a, b) =>
      a === b ? 0 : (a < b ? -1 : 1) * (order === 'asc' ? 1 : -1),
    )
    .map(String);

// --- the contract: the same requests against the double and a real Loki ------

const run = `c${randomBytes(4).toString('hex')}`;
const base = Date.now() - 20 * 60_000;
const ORDERS = { service_name: 'orders', haven_contract_run: run };
const WEIRD_NAME = 'we"ird\\name';
const WEIRD = { service_name: WEIRD_NAME, haven_contract_run: run };
const ERROR_LINES = [2, 5, 8];
const contractStreams: LokiStreamSeed[] = [
  {
    labels: ORDERS,
    entries: Array.from({ length: 10 }, (_, i) => ({
      ts: new Date(base + i * 30_000),
      line: ERROR_LINES.includes(i)
        ? `error: upstream timeout on order ${i}`
        : `GET /orders/${i} 200`,
    })),
  },
  {
    labels: WEIRD,
    entries: [{ ts: new Date(base + 5_000), line: 'a line of the odd stream' }],
  },
];
const window = { start: ns(base - 60_000), end: ns(base + 10 * 60_000) };
const ordersSelector = `{haven_contract_run=${quoteLogQL(
  run,
)}, service_name="orders"}`;

async function pushToReal(url: string, tenant: string) {
  const res = await fetch(`${url}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Scope-OrgID': tenant },
    body: JSON.stringify({
      streams: contractStreams.map(s => ({
        stream: s.labels,
        values: s.entries.map(e => [ns(e.ts), e.line]),
      })),
    }),
  });
  expect(res.status).toBe(204);
}

const targets = [
  ['the double', { url: DOUBLE_URL, token: TENANT }] as const,
  ...(real ? [['the real Loki', real] as const] : []),
];

describe.each(targets)('Loki HTTP contract on %s', (_name, target) => {
  const tenant = target.token;
  const query = (
    params: Record<string, string | number>,
    t: string | null = tenant,
  ) => get(target.url, '/loki/api/v1/query_range', params, t);

  beforeAll(async () => {
    if (target.url === DOUBLE_URL) return;
    await pushToReal(target.url, tenant);
    // a pushed line is readable from the ingesters at once; allow a moment
    for (let i = 0; i < 20; i += 1) {
      const res = await query({ query: ordersSelector, ...window });
      if (allValues(res.body).length === 10) return;
      await new Promise(r => setTimeout(r, 250));
    }
  });
  beforeEach(() => {
    server.use(
      ...createLokiDouble({
        baseUrl: DOUBLE_URL,
        tenants: { [TENANT]: contractStreams },
      }).handlers,
    );
  });

  it('answers a log query with streams, ns-string values newest first, limited (contracts.md 5.1)', async () => {
    const res = await query({
      query: ordersSelector,
      ...window,
      limit: 4,
      direction: 'backward',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'success',
      data: { resultType: 'streams' },
    });
    for (const r of res.body.data.result)
      expect(r.stream).toMatchObject(ORDERS);
    for (const r of res.body.data.result) {
      expect(r.values.map((v: string[]) => v[0])).toEqual(
        sortedNs(r.values, 'desc'),
      );
    }
    const values = allValues(res.body);
    expect(values).toHaveLength(4);
    for (const [t, line] of values) {
      expect(t).toMatch(/^\d{19}$/);
      expect(typeof line).toBe('string');
    }
    expect(
      values
        .map(v => v[0])
        .sort()
        .reverse(),
    ).toEqual([9, 8, 7, 6].map(i => ns(base + i * 30_000)));
    expect(res.body.data.stats.summary).toMatchObject({
      execTime: expect.any(Number),
      queueTime: expect.any(Number),
      totalBytesProcessed: expect.any(Number),
      totalLinesProcessed: expect.any(Number),
      bytesProcessedPerSecond: expect.any(Number),
      linesProcessedPerSecond: expect.any(Number),
    });
  });

  it('answers direction=forward oldest first', async () => {
    const res = await query({
      query: ordersSelector,
      ...window,
      limit: 3,
      direction: 'forward',
    });
    expect(res.status).toBe(200);
    for (const r of res.body.data.result) {
      expect(r.values.map((v: string[]) => v[0])).toEqual(
        sortedNs(r.values, 'asc'),
      );
    }
    expect(sortedNs(allValues(res.body), 'asc')).toEqual(
      [0, 1, 2].map(i => ns(base + i * 30_000)),
    );
  });

  it('filters lines with |=, !=, |~ and !~ (regexes match anywhere in the line)', async () => {
    const errors = await query({
      query: `${ordersSelector} |= "error"`,
      ...window,
    });
    expect(
      allValues(errors.body)
        .map(v => v[1])
        .sort(),
    ).toEqual(
      ERROR_LINES.map(i => `error: upstream timeout on order ${i}`).sort(),
    );
    const rest = await query({
      query: `${ordersSelector} != "error"`,
      ...window,
    });
    expect(allValues(rest.body)).toHaveLength(7);
    // as plugins/haven-common's logQueries().errors sends it
    const anyCase = await query({
      query: `${ordersSelector} |~ "(?i)ERROR"`,
      ...window,
    });
    expect(allValues(anyCase.body)).toHaveLength(ERROR_LINES.length);
    const notErrors = await query({
      query: `${ordersSelector} !~ "(?i)error"`,
      ...window,
    });
    expect(allValues(notErrors.body)).toHaveLength(7);
    const unanchored = await query({
      query: `${ordersSelector} |~ "orders/[0-3]"`,
      ...window,
    });
    expect(
      allValues(unanchored.body)
        .map(v => v[1])
        .sort(),
    ).toEqual(['GET /orders/0 200', 'GET /orders/1 200', 'GET /orders/3 200']);
  });

  it('counts errors per step in a matrix, oldest first, adding up to the lines in range (contracts.md 5.1)', async () => {
    const res = await query({
      // plugins/haven-common's logQueries().errorCount
      query: `sum(count_over_time(${ordersSelector} |~ "(?i)error" [1m]))`,
      ...window,
      step: 60,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.resultType).toBe('matrix');
    const [series] = res.body.data.result;
    expect(res.body.data.result).toHaveLength(1);
    expect(series.metric).toEqual({});
    const times = series.values.map((v: [number, string]) => v[0]);
    expect(times).toEqual([...times].sort((a: number, b: number) => a - b));
    for (const [t, count] of series.values) {
      expect(typeof t).toBe('number');
      expect(count).toMatch(/^\d+$/);
    }
    const total = series.values.reduce(
      (n: number, v: [number, string]) => n + Number(v[1]),
      0,
    );
    expect(total).toBe(ERROR_LINES.length);
  });

  it('round-trips a label value holding " and \\ through LogQL escaping', async () => {
    const res = await query({
      query: `{haven_contract_run=${quoteLogQL(run)}, service_name=${quoteLogQL(
        WEIRD_NAME,
      )}}`,
      ...window,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.result).toHaveLength(1);
    expect(res.body.data.result[0].stream.service_name).toBe(WEIRD_NAME);
    expect(allValues(res.body).map(v => v[1])).toEqual([
      'a line of the odd stream',
    ]);
  });

  it('never widens the selection through an injected label value', async () => {
    const attack = 'orders"} or {x="';
    const naive = await query({
      query: `{haven_contract_run=${quoteLogQL(
        run,
      )}, service_name="${attack}"}`,
      ...window,
    });
    expect(naive.status).toBe(400);
    expect(naive.contentType).toMatch(/^text\/plain/);
    expect(naive.text).toMatch(/^parse error/);
    const escaped = await query({
      query: `{haven_contract_run=${quoteLogQL(run)}, service_name=${quoteLogQL(
        attack,
      )}}`,
      ...window,
    });
    expect(escaped.status).toBe(200);
    expect(escaped.body.data.result).toEqual([]);
  });

  it('refuses a query it cannot parse with a plain-text 400 (contracts.md 5.1)', async () => {
    const res = await query({ query: '{service_name="orders"', ...window });
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/^text\/plain; charset=utf-8/);
    expect(res.text).toMatch(/^parse error at line 1, col \d+: /);
    expect(res.body).toBeUndefined();
  });

  it('refuses a request without X-Scope-OrgID with 401 `no org id` (contracts.md 5.1)', async () => {
    const res = await query({ query: ordersSelector, ...window }, null);
    expect(res.status).toBe(401);
    expect(res.text.trim()).toBe('no org id');
  });

  it('keeps tenants apart', async () => {
    const res = await query(
      { query: ordersSelector, ...window },
      `${tenant}-other-${run}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.data.result).toEqual([]);
  });

  it('lists label names and values for a selector (contracts.md 5.1)', async () => {
    const names = await get(
      target.url,
      '/loki/api/v1/labels',
      { query: ordersSelector, ...window },
      tenant,
    );
    expect(names.status).toBe(200);
    expect(names.body.status).toBe('success');
    expect(names.body.data).toEqual(
      expect.arrayContaining(['haven_contract_run', 'service_name']),
    );
    const values = await get(
      target.url,
      '/loki/api/v1/label/service_name/values',
      { query: `{haven_contract_run=${quoteLogQL(run)}}`, ...window },
      tenant,
    );
    expect(values.status).toBe(200);
    expect(values.body.data).toEqual(
      expect.arrayContaining(['orders', WEIRD_NAME]),
    );
  });
});

// --- the double alone --------------------------------------------------------

const T = new Date('2026-08-01T12:00:00Z').getTime();
const at = (minutesAgo: number, seconds = 0) =>
  new Date(T - minutesAgo * 60_000 + seconds * 1000);

const seed = (): Record<string, LokiStreamSeed[]> => ({
  [TENANT]: [
    {
      labels: { service_name: 'orders', service_namespace: 'team-a' },
      entries: [
        { ts: at(50), line: 'started', level: 'info' },
        { ts: at(40), line: 'GET /orders 200', level: 'info' },
        { ts: at(30), line: 'slow query', level: 'warn' },
        {
          ts: at(20),
          line: 'error: db down',
          level: 'error',
          metadata: { trace_id: 'abc' },
        },
        { ts: at(19), line: 'error: db down again', level: 'error' },
        { ts: at(10), line: 'GET /orders 200', level: 'info' },
      ],
    },
    {
      labels: { service_name: 'orders-worker', service_namespace: 'team-a' },
      entries: [
        { ts: at(45), line: 'job picked', level: 'info' },
        { ts: at(15), line: 'job failed: error', level: 'error' },
      ],
    },
    {
      labels: { service_name: 'billing', service_namespace: 'team-b' },
      entries: [{ ts: at(25), line: 'invoice sent', level: 'info' }],
    },
  ],
});

describe('the Loki double', () => {
  let double: LokiDouble;
  const make = (options: Partial<LokiDoubleOptions> = {}) => {
    double = createLokiDouble({
      baseUrl: DOUBLE_URL,
      tenants: seed(),
      now: () => new Date(T),
      ...options,
    });
    server.use(...double.handlers);
    return double;
  };
  const q = (
    params: Record<string, string | number>,
    tenant: string | null = TENANT,
  ) => get(DOUBLE_URL, '/loki/api/v1/query_range', params, tenant);
  /** the lines of a streams answer, newest first across its streams */
  const lines = (res: Answer) =>
    [...allValues(res.body)]
      .sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? 1 : -1))
      .map(v => v[1]);
  const hour = { start: ns(at(60)), end: ns(T) };

  beforeEach(() => make());

  describe('stream selectors', () => {
    it('matches =, !=, =~ and !~, regexes anchored as in RE2', async () => {
      const names = async (selector: string) => {
        const res = await q({ query: selector, ...hour });
        expect(res.status).toBe(200);
        return [
          ...new Set(
            res.body.data.result.map(
              (r: { stream: Record<string, string> }) => r.stream.service_name,
            ),
          ),
        ].sort();
      };
      expect(await names('{service_name="orders"}')).toEqual(['orders']);
      expect(
        await names('{service_namespace="team-a", service_name!="orders"}'),
      ).toEqual(['orders-worker']);
      expect(await names('{service_name=~"orders.*"}')).toEqual([
        'orders',
        'orders-worker',
      ]);
      expect(await names('{service_name=~"order"}')).toEqual([]);
      expect(await names('{service_name=~"(?i)ORDERS"}')).toEqual(['orders']);
      expect(
        await names('{service_namespace=~"team-.+", service_name!~"orders.*"}'),
      ).toEqual(['billing']);
    });

    it('refuses a selector that would match every stream, and RE2-foreign regexes', async () => {
      const empty = await q({ query: '{service_name=~".*"}', ...hour });
      expect(empty.status).toBe(400);
      expect(empty.text).toMatch(
        /^parse error : queries require at least one regexp or equality matcher/,
      );
      expect((await q({ query: '{service_name!="x"}', ...hour })).status).toBe(
        400,
      );
      const lookahead = await q({
        query: '{service_name=~"(?=o)o.*"}',
        ...hour,
      });
      expect(lookahead.status).toBe(400);
      expect(lookahead.text).toMatch(/error parsing regexp/);
    });

    it('reads only the escapes \\" and \\\\ in strings, with Loki’s line and column', async () => {
      const cases: Array<[string, RegExp]> = [
        [
          '{service_name="a\\nb"}',
          /^parse error at line 1, col 17: invalid char escape/,
        ],
        [
          '{service_name="orders}',
          /^parse error at line 1, col 15: literal not terminated/,
        ],
        ['{service_name=`orders`}', /^parse error at line 1, col 15: /],
        [
          '{service_name="orders"} | line_format "{{.msg}}"',
          /^parse error at line 1, col 39: syntax error: unexpected STRING/,
        ],
        [
          '{service_name="orders"} | json',
          /^parse error at line 1, col 31: syntax error: unexpected \$end/,
        ],
        [
          '{service_name="orders",\n foo}',
          /^parse error at line 2, col 5: syntax error: unexpected }/,
        ],
        [
          'rate({service_name="orders"}[1m])',
          /^parse error at line 1, col 1: syntax error: unexpected IDENTIFIER/,
        ],
      ];
      for (const [query, message] of cases) {
        const res = await q({ query, ...hour });
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.text).toMatch(message);
      }
    });

    it('parses a quoted value back to exactly itself', () => {
      for (const value of ['a"b', 'a\\b', '\\"', 'orders"} or {x="', '']) {
        const parsed = parseLogQL(`{x="y", v=${quoteLogQL(value)}}`);
        expect(parsed.kind === 'log' && parsed.selector[1].value).toBe(value);
      }
    });
  });

  describe('log queries', () => {
    it('merges streams newest first under one limit, structured metadata as labels', async () => {
      const res = await q({
        query: '{service_namespace="team-a"}',
        ...hour,
        limit: 3,
      });
      expect(lines(res).sort()).toEqual(
        ['GET /orders 200', 'job failed: error', 'error: db down again'].sort(),
      );
      const all = await q({ query: '{service_name="orders"}', ...hour });
      const withTrace = all.body.data.result.find(
        (r: { stream: Record<string, string> }) => r.stream.trace_id === 'abc',
      );
      expect(withTrace).toEqual({
        stream: {
          detected_level: 'error',
          service_name: 'orders',
          service_namespace: 'team-a',
          trace_id: 'abc',
        },
        values: [[ns(at(20)), 'error: db down']],
      });
      for (const r of all.body.data.result) {
        expect(r.values.map((v: string[]) => v[0])).toEqual(
          sortedNs(r.values, 'desc'),
        );
      }
    });

    it('defaults to limit 100, the last hour and backward', async () => {
      const many: LokiStreamSeed = {
        labels: { service_name: 'chatty' },
        entries: Array.from({ length: 150 }, (_, i) => ({
          ts: new Date(T - 1000 - i * 1000),
          line: `line ${i}`,
        })),
      };
      make({ tenants: { [TENANT]: [many, ...seed()[TENANT]] } });
      const res = await q({ query: '{service_name="chatty"}' });
      expect(lines(res)).toHaveLength(100);
      expect(lines(res)[0]).toBe('line 0');
      const orders = await q({ query: '{service_name="orders"}' });
      expect(lines(orders)).toHaveLength(6);
      const old = await q({ query: '{service_name="orders"}', since: '15m' });
      expect(lines(old)).toEqual(['GET /orders 200']);
    });

    it('reads start and end as ns, float seconds or RFC3339, end exclusive', async () => {
      const sel = { query: '{service_name="orders"}' };
      const byNs = await q({ ...sel, start: ns(at(30)), end: ns(at(10)) });
      expect(lines(byNs)).toEqual([
        'error: db down again',
        'error: db down',
        'slow query',
      ]);
      const bySeconds = await q({
        ...sel,
        start: (at(30).getTime() / 1000).toFixed(3),
        end: String(at(10).getTime() / 1000),
      });
      expect(lines(bySeconds)).toEqual(lines(byNs));
      const byRfc = await q({
        ...sel,
        start: at(30).toISOString(),
        end: at(10).toISOString(),
      });
      expect(lines(byRfc)).toEqual(lines(byNs));
      const bad = await q({ ...sel, start: 'yesterday' });
      expect(bad.status).toBe(400);
      expect(bad.contentType).toMatch(/^text\/plain/);
    });

    it('filters by detected_level, and finds no `level` where none was sent', async () => {
      const res = await q({
        query: '{service_name="orders"} | detected_level="error" != "again"',
        ...hour,
      });
      expect(lines(res)).toEqual(['error: db down']);
      const level = await q({
        query: '{service_name="orders"} | level = "error"',
        ...hour,
      });
      expect(level.status).toBe(200);
      expect(lines(level)).toEqual([]);
      const notInfo = await q({
        query: '{service_name="orders"} | detected_level!~"info|warn"',
        ...hour,
      });
      expect(lines(notInfo)).toHaveLength(2);
    });

    it('refuses a bad limit or direction with 400', async () => {
      const refused: Array<Record<string, string | number>> = [
        { limit: 0 },
        { limit: 'ten' },
        { limit: 5001 },
        { direction: 'sideways' },
      ];
      for (const extra of refused) {
        const res = await q({ query: '{service_name="orders"}', ...extra });
        expect(res.status).toBe(400);
      }
    });
  });

  describe('metric queries', () => {
    it('counts by detected_level per step; buckets add up to the lines in range', async () => {
      // step == range: the windows (t - 10m, t] tile (start - 10m, end].
      const res = await q({
        query:
          'sum by (detected_level) (count_over_time({service_namespace="team-a"} [10m]))',
        start: ns(at(50)),
        end: ns(T),
        step: '10m',
      });
      expect(res.status).toBe(200);
      expect(res.body.data.resultType).toBe('matrix');
      const totals = Object.fromEntries(
        res.body.data.result.map(
          (s: { metric: { detected_level: string }; values: string[][] }) => [
            s.metric.detected_level,
            s.values.reduce((n, v) => n + Number(v[1]), 0),
          ],
        ),
      );
      expect(totals).toEqual({ error: 3, info: 4, warn: 1 });
      const seeded = double.state.lineCount(TENANT, {
        from: new Date(at(60).getTime() + 1),
        to: new Date(T + 1),
      });
      expect(totals.error + totals.info + totals.warn).toBe(seeded - 1); // billing is team-b
      const error = res.body.data.result.find(
        (s: { metric: { detected_level: string } }) =>
          s.metric.detected_level === 'error',
      );
      expect(error.values).toEqual([
        [at(20).getTime() / 1000, '1'],
        [at(10).getTime() / 1000, '2'],
      ]);
    });

    it('puts lines without a level in one series without detected_level, and FATAL apart from error', async () => {
      make({
        tenants: {
          [TENANT]: [
            {
              labels: { service_name: 'orders' },
              entries: [
                { ts: at(30), line: 'no level here' },
                { ts: at(25), line: 'nor here' },
                { ts: at(20), line: 'panic', level: 'FATAL' },
                { ts: at(15), line: 'boom', level: 'error' },
              ],
            },
          ],
        },
      });
      const res = await q({
        query:
          'sum by (detected_level) (count_over_time({service_name="orders"} [1h]))',
        start: ns(T),
        end: ns(T),
        step: '1h',
      });
      expect(res.status).toBe(200);
      expect(res.body.data.result).toHaveLength(3);
      expect(res.body.data.result).toEqual(
        expect.arrayContaining([
          { metric: {}, values: [[T / 1000, '2']] },
          { metric: { detected_level: 'FATAL' }, values: [[T / 1000, '1']] },
          { metric: { detected_level: 'error' }, values: [[T / 1000, '1']] },
        ]),
      );
    });

    it('leaves out steps without lines, and sums with |= "error"', async () => {
      const res = await q({
        query:
          'sum(count_over_time({service_name=~"orders.*"} |= "error" [1m]))',
        start: ns(at(25)),
        end: ns(at(10)),
        step: 60,
      });
      expect(res.body.data.result).toEqual([
        {
          metric: {},
          values: [
            [at(20).getTime() / 1000, '1'],
            [at(19).getTime() / 1000, '1'],
            [at(15).getTime() / 1000, '1'],
          ],
        },
      ]);
      const none = await q({
        query: 'sum(count_over_time({service_name="nobody"} [1m]))',
        ...hour,
        step: 60,
      });
      expect(none.body.data).toMatchObject({
        resultType: 'matrix',
        result: [],
      });
    });

    it('takes `sum(...) by (...)` too, and refuses steps beyond 11,000 points', async () => {
      const res = await q({
        query:
          'sum(count_over_time({service_name="orders"}[1h])) by (service_name)',
        start: ns(T),
        end: ns(T),
      });
      expect(res.body.data.result).toEqual([
        { metric: { service_name: 'orders' }, values: [[T / 1000, '6']] },
      ]);
      const tooFine = await q({
        query: 'sum(count_over_time({service_name="orders"}[1m]))',
        ...hour,
        step: '100ms',
      });
      expect(tooFine.status).toBe(400);
      expect(tooFine.text).toMatch(/maximum resolution of 11,000 points/);
    });
  });

  describe('tenancy (contracts.md 5.1)', () => {
    it('answers 401 `no org id` without the header, plain text', async () => {
      const res = await q({ query: '{service_name="orders"}' }, null);
      expect(res.status).toBe(401);
      expect(res.text).toBe('no org id\n');
      expect(res.contentType).toBe('text/plain; charset=utf-8');
      const labels = await get(DOUBLE_URL, '/loki/api/v1/labels');
      expect(labels.status).toBe(401);
    });

    it('with auth disabled ignores the header and reads tenant `fake`', async () => {
      make({ authEnabled: false, tenants: { fake: seed()[TENANT] } });
      const none = await get(DOUBLE_URL, '/loki/api/v1/query_range', {
        query: '{service_name="billing"}',
      });
      expect(lines(none)).toEqual(['invoice sent']);
      const other = await q({ query: '{service_name="billing"}' }, 'team-z');
      expect(lines(other)).toEqual(['invoice sent']);
    });

    it('refuses A|B unless multi-tenant queries are on; then labels each stream', async () => {
      const off = await q(
        { query: '{service_name="billing"}' },
        'team-a|team-b',
      );
      expect(off.status).toBe(400);
      make({
        multiTenantQueries: true,
        tenants: { ...seed(), 'team-b': seed()[TENANT] },
      });
      const on = await q(
        { query: '{service_name="billing"}', ...hour },
        'team-a|team-b',
      );
      expect(
        on.body.data.result
          .map(
            (r: { stream: Record<string, string> }) => r.stream.__tenant_id__,
          )
          .sort(),
      ).toEqual(['team-a', 'team-b']);
    });
  });

  describe('labels', () => {
    it('lists index labels (not structured metadata) of streams in the window, 6 h by default', async () => {
      const res = await get(DOUBLE_URL, '/loki/api/v1/labels', {}, TENANT);
      expect(res.body).toEqual({
        status: 'success',
        data: ['service_name', 'service_namespace'],
      });
      const values = await get(
        DOUBLE_URL,
        '/loki/api/v1/label/service_name/values',
        { query: '{service_namespace="team-a"}' },
        TENANT,
      );
      expect(values.body.data).toEqual(['orders', 'orders-worker']);
      const later = await get(
        DOUBLE_URL,
        '/loki/api/v1/label/service_name/values',
        { start: ns(at(12)), end: ns(T) },
        TENANT,
      );
      expect(later.body.data).toEqual(['orders']);
      const old = await get(
        DOUBLE_URL,
        '/loki/api/v1/labels',
        { start: ns(T - 7 * 3600_000 - 1), end: ns(T - 6 * 3600_000) },
        TENANT,
      );
      expect(old.body.data).toEqual([]);
    });
  });

  describe('faults', () => {
    it('answers an injected status as plain text, then heals after `times`', async () => {
      double.faults.inject({
        path: '/loki/api/v1/query_range',
        status: 429,
        times: 1,
      });
      const first = await q({ query: '{service_name="orders"}' });
      expect(first.status).toBe(429);
      expect(first.text).toBe('too many outstanding requests\n');
      expect(
        (await get(DOUBLE_URL, '/loki/api/v1/labels', {}, TENANT)).status,
      ).toBe(200);
      expect((await q({ query: '{service_name="orders"}' })).status).toBe(200);
      double.faults.inject({ status: 503, body: 'ingester unhealthy' });
      expect((await q({ query: '{service_name="orders"}' })).text).toBe(
        'ingester unhealthy\n',
      );
      double.faults.clear();
      expect(double.faults.active()).toEqual([]);
      expect((await q({ query: '{service_name="orders"}' })).status).toBe(200);
    });

    it('answers one tenant with a fault and leaves the others alone', async () => {
      double.faults.inject({ tenant: 'storing', status: 503 });
      const down = await q({ query: '{service_name="orders"}' }, 'storing');
      expect(down.status).toBe(503);
      expect(down.contentType).toBe('text/plain; charset=utf-8');
      expect(down.text).toBe('Service Unavailable\n');
      expect((await q({ query: '{service_name="orders"}' })).status).toBe(200);
      expect((await q({ query: '{service_name="orders"}' }, null)).status).toBe(
        401,
      );
    });

    it('adds latency and drops connections', async () => {
      double.faults.inject({ latencyMs: 120, times: 1 });
      const started = Date.now();
      expect((await q({ query: '{service_name="orders"}' })).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      const remove = double.faults.inject({ method: 'GET', reset: true });
      await expect(q({ query: '{service_name="orders"}' })).rejects.toThrow();
      remove();
      expect((await q({ query: '{service_name="orders"}' })).status).toBe(200);
      expect(double.requests.map(r => r.status)).toEqual([200, 0, 200]);
    });
  });

  it('logs method, path, parameter names, query text and status, and never a header', async () => {
    await q(
      { query: '{service_name="orders"} |= "db"', limit: 5 },
      'secret-tenant-x',
    );
    await get(DOUBLE_URL, '/loki/api/v1/labels');
    await get(DOUBLE_URL, '/loki/api/v1/query', { query: '{a="b"}' }, TENANT);
    await get(DOUBLE_URL, '/metrics', {}, TENANT);
    expect(double.requests).toEqual([
      {
        method: 'GET',
        path: '/loki/api/v1/query_range',
        params: ['query', 'limit'],
        query: '{service_name="orders"} |= "db"',
        status: 200,
      },
      { method: 'GET', path: '/loki/api/v1/labels', params: [], status: 401 },
      {
        method: 'GET',
        path: '/loki/api/v1/query',
        params: ['query'],
        query: '{a="b"}',
        status: 501,
      },
      { method: 'GET', path: '/metrics', params: [], status: 404 },
    ]);
    expect(JSON.stringify(double.requests)).not.toContain('secret-tenant-x');
  });
});
