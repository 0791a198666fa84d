import type { AddressInfo } from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { ServiceFactory } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  backstageVaultPolicy,
  createLokiDouble,
  createTempoDouble,
  createVaultDouble,
  setupDoubleServer,
  type LokiDouble,
  type TempoDouble,
  type VaultDouble,
} from '@haven-plus/haven-doubles';
import {
  SANDBOX_DOWN_TENANT,
  startLokiDoubleOnLoopback,
  startTempoDoubleOnLoopback,
} from '@haven-plus/haven-sandbox';
import { http, passthrough } from 'msw';
import havenPlugin, { havenEntityTelemetryReadPermission } from './index';
import type { EntityTelemetry } from './service/types';

jest.setTimeout(30_000);

const VAULT = 'https://vault.double.test';
const LOKI = 'https://loki.double.test';
const TEMPO = 'https://tempo.double.test';
const ROOT_TOKEN = 'root-token-for-tests';
const BACKSTAGE_TOKEN = 'backstage-token-5d2e8f1a';
const TENANT = 'voorbeeld';
const SECRET_VALUE = 'webui-secret-value-never-shown-9c4a';
const SERVICE = 'open-webui-voorbeeld';
const KV_PATH = 'apps/voorbeeld/open-webui-voorbeeld';
const ENTITY_REF = 'component:default/open-webui-voorbeeld';
const ROUTE =
  '/api/haven/entities/component/default/open-webui-voorbeeld/telemetry';
const MINUTE = 60_000;

const server = setupDoubleServer();

/** App config as the mock root config takes it. */
type JsonObject = NonNullable<
  NonNullable<Parameters<typeof mockServices.rootConfig.factory>[0]>['data']
>;

function entity(
  annotations: Record<string, string>,
  name = 'open-webui-voorbeeld',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:team-a' },
  };
}

const annotations = {
  'backstage.io/kubernetes-id': SERVICE,
  'backstage.io/kubernetes-namespace': 'voorbeeld',
  'vault.io/secrets-engine': 'kv-apps',
  'vault.io/secrets-path': KV_PATH,
  'haven.plus/otel-service-name': SERVICE,
};
const openWebUi = entity(annotations);

const SELECTOR = `{service_name="${SERVICE}", service_namespace="voorbeeld"}`;
const TRACE_FILTER = `resource.service.name = "${SERVICE}" && resource.service.namespace = "voorbeeld"`;

/** Entity-page Vault rights: list and read metadata, nothing on data/. */
const ENTITY_PAGE_POLICY =
  'path "kv-apps/metadata/apps/*" { capabilities = ["read", "list"] }';

function startVault(policy = ENTITY_PAGE_POLICY): VaultDouble {
  const vault = createVaultDouble({
    baseUrl: VAULT,
    rootToken: ROOT_TOKEN,
    kvMounts: ['kv-apps'],
    tokens: [{ token: BACKSTAGE_TOKEN, policies: ['backstage'] }],
    policies: [{ name: 'backstage', policy }],
    kvSecrets: [
      {
        mount: 'kv-apps',
        path: `${KV_PATH}/webui-secret-key`,
        data: { value: SECRET_VALUE },
      },
      {
        mount: 'kv-apps',
        path: `${KV_PATH}/openai-api-key`,
        data: { value: 'sk-another-value' },
      },
      // A folder below the path: not a secret of this entity's list.
      {
        mount: 'kv-apps',
        path: `${KV_PATH}/nested/deeper`,
        data: { value: 'x' },
      },
    ],
  });
  server.use(...vault.handlers);
  return vault;
}

function lokiStreams(now: number, service = SERVICE) {
  return [
    {
      labels: { service_name: service, service_namespace: 'voorbeeld' },
      entries: [
        { ts: new Date(now - 90 * MINUTE), line: 'old error', level: 'error' },
        {
          ts: new Date(now - 11 * MINUTE),
          line: 'GET /api/models 200',
          level: 'info',
        },
        {
          ts: new Date(now - 8.5 * MINUTE),
          line: 'open_webui: Connection error: Ollama unreachable',
          level: 'error',
        },
        {
          ts: new Date(now - 6.5 * MINUTE),
          line: 'slow request /api/chat',
          level: 'warn',
        },
        {
          ts: new Date(now - 2.5 * MINUTE),
          line: 'ERROR: boom',
          level: 'error',
        },
      ],
    },
  ];
}

