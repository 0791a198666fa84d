import { HttpResponse, type HttpHandler } from 'msw';
import { faultControls } from '../http/faultSchedule';
import { createTelemetryFaults, type TelemetryFaults } from '../loki/faults';
import {
  jsonReply,
  NO_ORG_ID,
  orgIdFrom,
  plainTextError,
} from '../loki/plainText';
import { compareNs } from '../loki/params';
import {
  telemetryHandler,
  type TelemetryRecordedRequest,
} from '../loki/telemetryHandler';
import { parseTraceQL, TraceQLParseError, type SpansetFilter } from './traceql';
import {
  matchingSpans,
  resourceSpans,
  searchResult,
  storeTrace,
  type StoredTrace,
  type TempoTraceSeed,
} from './traces';

export type {
  TelemetryFault as TempoFault,
  TelemetryFaults as TempoFaults,
  ActiveTelemetryFault as ActiveTempoFault,
} from '../loki/faults';
export type {
  TempoAttributeValue,
  TempoSpanKind,
  TempoSpanSeed,
  TempoTraceSeed,
} from './traces';

export interface TempoDoubleOptions {
  /** Origin the handlers answer on, e.g. http://127.0.0.1:7105 */
  baseUrl: string;
  /**
   * contracts.md 5.2: with `multitenancy_enabled: true` every request needs
   * `X-Scope-OrgID`. Default false (Tempo's default); then the header is
   * ignored and the tenant is `single-tenant` [inf].
   */
  multitenancyEnabled?: boolean;
  /** Traces per tenant. Without multitenancy, seed tenant `single-tenant`. */
  tenants?: Record<string, TempoTraceSeed[]>;
  /** Clock for searches without start/end; default `() => new Date()`. */
  now?: () => Date;
  /**
   * Add `serviceStats` (`{ <service.name>: { spanCount, errorCount } }`) to
   * each search result, as newer Tempo does [inf: contracts.md 5.2's example
   * has none]. Default false, as contracts.md 5.2 shows.
   */
  serviceStats?: boolean;
}

/**
 * What the double logs of a request: never a header, never a body. Its
 * `path` holds the trace id for trace lookups; its `query` is the TraceQL
 * text (`q`).
 */
export type TempoRecordedRequest = TelemetryRecordedRequest;

export interface TempoDoubleState {
  tenants(): string[];
  /** Trace ids (32 hex digits) the tenant holds, newest first. */
  traceIds(tenant: string): string[];
}

export interface TempoDouble {
  handlers: HttpHandler[];
  /** Requests the double answered, oldest first. */
  requests: TempoRecordedRequest[];
  faults: TelemetryFaults;
  state: TempoDoubleState;
  /** Adds (or replaces) a trace of a tenant. */
  push(tenant: string, trace: TempoTraceSeed): void;
}

/** Tempo's tenant when multitenancy is off [inf]. */
export const TEMPO_SINGLE_TENANT = 'single-tenant';
/** contracts.md 5.2 example: `limit=20`, `spss=3` (Tempo's defaults). */
const DEFAULT_LIMIT = 20;
const DEFAULT_SPSS = 3;
/**
 * contracts.md 5.2: "Without `start` and `end`, search covers only recent
 * data in the live store." How recent is not given; the double takes 30
 * minutes [inf], so a backend that forgets the window sees less.
 */
const LIVE_STORE_NS = 30n * 60n * 1_000_000_000n;
/** Tempo's default longest search window, 168 h [inf]. */
const MAX_SEARCH_SECONDS = 168 * 3600;
const NS_PER_S = 1_000_000_000n;

class BadRequest extends Error {}

function epochSeconds(name: string, value: string): bigint {
  if (!/^\d+$/.test(value)) {
    throw new BadRequest(
      `invalid ${name}: ${JSON.stringify(value)} is not epoch seconds`,
    );
  }
  return BigInt(value);
}

