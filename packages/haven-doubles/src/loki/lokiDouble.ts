import type { HttpHandler } from 'msw';
import { faultControls } from '../http/faultSchedule';
import { createTelemetryFaults, type TelemetryFaults } from './faults';
import {
  LogQLParseError,
  matchesAll,
  parseLogQL,
  type LogQuery,
  type MetricQuery,
} from './logql';
import {
  compareNs,
  dateToNs,
  NS_PER_MS,
  NS_PER_S,
  nsToSeconds,
  ParamError,
  parseLokiTime,
  parseSecondsOrDuration,
} from './params';
import { jsonReply, NO_ORG_ID, orgIdFrom, plainTextError } from './plainText';
import {
  telemetryHandler,
  type TelemetryRecordedRequest,
} from './telemetryHandler';

export type {
  TelemetryFault as LokiFault,
  TelemetryFaults as LokiFaults,
  ActiveTelemetryFault as ActiveLokiFault,
} from './faults';

/** One log line of a seeded stream. */
export interface LokiEntrySeed {
  ts: Date;
  line: string;
  /**
   * The line's level (`info`, `warn`, `error`, …). Loki 3 stores a level it
   * discovers as the structured-metadata label `detected_level` [inf, not in
   * contracts.md], so that is where the double puts it: `| detected_level =
   * "error"` and `sum by (detected_level)` see it; `level` does not exist
   * unless a stream label or `metadata` names it.
   */
  level?: string;
  /**
   * Structured metadata (contracts.md 4: everything but the index labels,
   * e.g. `trace_id`, `span_id`). Label filters and `by` see it.
   */
  metadata?: Record<string, string>;
}

/** A seeded stream: its index labels (contracts.md 4: `service_name`, …) and lines. */
export interface LokiStreamSeed {
  labels: Record<string, string>;
  entries: LokiEntrySeed[];
}

export interface LokiDoubleOptions {
  /** Origin the handlers answer on, e.g. http://127.0.0.1:7104 */
  baseUrl: string;
  /**
   * contracts.md 5.1: Loki's `auth_enabled` (default true). When true, every
   * API request needs `X-Scope-OrgID` (401 `no org id` otherwise); when
   * false the header is ignored and the tenant is `fake`.
   */
  authEnabled?: boolean;
  /** Streams per tenant. With `authEnabled: false`, seed tenant `fake`. */
  tenants?: Record<string, LokiStreamSeed[]>;
  /**
   * contracts.md 5.1: "Multi-tenant queries use `A|B`, when enabled". Off
   * by default; then a header with `|` is refused (400, status and text
   * [inf]). On: the streams of every tenant named, each with the label
   * `__tenant_id__` [inf].
   */
  multiTenantQueries?: boolean;
  /** Clock for the default time windows; default `() => new Date()`. */
  now?: () => Date;
}

/**
 * What the double logs of a request: never a header, never a body. Its
 * `query` is the LogQL text (`query`).
 */
export type LokiRecordedRequest = TelemetryRecordedRequest;

export interface LokiDoubleState {
  tenants(): string[];
  /** The tenant's streams as seeded and pushed (copies). */
  streams(tenant: string): LokiStreamSeed[];
  /** Lines the tenant holds, optionally only those in [from, to). */
  lineCount(tenant: string, window?: { from?: Date; to?: Date }): number;
}

export interface LokiDouble {
  handlers: HttpHandler[];
  /** Requests the double answered, oldest first. */
  requests: LokiRecordedRequest[];
  faults: TelemetryFaults;
  state: LokiDoubleState;
  /** Adds lines to a tenant's stream (created when its labels are new). */
  push(tenant: string, stream: LokiStreamSeed): void;
}

interface StoredEntry {
  ns: bigint;
  line: string;
  /** stream labels, structured metadata and detected_level */
  labels: Record<string, string>;
  level?: string;
  metadata?: Record<string, string>;
}

interface StoredStream {
  labels: Record<string, string>;
  /** oldest first */
  entries: StoredEntry[];
}

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const API = '/loki/api/v1';
/** contracts.md 5.1: `limit` defaults to 100. */
const DEFAULT_LIMIT = 100;
/** Loki's default `max_entries_limit_per_query` [inf]. */
const MAX_LIMIT = 5000;
/** Loki's cap on points per series in a range query [inf]. */
const MAX_POINTS = 11_000;
const HOUR_NS = 3_600n * NS_PER_S;