function startLoki(tenant = TENANT): LokiDouble {
  const loki = createLokiDouble({
    baseUrl: LOKI,
    tenants: { [tenant]: lokiStreams(Date.now()) },
  });
  server.use(...loki.handlers);
  return loki;
}

const TRACE_OK = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const TRACE_ERROR = 'b1b2c3d4e5f60718293a4b5c6d7e8f91';

function startTempo(tenant = TENANT): TempoDouble {
  const now = Date.now();
  const resource = {
    'service.name': SERVICE,
    'service.namespace': 'voorbeeld',
  };
  const tempo = createTempoDouble({
    baseUrl: TEMPO,
    multitenancyEnabled: true,
    tenants: {
      [tenant]: [
        {
          traceId: TRACE_OK,
          spans: [
            {
              spanId: '1a2b3c4d5e6f7081',
              name: 'GET /api/models',
              kind: 'server',
              start: new Date(now - 12 * MINUTE),
              durationMs: 42,
              resource,
            },
          ],
        },
        {
          traceId: TRACE_ERROR,
          spans: [
            {
              spanId: '2a2b3c4d5e6f7082',
              name: 'POST /api/chat/completions',
              kind: 'server',
              start: new Date(now - 3 * MINUTE),
              durationMs: 5,
              status: 'error',
              resource,
            },
          ],
        },
      ],
    },
  });
  server.use(...tempo.handlers);
  return tempo;
}

function configData(
  page: JsonObject = {},
  urls: { loki: string; tempo: string } = { loki: LOKI, tempo: TEMPO },
): JsonObject {
  return {
    haven: {
      vault: {
        address: VAULT,
        auth: { method: 'token', token: BACKSTAGE_TOKEN },
        environments: [
          {
            name: 'sandbox',
            kvMount: 'kv-apps',
            kubernetesAuthMount: 'kubernetes',
          },
        ],
      },
      loki: { url: urls.loki, tenant: TENANT },
      tempo: { url: urls.tempo, tenant: TENANT },
      entityPage: page,
    },
  };
}

/** A section as a test reads it, whatever its status. */
type Section = { status: string; message?: string; [key: string]: unknown };

/** An answer as a test reads it: the telemetry, or Backstage's error body. */
interface Answer {
  entityRef: string;
  generatedAt: string;
  vault: Section;
  logs: Section;
  traces: Section;
  error: { name: string; message: string };
}

interface Started {
  get<T = Answer>(
    path?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T }>;
}

async function start(
  options: {
    entities?: Entity[];
    config?: JsonObject;
    catalog?: ServiceFactory;
    permissions?: ServiceFactory;
    httpAuth?: ServiceFactory;
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  } = {},
): Promise<Started> {
  const { server: backend } = await startTestBackend({
    features: [
      havenPlugin,
      mockServices.rootConfig.factory({ data: options.config ?? configData() }),
      options.catalog ??
        catalogServiceMock.factory({
          entities: options.entities ?? [openWebUi],
        }),
      options.permissions ??
        mockServices.permissions.factory({
          result: options.permission ?? AuthorizeResult.ALLOW,
        }),
      ...(options.httpAuth ? [options.httpAuth] : []),
    ],
  });
  const base = `http://localhost:${(backend.address() as AddressInfo).port}`;
  // The backend under test is reached over real HTTP, past msw.
  server.use(http.all(`${base}/*`, () => passthrough()));
  return {
    async get(path = ROUTE, headers = {}) {
      const res = await fetch(`${base}${path}`, {
        headers: { authorization: mockCredentials.user.header(), ...headers },
      });
      return { status: res.status, body: await res.json() };
    },
  };
}

const noData = (vault: VaultDouble) =>
  vault.requests.filter(r => r.path.includes('/data/'));

/**
 * The Vault requests the backend sends, each with its round: a request sent
 * after one of round n had answered is in round n + 1, so the deepest round
 * is the number of Vault round trips in series. Read from msw's life-cycle
 * events, in the order they happened, not from timings.
 */
