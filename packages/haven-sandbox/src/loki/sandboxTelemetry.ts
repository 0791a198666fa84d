import type {
  LokiEntrySeed,
  LokiStreamSeed,
  TempoSpanSeed,
  TempoTraceSeed,
} from '@haven-plus/haven-doubles';

/**
 * Whose telemetry the sandbox holds: the Open WebUI component of
 * examples/entities.yaml, as its annotations name it
 * (`haven.plus/otel-service-name`, `haven.plus/otel-service-namespace`,
 * `haven.plus/telemetry-tenant`), in the sandbox environment.
 */
export const SANDBOX_TELEMETRY = {
  tenant: 'voorbeeld',
  serviceName: 'open-webui-voorbeeld',
  serviceNamespace: 'open-webui-voorbeeld',
  environment: 'sandbox',
} as const;

/**
 * The tenant for which the sandbox's Loki and Tempo are down: both answer
 * its requests with a 503 and a plain-text body (loki/lokiSandbox.ts,
 * tempo/tempoSandbox.ts), so an entity whose `haven.plus/telemetry-tenant`
 * is `storing` (Dutch for outage) shows what the entity page does when an
 * upstream fails.
 */
export const SANDBOX_DOWN_TENANT = 'storing';

export interface SandboxTelemetrySeed {
  /** the X-Scope-OrgID both doubles hold the data under */
  tenant: string;
  streams: LokiStreamSeed[];
  traces: TempoTraceSeed[];
}

/** A small deterministic generator (mulberry32), so the seed is the same for the same `now`. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (lo: number, hi: number) => lo + next() * (hi - lo),
    int: (lo: number, hi: number) => Math.floor(lo + next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T =>
      items[Math.floor(next() * items.length)],
    hex: (digits: number) => {
      let out = '';
      while (out.length < digits) out += Math.floor(next() * 16).toString(16);
      // never a leading zero: trace ids then read the same with or without padding
      return out.replace(/^0/, 'a');
    },
  };
}

const MINUTE = 60_000;

type Route = {
  method: string;
  route: string;
  path: string;
  /** typical duration, ms */
  ms: [number, number];
};

const ROUTES: Array<Route & { weight: number }> = [
  {
    method: 'POST',
    route: '/api/chat/completions',
    path: '/api/chat/completions',
    ms: [380, 950],
    weight: 40,
  },
  {
    method: 'GET',
    route: '/api/models',
    path: '/api/models',
    ms: [18, 85],
    weight: 25,
  },
  {
    method: 'GET',
    route: '/api/v1/chats/',
    path: '/api/v1/chats/',
    ms: [12, 60],
    weight: 15,
  },
  {
    method: 'GET',
    route: '/api/v1/auths/',
    path: '/api/v1/auths/',
    ms: [8, 35],
    weight: 10,
  },
  {
    method: 'POST',
    route: '/api/v1/chats/new',
    path: '/api/v1/chats/new',
    ms: [25, 120],
    weight: 10,
  },
];

const OLLAMA_DOWN =
  "Cannot connect to host ollama:11434 ssl:default [Connect call failed ('10.43.12.7', 11434)]";

/**
 * Telemetry for the sandbox's Open WebUI, relative to `now`, so the entity
 * page always has something recent to show:
 *
 * - Loki: one stream (`service_name`, `service_namespace`,
 *   `deployment_environment_name`, the index labels contracts.md 4 says
 *   OTLP resources become) with ~200 lines over the last 6 h: uvicorn
 *   access lines, app lines at info/warn, scattered errors and a burst of
 *   errors ~40 min ago when Ollama went away. Request lines carry
 *   `trace_id`/`span_id` structured metadata linking to the traces.
 * - Tempo: 30 traces over the last hour (`POST /api/chat/completions`,
 *   `GET /api/models`, …), three failing during the burst, four slower than
 *   a second.
 */