function positiveInt(name: string, value: string | null, fallback: number) {
  if (value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new BadRequest(`invalid ${name}: ${JSON.stringify(value)}`);
  return n === 0 ? fallback : n;
}

/** A trace id from a path: up to 32 hex digits, left-padded with zeros [inf]. */
function traceIdFromPath(raw: string): string {
  const id = raw.toLowerCase();
  if (!/^[0-9a-f]{1,32}$/.test(id)) {
    throw new BadRequest(
      `invalid TraceID: ${JSON.stringify(raw)} is not up to 32 hex digits`,
    );
  }
  return id.padStart(32, '0');
}

export function createTempoDouble(options: TempoDoubleOptions): TempoDouble {
  const base = options.baseUrl.replace(/\/+$/, '');
  const multitenancy = options.multitenancyEnabled ?? false;
  const now = options.now ?? (() => new Date());
  const requests: TempoRecordedRequest[] = [];
  const faults = createTelemetryFaults();
  const tenants = new Map<string, Map<string, StoredTrace>>();

  const push = (tenant: string, seed: TempoTraceSeed) => {
    const trace = storeTrace(seed);
    let traces = tenants.get(tenant);
    if (!traces) {
      traces = new Map();
      tenants.set(tenant, traces);
    }
    traces.set(trace.traceId, trace);
  };
  for (const [tenant, traces] of Object.entries(options.tenants ?? {})) {
    for (const trace of traces) push(tenant, trace);
  }

  const newestFirst = (traces: Iterable<StoredTrace>) =>
    [...traces].sort((a, b) => compareNs(b.startNs, a.startNs));

  /** contracts.md 5.2 "Tenancy". */
  const tracesFor = (request: Request): Map<string, StoredTrace> | Response => {
    if (!multitenancy) return tenants.get(TEMPO_SINGLE_TENANT) ?? new Map();
    const orgId = orgIdFrom(request);
    // contracts.md 5.2 gives no status or body; Tempo uses the same tenant
    // middleware as Loki, so contracts.md 5.1's 401 `no org id` [inf].
    if (orgId === undefined) return plainTextError(401, NO_ORG_ID);
    return tenants.get(orgId) ?? new Map();
  };

  /** The window a search or lookup covers, in nanoseconds; both or neither. */
  const windowOf = (url: URL): { start: bigint; end: bigint } | undefined => {
    const start = url.searchParams.get('start');
    const end = url.searchParams.get('end');
    if (!start && !end) return undefined;
    if (!start || !end) {
      throw new BadRequest('invalid start and end: give both or neither');
    }
    const s = epochSeconds('start', start);
    const e = epochSeconds('end', end);
    if (e < s)
      throw new BadRequest('invalid start and end: end is before start');
    return { start: s * NS_PER_S, end: e * NS_PER_S };
  };

  const search = (url: URL, traces: Map<string, StoredTrace>): Response => {
    const params = url.searchParams;
    if (
      !params.has('q') &&
      ['tags', 'minDuration', 'maxDuration'].some(p => params.has(p))
    ) {
      return plainTextError(
        501,
        'the Tempo double serves TraceQL search (q=) only, not tags=/minDuration=/maxDuration=',
      );
    }
    let filter: SpansetFilter;
    try {
      filter = parseTraceQL(params.get('q') ?? '{}');
    } catch (error) {
      if (error instanceof TraceQLParseError)
        return plainTextError(400, error.message);
      throw error;
    }
    const limit = positiveInt('limit', params.get('limit'), DEFAULT_LIMIT);
    const spss = positiveInt('spss', params.get('spss'), DEFAULT_SPSS);
    const requested = windowOf(url);
    if (
      requested &&
      requested.end - requested.start > BigInt(MAX_SEARCH_SECONDS) * NS_PER_S
    ) {
      throw new BadRequest(
        `range specified by start and end exceeds ${
          MAX_SEARCH_SECONDS / 3600
        }h0m0s`,
      );
    }
    const nowNs = BigInt(now().getTime()) * 1_000_000n;
    // A trace is in the window when it overlaps it [inf].
    const window = requested ?? { start: nowNs - LIVE_STORE_NS, end: nowNs };
    let inspected = 0;
    let inspectedBytes = 0;
    const found = [];
    for (const trace of newestFirst(traces.values())) {
      if (trace.endNs < window.start || trace.startNs > window.end) continue;
      inspected += 1;
      inspectedBytes += JSON.stringify(resourceSpans(trace)).length;
      const matched = matchingSpans(filter, trace);
      if (matched.length > 0)
        found.push(
          searchResult(
            trace,
            filter,
            matched,
            spss,
            options.serviceStats ?? false,
          ),
        );
    }
    // contracts.md 5.2: the search shape, newest first; `metrics` with
    // `inspectedBytes` as a string.
    return jsonReply({
      traces: found.slice(0, limit),
      metrics: {
        inspectedTraces: inspected,
        inspectedBytes: String(inspectedBytes),
        totalBlocks: 1,
      },
    });
  };

  const traceById = (
    url: URL,
    traces: Map<string, StoredTrace>,
    id: string,
    request: Request,
    v2: boolean,
  ): Response => {
    const accept = request.headers.get('accept') ?? '';
    if (accept.includes('application/protobuf') && !accept.includes('json')) {
      return plainTextError(
        501,
        'the Tempo double answers JSON only, not application/protobuf',
      );
    }
    const traceId = traceIdFromPath(id);
    const window = windowOf(url);
    const trace = traces.get(traceId);
    // contracts.md 5.2 (and section 8, open item 6): not found is 404 with
    // an empty or plain-text body; the double sends it empty.
    if (
      !trace ||
      (window && (trace.endNs < window.start || trace.startNs > window.end))
    ) {
      return new HttpResponse(null, { status: 404 });
    }
    const spans = resourceSpans(trace);
    // contracts.md 5.2: v1 has `batches`; v2 `{trace:{resourceSpans}, status}`.
    return jsonReply(
      v2
        ? { trace: { resourceSpans: spans }, status: 'COMPLETE' }
        : { batches: spans },
    );
  };

  const handler = telemetryHandler({
    base,
    name: 'Tempo',
    requests,
    faults,
    queryParam: 'q',
    // Tempo's readiness and echo endpoints, outside tenancy [inf].
    outside: { '/ready': 'ready\n', '/api/echo': 'echo' },
    api: '/api/',
    tenancy: tracesFor,
    route: (path, url, traces, request) => {
      if (path === '/api/search') return search(url, traces);
      const v1 = /^\/api\/traces\/([^/]+)$/.exec(path);
      if (v1)
        return traceById(
          url,
          traces,
          decodeURIComponent(v1[1]),
          request,
          false,
        );
      const v2 = /^\/api\/v2\/traces\/([^/]+)$/.exec(path);
      if (v2)
        return traceById(url, traces, decodeURIComponent(v2[1]), request, true);
      return undefined;
    },
    isBadRequest: error => error instanceof BadRequest,
    serves: 'search and traces by id',
  });

  return {
    handlers: [handler],
    requests,
    faults: faultControls(faults),
    state: {
      tenants: () => [...tenants.keys()].sort(),
      traceIds: tenant =>
        newestFirst(tenants.get(tenant)?.values() ?? []).map(t => t.traceId),
    },
    push,
  };
}