function recordVaultRounds() {
  const roundOf = new Map<string, number>();
  let answered = 0;
  let sent: Array<[string, number]> = [];
  const onStart = ({
    request,
    requestId,
  }: {
    request: Request;
    requestId: string;
  }) => {
    if (!request.url.startsWith(`${VAULT}/`)) return;
    const round = answered + 1;
    roundOf.set(requestId, round);
    sent.push([new URL(request.url).pathname, round]);
  };
  const onAnswer = ({ requestId }: { requestId: string }) => {
    answered = Math.max(answered, roundOf.get(requestId) ?? 0);
  };
  server.events.on('request:start', onStart);
  server.events.on('response:mocked', onAnswer);
  return {
    /** Path and round of each request since the last `next()`, in the order sent. */
    sent: () => sent,
    /** Round trips in series since the last `next()`. */
    inSeries: () => Math.max(0, ...sent.map(([, round]) => round)),
    /** Starts counting a new view. */
    next() {
      roundOf.clear();
      answered = 0;
      sent = [];
    },
    stop() {
      server.events.removeListener('request:start', onStart);
      server.events.removeListener('response:mocked', onAnswer);
    },
  };
}

/** Writes or deletes a KV key as an operator would, with the root token. */
async function vaultAsRoot(method: 'POST' | 'DELETE', path: string) {
  const res = await fetch(`${VAULT}/v1/kv-apps/${path}`, {
    method,
    headers: {
      'x-vault-token': ROOT_TOKEN,
      'content-type': 'application/json',
    },
    ...(method === 'POST'
      ? { body: JSON.stringify({ data: { value: 'v' } }) }
      : {}),
  });
  expect([path, res.ok]).toEqual([path, true]);
}