export function sandboxTelemetrySeed(now: Date): SandboxTelemetrySeed {
  const t0 = now.getTime();
  const rnd = random(0x0be11e);
  const { serviceName, serviceNamespace, environment } = SANDBOX_TELEMETRY;
  const resource = {
    'service.name': serviceName,
    'service.namespace': serviceNamespace,
    'deployment.environment.name': environment,
    'service.version': '0.6.5',
    'telemetry.sdk.language': 'python',
  };
  const entries: LokiEntrySeed[] = [];
  const traces: TempoTraceSeed[] = [];

  // --- traces over the last hour, and their access lines --------------------
  const totalWeight = ROUTES.reduce((n, r) => n + r.weight, 0);
  const pickRoute = () => {
    let x = rnd.next() * totalWeight;
    for (const r of ROUTES) {
      x -= r.weight;
      if (x < 0) return r;
    }
    return ROUTES[0];
  };
  const failing = new Set([8, 9, 10]);
  const slow = new Set([3, 15, 22, 27]);
  for (let i = 0; i < 30; i += 1) {
    const start = new Date(
      t0 - 59.5 * MINUTE + i * 2 * MINUTE + rnd.int(0, 40_000),
    );
    const chat = ROUTES[0];
    const route = failing.has(i) || slow.has(i) ? chat : pickRoute();
    const error = failing.has(i);
    let durationMs = rnd.between(route.ms[0], route.ms[1]);
    if (slow.has(i)) durationMs = rnd.between(1200, 4500);
    if (error) durationMs = rnd.between(3, 9);
    const traceId = rnd.hex(32);
    const rootId = rnd.hex(16);
    const status = error ? 500 : 200;
    const root: TempoSpanSeed = {
      spanId: rootId,
      name: `${route.method} ${route.route}`,
      kind: 'server',
      start,
      durationMs,
      status: error ? 'error' : 'unset',
      attributes: {
        'http.request.method': route.method,
        'http.route': route.route,
        'url.path': route.path,
        'http.response.status_code': status,
      },
      resource,
      scope: 'opentelemetry.instrumentation.fastapi',
    };
    const spans: TempoSpanSeed[] = [root];
    const child = (
      name: string,
      offsetMs: number,
      ms: number,
      extra: Partial<TempoSpanSeed>,
    ): TempoSpanSeed => ({
      spanId: rnd.hex(16),
      parentSpanId: rootId,
      name,
      kind: 'client',
      start: new Date(start.getTime() + offsetMs),
      durationMs: ms,
      resource,
      ...extra,
    });
    const db = (table: string, offset: number) =>
      child(`SELECT ${table}`, offset, rnd.between(1.5, 9), {
        attributes: {
          'db.system.name': 'postgresql',
          'db.operation.name': 'SELECT',
          'db.collection.name': table,
        },
        scope: 'opentelemetry.instrumentation.sqlalchemy',
      });
    if (route === chat) {
      spans.push(db('chat', 1));
      spans.push(
        child('POST', 2, Math.max(durationMs - 4, 1), {
          status: error ? 'error' : 'unset',
          statusMessage: error ? OLLAMA_DOWN : undefined,
          attributes: {
            'http.request.method': 'POST',
            'url.full': 'http://ollama:11434/api/chat',
            'server.address': 'ollama',
            'server.port': 11434,
            ...(error
              ? { 'error.type': 'ClientConnectorError' }
              : { 'http.response.status_code': 200 }),
          },
          scope: 'opentelemetry.instrumentation.aiohttp_client',
        }),
      );
    } else if (route.route === '/api/models') {
      spans.push(
        child('GET', 1, Math.max(durationMs - 3, 1), {
          attributes: {
            'http.request.method': 'GET',
            'url.full': 'http://ollama:11434/api/tags',
            'server.address': 'ollama',
            'server.port': 11434,
            'http.response.status_code': 200,
          },
          scope: 'opentelemetry.instrumentation.aiohttp_client',
        }),
      );
    } else {
      spans.push(db(route.route.includes('auths') ? 'user' : 'chat', 1));
    }
    traces.push({ traceId, spans });

    const end = new Date(start.getTime() + durationMs);
    const links = { trace_id: traceId, span_id: rootId };
    if (error) {
      entries.push({
        ts: new Date(end.getTime() - 1),
        line: `open_webui.routers.openai: Connection error: ${OLLAMA_DOWN}`,
        level: 'error',
        metadata: links,
      });
    }
    entries.push({
      ts: end,
      line: `10.42.0.${rnd.int(2, 60)}:${rnd.int(32768, 60999)} - "${
        route.method
      } ${route.path} HTTP/1.1" ${status}`,
      level: 'info',
      metadata: links,
    });
  }

  // --- the error burst ~40 min ago ---------------------------------------------
  for (let i = 0; i < 16; i += 1) {
    entries.push({
      ts: new Date(t0 - 42 * MINUTE + i * 15_000 + rnd.int(0, 10_000)),
      line:
        i % 2 === 0
          ? `open_webui.routers.ollama: Connection error: ${OLLAMA_DOWN}`
          : 'open_webui.main: Failed to fetch models from http://ollama:11434: connection refused',
      level: 'error',
    });
  }

  // --- background over the last 6 h -----------------------------------------
  const INFO = [
    () => `10.42.0.1:${rnd.int(32768, 60999)} - "GET /health HTTP/1.1" 200`,
    () => 'open_webui.main: Fetching models from http://ollama:11434',
    () => `open_webui.main: Model list updated (${rnd.int(2, 4)} models)`,
    () => `open_webui.routers.chats: Chat ${rnd.hex(8)}-${rnd.hex(4)} saved`,
    () => 'open_webui.socket.main: user connected',
  ];
  const WARN = [
    () =>
      'open_webui.retrieval.utils: Embedding model not cached, downloading sentence-transformers/all-MiniLM-L6-v2',
    () =>
      `open_webui.routers.openai: Slow upstream response (${rnd.int(
        2,
        6,
      )}.${rnd.int(0, 9)}s) from ollama`,
    () => 'open_webui.utils.auth: Session token close to expiry',
  ];
  for (let i = 0; i < 151; i += 1) {
    const ts = new Date(
      t0 - 359 * MINUTE + i * 2.37 * MINUTE + rnd.int(0, 60_000),
    );
    if (ts.getTime() > t0 - 10_000) continue;
    const roll = rnd.next();
    if (roll < 0.03) {
      entries.push({
        ts,
        line: `open_webui.routers.openai: Connection error: ${OLLAMA_DOWN}`,
        level: 'error',
      });
    } else if (roll < 0.12) {
      entries.push({ ts, line: rnd.pick(WARN)(), level: 'warn' });
    } else {
      entries.push({ ts, line: rnd.pick(INFO)(), level: 'info' });
    }
  }

  entries.sort((a, b) => a.ts.getTime() - b.ts.getTime());
  return {
    tenant: SANDBOX_TELEMETRY.tenant,
    streams: [
      {
        labels: {
          service_name: serviceName,
          service_namespace: serviceNamespace,
          deployment_environment_name: environment,
        },
        entries,
      },
    ],
    traces,
  };
}