const labelKey = (labels: Record<string, string>) =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

const sortedLabels = (labels: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)),
  );

export function createLokiDouble(options: LokiDoubleOptions): LokiDouble {
  const base = options.baseUrl.replace(/\/+$/, '');
  const authEnabled = options.authEnabled ?? true;
  const now = options.now ?? (() => new Date());
  const requests: LokiRecordedRequest[] = [];
  const faults = createTelemetryFaults();
  const tenants = new Map<string, Map<string, StoredStream>>();

  const push = (tenant: string, seed: LokiStreamSeed) => {
    const names = Object.keys(seed.labels);
    if (names.length === 0)
      throw new Error('a Loki stream needs at least one label');
    for (const name of names) {
      if (!LABEL_NAME.test(name))
        throw new Error(`"${name}" is not a Loki label name`);
    }
    let streams = tenants.get(tenant);
    if (!streams) {
      streams = new Map();
      tenants.set(tenant, streams);
    }
    const key = labelKey(seed.labels);
    let stream = streams.get(key);
    if (!stream) {
      stream = { labels: { ...seed.labels }, entries: [] };
      streams.set(key, stream);
    }
    for (const entry of seed.entries) {
      const metadata = { ...entry.metadata };
      if (entry.level !== undefined) metadata.detected_level = entry.level;
      for (const name of Object.keys(metadata)) {
        if (!LABEL_NAME.test(name) || name in seed.labels) {
          throw new Error(
            `structured metadata "${name}" is not a label name or repeats a stream label`,
          );
        }
      }
      stream.entries.push({
        ns: dateToNs(entry.ts),
        line: entry.line,
        labels: { ...seed.labels, ...metadata },
        level: entry.level,
        metadata: entry.metadata ? { ...entry.metadata } : undefined,
      });
    }
    stream.entries.sort((a, b) => compareNs(a.ns, b.ns));
  };
  for (const [tenant, streams] of Object.entries(options.tenants ?? {})) {
    for (const stream of streams) push(tenant, stream);
  }

  /** The streams a request may read, by contracts.md 5.1's tenancy rules. */
  const streamsFor = (request: Request): StoredStream[] | Response => {
    if (!authEnabled) return [...(tenants.get('fake')?.values() ?? [])];
    const orgId = orgIdFrom(request);
    if (orgId === undefined) return plainTextError(401, NO_ORG_ID);
    if (!orgId.includes('|')) return [...(tenants.get(orgId)?.values() ?? [])];
    if (!options.multiTenantQueries) {
      return plainTextError(400, 'multiple org IDs present');
    }
    return [...new Set(orgId.split('|'))].flatMap(tenant =>
      [...(tenants.get(tenant)?.values() ?? [])].map(stream => ({
        labels: { ...stream.labels, __tenant_id__: tenant },
        entries: stream.entries.map(e => ({
          ...e,
          labels: { ...e.labels, __tenant_id__: tenant },
        })),
      })),
    );
  };

  const passes = (query: LogQuery, entry: StoredEntry) =>
    query.pipeline.every(stage => {
      if (stage.kind === 'line') return stage.test(entry.line);
      return stage.matcher.test(entry.labels[stage.matcher.name] ?? '');
    });

  const stats = (lines: number, bytes: number, started: number) => {
    const execTime = Math.max((Date.now() - started) / 1000, 0.000001);
    // contracts.md 5.1: the `stats` object, with exactly these keys.
    return {
      summary: {
        execTime,
        queueTime: 0,
        totalBytesProcessed: bytes,
        totalLinesProcessed: lines,
        bytesProcessedPerSecond: Math.round(bytes / execTime),
        linesProcessedPerSecond: Math.round(lines / execTime),
      },
      ingester: {},
      store: {},
    };
  };

  const logQuery = (
    query: LogQuery,
    streams: StoredStream[],
    window: { start: bigint; end: bigint },
    limit: number,
    backward: boolean,
    started: number,
  ) => {
    let lines = 0;
    let bytes = 0;
    const hits: StoredEntry[] = [];
    for (const stream of streams) {
      if (!matchesAll(query.selector, stream.labels)) continue;
      for (const entry of stream.entries) {
        // contracts.md 5.1: `end` is exclusive.
        if (entry.ns < window.start || entry.ns >= window.end) continue;
        lines += 1;
        bytes += Buffer.byteLength(entry.line);
        if (passes(query, entry)) hits.push(entry);
      }
    }
    // contracts.md 5.1: newest first for `backward`; `limit` lines in all.
    hits.sort((a, b) =>
      backward ? compareNs(b.ns, a.ns) : compareNs(a.ns, b.ns),
    );
    const kept = hits.slice(0, limit);
    // Structured metadata comes back as labels, so one seeded stream can be
    // several result streams (no `categorize-labels` flag) [inf].
    const byLabels = new Map<
      string,
      { stream: Record<string, string>; values: [string, string][] }
    >();
    for (const entry of kept) {
      const key = labelKey(entry.labels);
      let result = byLabels.get(key);
      if (!result) {
        result = { stream: sortedLabels(entry.labels), values: [] };
        byLabels.set(key, result);
      }
      result.values.push([entry.ns.toString(), entry.line]);
    }
    const result = [...byLabels.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, r]) => r);
    return {
      status: 'success',
      data: {
        resultType: 'streams',
        result,
        stats: stats(lines, bytes, started),
      },
    };
  };

  const metricQuery = (
    query: MetricQuery,
    streams: StoredStream[],
    window: { start: bigint; end: bigint },
    step: bigint,
    started: number,
  ) => {
    const rangeNs = BigInt(query.rangeMs) * NS_PER_MS;
    const inner = query.inner;
    let lines = 0;
    let bytes = 0;
    const hits: StoredEntry[] = [];
    for (const stream of streams) {
      if (!matchesAll(inner.selector, stream.labels)) continue;
      for (const entry of stream.entries) {
        if (entry.ns <= window.start - rangeNs || entry.ns > window.end)
          continue;
        lines += 1;
        bytes += Buffer.byteLength(entry.line);
        if (passes(inner, entry)) hits.push(entry);
      }
    }
    // The series an entry counts in: all its labels for count_over_time,
    // only the `by` labels once summed.
    const seriesLabels = (entry: StoredEntry): Record<string, string> => {
      if (query.sumBy === undefined) return sortedLabels(entry.labels);
      const out: Record<string, string> = {};
      for (const name of [...query.sumBy].sort()) {
        const value = entry.labels[name];
        if (value !== undefined && value !== '') out[name] = value;
      }
      return out;
    };
    const series = new Map<
      string,
      { metric: Record<string, string>; points: bigint[] }
    >();
    for (const entry of hits) {
      const metric = seriesLabels(entry);
      const key = labelKey(metric);
      let s = series.get(key);
      if (!s) {
        s = { metric, points: [] };
        series.set(key, s);
      }
      s.points.push(entry.ns);
    }
    // contracts.md 5.1: values `[<number seconds>, "<string value>"]`,
    // oldest first, one per `step` from `start` to `end`. Each counts the
    // lines in (t - range, t]; a step with none has no point at all, as in
    // Prometheus [inf].
    const result = [...series.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, s]) => {
        const values: [number, string][] = [];
        for (let t = window.start; t <= window.end; t += step) {
          const count = s.points.filter(
            ns => ns > t - rangeNs && ns <= t,
          ).length;
          if (count > 0) values.push([nsToSeconds(t), String(count)]);
        }
        return { metric: s.metric, values };
      })
      .filter(s => s.values.length > 0);
    return {
      status: 'success',
      data: {
        resultType: 'matrix',
        result,
        stats: stats(lines, bytes, started),
      },
    };
  };

  const queryRange = (url: URL, streams: StoredStream[]): Response => {
    const started = Date.now();
    const params = url.searchParams;
    // contracts.md 5.1: start/end default to 1 h ago and now; `since`
    // replaces the hour.
    const end = parseLokiTime('end', params.get('end'), dateToNs(now()));
    const since = params.get('since');
    const span = since ? parseSecondsOrDuration('since', since) : HOUR_NS;
    const start = parseLokiTime('start', params.get('start'), end - span);
    if (end < start) {
      throw new ParamError(
        'end timestamp must not be before or equal to start time',
      );
    }
    let query;
    try {
      query = parseLogQL(params.get('query') ?? '');
    } catch (error) {
      if (error instanceof LogQLParseError) {
        return plainTextError(400, error.message);
      }
      throw error;
    }
    if (query.kind === 'log') {
      const limitText = params.get('limit');
      const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
      if (!Number.isInteger(limit) || limit <= 0) {
        throw new ParamError('limit must be a positive value');
      }
      if (limit > MAX_LIMIT) {
        throw new ParamError(
          `max entries limit per query exceeded, limit > max_entries_limit (${limit} > ${MAX_LIMIT})`,
        );
      }
      // contracts.md 5.1: `forward` or `backward` (default `backward`).
      const direction = (params.get('direction') ?? 'backward').toLowerCase();
      if (direction !== 'forward' && direction !== 'backward') {
        throw new ParamError(`invalid direction "${params.get('direction')}"`);
      }
      return jsonReply(
        logQuery(
          query,
          streams,
          { start, end },
          limit,
          direction === 'backward',
          started,
        ),
      );
    }
    // contracts.md 5.1: `step` is for metric queries. Without one Loki picks
    // max(floor((end - start) / 250 s), 1 s) [inf].
    const stepText = params.get('step');
    const step = stepText
      ? parseSecondsOrDuration('step', stepText)
      : (() => {
          const seconds = (end - start) / (250n * NS_PER_S);
          return (seconds > 1n ? seconds : 1n) * NS_PER_S;
        })();
    if (step <= 0n) {
      throw new ParamError(
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    }
    if ((end - start) / step > BigInt(MAX_POINTS)) {
      throw new ParamError(
        'exceeded maximum resolution of 11,000 points per timeseries. Try increasing the value of the step parameter',
      );
    }
    return jsonReply(
      metricQuery(query, streams, { start, end }, step, started),
    );
  };

  /** contracts.md 5.1 "Labels": default window 6 h; `query` narrows the streams. */
  const labelStreams = (url: URL, streams: StoredStream[]) => {
    const params = url.searchParams;
    const end = parseLokiTime('end', params.get('end'), dateToNs(now()));
    const since = params.get('since');
    const span = since ? parseSecondsOrDuration('since', since) : 6n * HOUR_NS;
    const start = parseLokiTime('start', params.get('start'), end - span);
    const text = params.get('query');
    const parsed = text ? parseLogQL(text) : undefined;
    const selector = parsed
      ? (parsed.kind === 'log' ? parsed : parsed.inner).selector
      : [];
    // Index labels only: structured metadata is not in the label index [inf].
    return streams.filter(
      s =>
        matchesAll(selector, s.labels) &&
        s.entries.some(e => e.ns >= start && e.ns < end),
    );
  };

  const handler = telemetryHandler({
    base,
    name: 'Loki',
    requests,
    faults,
    queryParam: 'query',
    // Loki's readiness probe, outside the API and its tenancy [inf].
    outside: { '/ready': 'ready\n' },
    api: `${API}/`,
    tenancy: streamsFor,
    route: (path, url, streams) => {
      if (path === `${API}/query_range`) return queryRange(url, streams);
      if (path === `${API}/labels`) {
        const names = new Set(
          labelStreams(url, streams).flatMap(s => Object.keys(s.labels)),
        );
        return jsonReply({ status: 'success', data: [...names].sort() });
      }
      const values = new RegExp(`^${API}/label/([^/]+)/values$`).exec(path);
      if (values) {
        const name = decodeURIComponent(values[1]);
        const found = new Set(
          labelStreams(url, streams)
            .map(s => s.labels[name])
            .filter((v): v is string => v !== undefined),
        );
        return jsonReply({ status: 'success', data: [...found].sort() });
      }
      return undefined;
    },
    isBadRequest: error =>
      error instanceof ParamError || error instanceof LogQLParseError,
    serves: 'query_range, labels and label values',
  });

  const state: LokiDoubleState = {
    tenants: () => [...tenants.keys()].sort(),
    streams: tenant =>
      [...(tenants.get(tenant)?.values() ?? [])].map(s => ({
        labels: { ...s.labels },
        entries: s.entries.map(e => ({
          ts: new Date(Number(e.ns / NS_PER_MS)),
          line: e.line,
          ...(e.level !== undefined ? { level: e.level } : {}),
          ...(e.metadata ? { metadata: { ...e.metadata } } : {}),
        })),
      })),
    lineCount: (tenant, window) => {
      const from = window?.from ? dateToNs(window.from) : undefined;
      const to = window?.to ? dateToNs(window.to) : undefined;
      return [...(tenants.get(tenant)?.values() ?? [])]
        .flatMap(s => s.entries)
        .filter(
          e =>
            (from === undefined || e.ns >= from) &&
            (to === undefined || e.ns < to),
        ).length;
    },
  };

  return {
    handlers: [handler],
    requests,
    faults: faultControls(faults),
    state,
    push,
  };
}