describe('GET /entities/:kind/:namespace/:name/telemetry', () => {
  it('answers the whole contract from Vault metadata, Loki and Tempo', async () => {
    const vault = startVault();
    const loki = startLoki();
    const tempo = startTempo();
    const backend = await start();

    const before = Date.now();
    const res = await backend.get<EntityTelemetry>(`${ROUTE}?window=1h`);
    expect(res.status).toBe(200);
    const answer = res.body;

    expect(Object.keys(answer)).toEqual([
      'entityRef',
      'window',
      'generatedAt',
      'vault',
      'logs',
      'traces',
    ]);
    expect(answer.entityRef).toBe(ENTITY_REF);
    expect(answer.window).toBe('1h');
    expect(Date.parse(answer.generatedAt)).toBeGreaterThanOrEqual(
      before - 1000,
    );

    expect(answer.vault).toEqual({
      status: 'ok',
      mount: 'kv-apps',
      path: KV_PATH,
      secrets: [
        {
          name: 'openai-api-key',
          version: 1,
          createdTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          updatedTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
        {
          name: 'webui-secret-key',
          version: 1,
          createdTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          updatedTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      ],
    });
    expect(JSON.stringify(answer)).not.toContain(SECRET_VALUE);

    if (answer.logs.status !== 'ok') throw new Error(answer.logs.message);
    // Within the hour: 4 lines, 2 at level error (the 90-minute-old one is out).
    expect(answer.logs.total).toBe(4);
    expect(answer.logs.errors).toBe(2);
    expect(answer.logs.levels).toEqual({ error: 2, info: 1, warn: 1 });
    expect(answer.logs).not.toHaveProperty('recent');
    expect(answer.logs.buckets).toHaveLength(12);
    const times = answer.logs.buckets.map(b => Date.parse(b.time));
    expect(times[0]).toBeGreaterThanOrEqual(before - 60 * MINUTE - 1000);
    expect(times[0]).toBeLessThanOrEqual(Date.now() - 60 * MINUTE);
    times.slice(1).forEach((t, i) => expect(t - times[i]).toBe(5 * MINUTE));
    expect(answer.logs.buckets.map(b => b.total)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1,
    ]);
    expect(answer.logs.buckets.map(b => b.errors)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
    ]);

    expect(answer.traces).toEqual({
      status: 'ok',
      traces: [
        {
          traceId: TRACE_ERROR,
          rootName: 'POST /api/chat/completions',
          rootService: SERVICE,
          start: expect.stringMatching(/Z$/),
          durationMs: 5,
          error: true,
        },
        {
          traceId: TRACE_OK,
          rootName: 'GET /api/models',
          rootService: SERVICE,
          start: expect.stringMatching(/Z$/),
          durationMs: 42,
          error: false,
        },
      ],
    });

    // What went upstream: one LIST and one metadata read per key, never data/.
    expect(
      vault.requests.map(r => `${r.method} ${r.path} ${r.status}`),
    ).toEqual([
      `GET /v1/kv-apps/metadata/${KV_PATH}/ 200`,
      `GET /v1/kv-apps/metadata/${KV_PATH}/openai-api-key 200`,
      `GET /v1/kv-apps/metadata/${KV_PATH}/webui-secret-key 200`,
    ]);
    expect(noData(vault)).toEqual([]);
    // One Loki and one Tempo request for the whole view.
    expect(
      loki.requests.map(r => [r.path, r.query, r.params, r.status]),
    ).toEqual([
      [
        '/loki/api/v1/query_range',
        `sum by (detected_level) (count_over_time(${SELECTOR} [5m]))`,
        ['query', 'start', 'end', 'step'],
        200,
      ],
    ]);
    expect(
      tempo.requests.map(r => [r.path, r.query, r.params, r.status]),
    ).toEqual([
      [
        '/api/search',
        `{ ${TRACE_FILTER} } | select(status)`,
        ['q', 'limit', 'spss', 'start', 'end'],
        200,
      ],
    ]);
  });

  it('reads the entity with the caller’s credentials and checks the permission on it', async () => {
    startVault();
    startLoki();
    startTempo();
    const catalog = catalogServiceMock.mock({
      getEntityByRef: jest.fn(async () => openWebUi),
    });
    const permissions = mockServices.permissions.mock({
      authorize: jest.fn(async () => [{ result: AuthorizeResult.ALLOW }]),
    });
    const backend = await start({
      catalog: catalog.factory,
      permissions: permissions.factory,
    });
    const { status } = await backend.get(ROUTE, {
      authorization: mockCredentials.user.header('user:default/alice'),
    });
    expect(status).toBe(200);
    expect(catalog.getEntityByRef).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: SERVICE },
      {
        credentials: mockCredentials.user('user:default/alice'),
      },
    );
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: havenEntityTelemetryReadPermission,
          resourceRef: ENTITY_REF,
        },
      ],
      { credentials: mockCredentials.user('user:default/alice') },
    );
    expect(havenEntityTelemetryReadPermission).toEqual({
      type: 'resource',
      name: 'haven.entity.telemetry.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
  });

  it('answers 401 without credentials', async () => {
    const vault = startVault();
    const loki = startLoki();
    const tempo = startTempo();
    const backend = await start({
      httpAuth: mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
    });
    const { status } = await backend.get(ROUTE, { authorization: '' });
    expect(status).toBe(401);
    expect([vault.requests, loki.requests, tempo.requests]).toEqual([
      [],
      [],
      [],
    ]);
  });

  it('answers 404 for an entity the catalog does not give the caller, and asks no upstream', async () => {
    const vault = startVault();
    const loki = startLoki();
    const tempo = startTempo();
    const backend = await start({ entities: [] });
    const { status, body } = await backend.get();
    expect(status).toBe(404);
    expect(body.error.name).toBe('NotFoundError');
    expect([vault.requests, loki.requests, tempo.requests]).toEqual([
      [],
      [],
      [],
    ]);
  });

  it('answers 403 when the permission is denied, and asks no upstream', async () => {
    const vault = startVault();
    const loki = startLoki();
    const tempo = startTempo();
    const backend = await start({ permission: AuthorizeResult.DENY });
    const { status, body } = await backend.get();
    expect(status).toBe(403);
    expect(body.error.name).toBe('NotAllowedError');
    expect(body.error.message).toContain('haven.entity.telemetry.read');
    expect([vault.requests, loki.requests, tempo.requests]).toEqual([
      [],
      [],
      [],
    ]);
  });

  it('answers 400 for a window off the allow-list, and asks no upstream', async () => {
    const vault = startVault();
    const loki = startLoki();
    const backend = await start();
    const { status, body } = await backend.get(`${ROUTE}?window=2d`);
    expect(status).toBe(400);
    expect(body.error.message).toBe('window must be one of 15m, 1h, 6h, 24h');
    expect([vault.requests, loki.requests]).toEqual([[], []]);
  });

  it('escapes a crafted service name: Loki and Tempo get exactly one quoted value', async () => {
    startVault();
    const loki = startLoki();
    const tempo = startTempo();
    const crafted = 'x"} or {a=~".+';
    const backend = await start({
      entities: [
        entity({ ...annotations, 'haven.plus/otel-service-name': crafted }),
      ],
    });
    const { body } = await backend.get(`${ROUTE}?window=15m`);
    const selector =
      '{service_name="x\\"} or {a=~\\".+", service_namespace="voorbeeld"}';
    expect(loki.requests.map(r => r.query)).toEqual([
      `sum by (detected_level) (count_over_time(${selector} [75s]))`,
    ]);
    expect(tempo.requests.map(r => r.query)).toEqual([
      '{ resource.service.name = "x\\"} or {a=~\\".+" && resource.service.namespace = "voorbeeld" } | select(status)',
    ]);
    // Parsed as one value, it matches no stream of the real service.
    expect(body.logs).toMatchObject({ status: 'ok', total: 0, errors: 0 });
    expect(body.traces).toEqual({ status: 'ok', traces: [] });
  });

  it.each([
    [
      'answers 503',
      { status: 503, body: 'GET /private line from another app' },
      'answered HTTP 503 to the',
    ],
    ['resets the connection', { reset: true }, 'could not be reached'],
  ])('keeps Vault and traces when Loki %s', async (_, fault, expected) => {
    const vault = startVault();
    const loki = startLoki();
    startTempo();
    loki.faults.inject(fault);
    const backend = await start();
    const { status, body } = await backend.get();
    expect(status).toBe(200);
    expect(body.logs.status).toBe('error');
    expect(body.logs.message).toContain(`Loki at ${LOKI} `);
    expect(body.logs.message).toContain(expected);
    expect(JSON.stringify(body)).not.toContain('private line');
    expect(body.vault.status).toBe('ok');
    expect(body.vault.secrets).toHaveLength(2);
    expect(body.traces.status).toBe('ok');
    expect(body.traces.traces).toHaveLength(2);
    expect(noData(vault)).toEqual([]);
  });

  it('names the upstream and its status when the sandbox Loki and Tempo are down for the tenant', async () => {
    startVault();
    // The sandbox's own doubles over loopback, as `yarn start` runs them.
    const loki = await startLokiDoubleOnLoopback(0);
    const tempo = await startTempoDoubleOnLoopback(0);
    try {
      server.use(
        http.all(`${loki.url}/*`, () => passthrough()),
        http.all(`${tempo.url}/*`, () => passthrough()),
      );
      const backend = await start({
        config: configData({}, { loki: loki.url, tempo: tempo.url }),
        entities: [
          entity({
            ...annotations,
            'haven.plus/telemetry-tenant': SANDBOX_DOWN_TENANT,
          }),
        ],
      });
      const { status, body } = await backend.get();
      expect(status).toBe(200);
      expect(body.logs).toEqual({
        status: 'error',
        message: `Loki at ${loki.url} answered HTTP 503 to the log-volume query; Loki is overloaded or down; try again later`,
      });
      expect(body.traces).toEqual({
        status: 'error',
        message: `Tempo at ${tempo.url} answered HTTP 503 to the trace search; Tempo is overloaded or down; try again later`,
      });
      expect(body.vault.status).toBe('ok');
      expect(loki.double.requests.map(r => r.status)).toEqual([503]);
      expect(tempo.double.requests.map(r => r.status)).toEqual([503]);
    } finally {
      await Promise.all([loki.close(), tempo.close()]);
    }
  });

  describe('marks a trace failed from what one search returns', () => {
    /** A trace of 12 spans of the service whose only error span starts last. */
    const lateError = (now: number) => ({
      traceId: 'c1b2c3d4e5f60718293a4b5c6d7e8f92',
      spans: Array.from({ length: 12 }, (_, i) => ({
        spanId: `3a2b3c4d5e6f70${String(i).padStart(2, '0')}`,
        ...(i > 0 ? { parentSpanId: '3a2b3c4d5e6f7000' } : {}),
        name: i === 0 ? 'POST /api/chat/completions' : `step ${i}`,
        start: new Date(now - 4 * MINUTE + i * 1000),
        durationMs: 5,
        ...(i === 11 ? { status: 'error' as const } : {}),
        resource: {
          'service.name': SERVICE,
          'service.namespace': 'voorbeeld',
        },
      })),
    });
    const startTempoWith = (serviceStats: boolean) => {
      const tempo = createTempoDouble({
        baseUrl: TEMPO,
        multitenancyEnabled: true,
        serviceStats,
        tenants: { [TENANT]: [lateError(Date.now())] },
      });
      server.use(...tempo.handlers);
      return tempo;
    };

    it('misses an error span beyond the spans Tempo returns (spss 10) without serviceStats', async () => {
      startVault();
      startLoki();
      startTempoWith(false);
      const backend = await start();
      const { body } = await backend.get();
      expect(body.traces).toEqual({
        status: 'ok',
        traces: [expect.objectContaining({ error: false })],
      });
    });

    it('finds it through serviceStats[<service>].errorCount when Tempo sends them', async () => {
      startVault();
      startLoki();
      startTempoWith(true);
      const backend = await start();
      const { body } = await backend.get();
      expect(body.traces).toEqual({
        status: 'ok',
        traces: [expect.objectContaining({ error: true })],
      });
    });
  });

  it('gives up on a slow Tempo after timeoutMs, keeping the other sections', async () => {
    startVault();
    startLoki();
    const tempo = startTempo();
    tempo.faults.inject({ latencyMs: 2000 });
    const backend = await start({
      config: configData({ timeoutMs: 300 }),
    });
    const started = Date.now();
    const { body } = await backend.get();
    expect(Date.now() - started).toBeLessThan(1800);
    expect(body.traces).toEqual({
      status: 'error',
      message: `Tempo at ${TEMPO} did not answer within 300 ms (trace search)`,
    });
    expect(body.logs.status).toBe('ok');
    expect(body.vault.status).toBe('ok');
  });

  it('gives up on a slow Vault after timeoutMs, keeping the other sections', async () => {
    const vault = startVault();
    startLoki();
    startTempo();
    vault.faults.inject({ latencyMs: 2000 });
    const backend = await start({ config: configData({ timeoutMs: 300 }) });
    const { body } = await backend.get();
    expect(body.vault).toEqual({
      status: 'error',
      message: `Vault at ${VAULT} did not answer within 300 ms`,
    });
    expect(body.logs.status).toBe('ok');
    expect(body.traces.status).toBe('ok');
  });

  describe('one Loki and one Tempo request per entity view per cache window', () => {
    /** The requests each telemetry double saw, by path. */
    const seen = (loki: LokiDouble, tempo: TempoDouble) => ({
      loki: loki.requests.map(r => r.path),
      tempo: tempo.requests.map(r => r.path),
    });
    const once = (n: number) => ({
      loki: new Array(n).fill('/loki/api/v1/query_range'),
      tempo: new Array(n).fill('/api/search'),
    });

    it('asks again only for another window or once the TTL has passed', async () => {
      const vault = startVault();
      const loki = startLoki();
      const tempo = startTempo();
      const backend = await start({
        config: configData({ cacheTtlSeconds: 1 }),
      });

      const first = await backend.get();
      expect(first.body.logs.status).toBe('ok');
      expect(first.body.traces.status).toBe('ok');
      expect(seen(loki, tempo)).toEqual(once(1));
      const second = await backend.get();
      expect(second.body).toEqual(first.body);
      expect(seen(loki, tempo)).toEqual(once(1));
      expect(vault.requests).toHaveLength(3);

      // Another window is another view.
      await backend.get(`${ROUTE}?window=6h`);
      expect(seen(loki, tempo)).toEqual(once(2));

      await new Promise(resolve => setTimeout(resolve, 1100));
      const third = await backend.get();
      expect(third.body.generatedAt).not.toBe(first.body.generatedAt);
      expect(seen(loki, tempo)).toEqual(once(3));
      expect(vault.requests).toHaveLength(9);
      expect(noData(vault)).toEqual([]);
    });

    it('answers 50 simultaneous views of one entity from one Loki and one Tempo request', async () => {
      startVault();
      const loki = startLoki();
      const tempo = startTempo();
      // Upstreams that take a moment, so the 50 views overlap the first build.
      loki.faults.inject({ latencyMs: 300 });
      tempo.faults.inject({ latencyMs: 300 });
      const backend = await start();

      const burst = () =>
        Promise.all(Array.from({ length: 50 }, () => backend.get()));
      const answers = await burst();
      expect(answers.map(a => a.status)).toEqual(new Array(50).fill(200));
      expect(new Set(answers.map(a => a.body.generatedAt)).size).toBe(1);
      expect(answers[0].body.logs).toMatchObject({ status: 'ok', total: 4 });
      expect(seen(loki, tempo)).toEqual(once(1));

      // and 50 more within the TTL come from the cache
      const again = await burst();
      expect(again.map(a => a.body.generatedAt)).toEqual(
        answers.map(a => a.body.generatedAt),
      );
      expect(seen(loki, tempo)).toEqual(once(1));
    });
  });

  describe('Vault round trips in series', () => {
    const LIST = `/v1/kv-apps/metadata/${KV_PATH}/`;
    const key = (name: string) => `/v1/kv-apps/metadata/${KV_PATH}/${name}`;
    let rounds: ReturnType<typeof recordVaultRounds>;
    beforeEach(() => {
      rounds = recordVaultRounds();
    });
    afterEach(() => rounds.stop());

    /** Vault answering a little later, so requests sent together overlap. */
    async function startSlowVault() {
      const vault = startVault();
      vault.faults.inject({ latencyMs: 50 });
      startLoki();
      startTempo();
      return { vault, backend: await start() };
    }

    it('lists a path seen for the first time, then reads its keys: two', async () => {
      const { backend } = await startSlowVault();
      const { body } = await backend.get(`${ROUTE}?window=1h`);
      expect(body.vault.status).toBe('ok');
      expect(rounds.sent()).toEqual([
        [LIST, 1],
        [key('openai-api-key'), 2],
        [key('webui-secret-key'), 2],
      ]);
    });

    it('reads the keys of a path listed before together with its LIST: one', async () => {
      const { backend } = await startSlowVault();
      const first = await backend.get(`${ROUTE}?window=1h`);
      rounds.next();
      // Another window: an answer not cached yet, for a path listed before.
      const { body } = await backend.get(`${ROUTE}?window=6h`);
      expect(body.vault).toEqual(first.body.vault);
      expect(rounds.sent()).toEqual(
        expect.arrayContaining([
          [LIST, 1],
          [key('openai-api-key'), 1],
          [key('webui-secret-key'), 1],
        ]),
      );
      expect(rounds.sent()).toHaveLength(3);
      expect(rounds.inSeries()).toBe(1);
    });

    it('still LISTs on every view: a secret added since shows, a deleted one is left out', async () => {
      const { vault, backend } = await startSlowVault();
      await backend.get(`${ROUTE}?window=1h`);
      // As "Add a secret to a Haven+ service" and an operator's delete do.
      await vaultAsRoot('POST', `data/${KV_PATH}/anthropic-api-key`);
      await vaultAsRoot('DELETE', `metadata/${KV_PATH}/openai-api-key`);
      rounds.next();

      const { body } = await backend.get(`${ROUTE}?window=6h`);
      expect(body.vault.status).toBe('ok');
      // The delivery card shows the ExternalSecret's openai-api-key as missing.
      expect(
        (body.vault.secrets as Array<{ name: string }>).map(s => s.name),
      ).toEqual(['anthropic-api-key', 'webui-secret-key']);
      // The new key is read once the LIST has named it.
      expect(rounds.sent()).toContainEqual([key('anthropic-api-key'), 2]);

      // The next view expects the keys as they are now: one round trip again.
      rounds.next();
      await backend.get(`${ROUTE}?window=24h`);
      expect(rounds.inSeries()).toBe(1);
      expect(rounds.sent().map(([path]) => path)).not.toContain(
        key('openai-api-key'),
      );
      expect(noData(vault).filter(r => r.method === 'GET')).toEqual([]);
    });
  });

  it('reads the cache only after the access checks', async () => {
    startVault();
    const loki = startLoki();
    startTempo();
    const visible = { current: true };
    const catalog = catalogServiceMock.mock({
      getEntityByRef: jest.fn(async () =>
        visible.current ? openWebUi : undefined,
      ),
    });
    const backend = await start({ catalog: catalog.factory });
    expect((await backend.get()).status).toBe(200);
    visible.current = false;
    expect((await backend.get()).status).toBe(404);
    expect(loki.requests).toHaveLength(1);
  });

  it('reads the tenant from haven.plus/telemetry-tenant before the config default', async () => {
    startVault();
    const loki = startLoki('team-b');
    startTempo('team-b');
    const backend = await start({
      entities: [
        entity({ ...annotations, 'haven.plus/telemetry-tenant': 'team-b' }),
      ],
    });
    const { body } = await backend.get();
    expect(body.logs).toMatchObject({ status: 'ok', total: 4, errors: 2 });
    expect(body.traces.traces).toHaveLength(2);
    expect(loki.requests.every(r => r.status === 200)).toBe(true);
  });

  it("works with README's Backstage policy, and never reads a value", async () => {
    const vault = startVault(
      backstageVaultPolicy({
        kvMount: 'kv-apps',
        kubernetesAuthMount: 'kubernetes',
        pathPrefix: 'apps',
        perApp: false,
      }),
    );
    startLoki();
    startTempo();
    const backend = await start();
    const { body } = await backend.get();
    expect(body.vault.status).toBe('ok');
    expect(noData(vault)).toEqual([]);
  });

  it('says which rights are missing when the Vault token may not list', async () => {
    const vault = startVault(
      'path "kv-apps/metadata/apps/*" { capabilities = ["read"] }',
    );
    startLoki();
    startTempo();
    const backend = await start();
    const { body } = await backend.get();
    expect(body.vault.status).toBe('error');
    expect(body.vault.message).toBe(
      `Vault at ${VAULT} refused Backstage's token on kv-apps/metadata/${KV_PATH}: the token needs "list" and "read" on kv-apps/metadata/${KV_PATH}/* (see "Vault policy for Backstage" in the README).`,
    );
    expect(body.logs.status).toBe('ok');
    expect(noData(vault)).toEqual([]);
  });

  it('says not-configured, naming the annotation, for an entity without telemetry annotations', async () => {
    const vault = startVault();
    const loki = startLoki();
    const tempo = startTempo();
    const bare = entity({}, 'bare-service');
    const backend = await start({ entities: [bare] });
    const { status, body } = await backend.get(
      '/api/haven/entities/component/default/bare-service/telemetry',
    );
    expect(status).toBe(200);
    expect(body.entityRef).toBe('component:default/bare-service');
    expect(body.vault).toEqual({
      status: 'not-configured',
      message: expect.stringContaining('vault.io/secrets-path'),
    });
    for (const section of [body.logs, body.traces]) {
      expect(section).toEqual({
        status: 'not-configured',
        message: expect.stringContaining('haven.plus/otel-service-name'),
      });
    }
    expect([vault.requests, loki.requests, tempo.requests]).toEqual([
      [],
      [],
      [],
    ]);
  });

  it('says not-configured, naming the config key, without haven.loki, haven.tempo and haven.vault', async () => {
    const backend = await start({ config: { haven: {} } });
    const { body } = await backend.get();
    expect(body.vault.status).toBe('not-configured');
    expect(body.vault.message).toContain('haven.vault');
    expect(body.logs).toEqual({
      status: 'not-configured',
      message: expect.stringContaining('haven.loki.url'),
    });
    expect(body.traces).toEqual({
      status: 'not-configured',
      message: expect.stringContaining('haven.tempo.url'),
    });
  });
});
