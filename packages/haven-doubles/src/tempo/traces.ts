import { compareNs } from '../loki/params';
import type { Condition, SpansetFilter, StatusCode } from './traceql';

export type TempoSpanKind =
  | 'internal'
  | 'server'
  | 'client'
  | 'producer'
  | 'consumer';

export type TempoAttributeValue = string | number | boolean;

/** One span of a seeded trace. */
export interface TempoSpanSeed {
  /** 16 hex digits */
  spanId: string;
  /** absent on the root span */
  parentSpanId?: string;
  name: string;
  /** default `internal` */
  kind?: TempoSpanKind;
  start: Date;
  /** may be fractional (sub-millisecond spans) */
  durationMs: number;
  /** default `unset` */
  status?: StatusCode;
  statusMessage?: string;
  attributes?: Record<string, TempoAttributeValue>;
  /** resource attributes, e.g. `{ 'service.name': 'orders' }` */
  resource: Record<string, string>;
  /** instrumentation scope name */
  scope?: string;
}

export interface TempoTraceSeed {
  /** 32 hex digits */
  traceId: string;
  spans: TempoSpanSeed[];
}

export interface StoredSpan {
  seed: TempoSpanSeed;
  startNs: bigint;
  endNs: bigint;
}

export interface StoredTrace {
  /** 32 lower-case hex digits */
  traceId: string;
  spans: StoredSpan[];
  startNs: bigint;
  endNs: bigint;
}

const HEX16 = /^[0-9a-f]{16}$/;
const HEX32 = /^[0-9a-f]{32}$/;

export function storeTrace(seed: TempoTraceSeed): StoredTrace {
  const traceId = seed.traceId.toLowerCase();
  if (!HEX32.test(traceId) || /^0+$/.test(traceId)) {
    throw new Error(`trace id "${seed.traceId}" is not 32 hex digits`);
  }
  if (seed.spans.length === 0) throw new Error(`trace ${traceId} has no spans`);
  const spans = seed.spans.map(span => {
    if (!HEX16.test(span.spanId.toLowerCase()))
      throw new Error(`span id "${span.spanId}" is not 16 hex digits`);
    const startNs = BigInt(span.start.getTime()) * 1_000_000n;
    return {
      seed: structuredClone(span),
      startNs,
      endNs: startNs + BigInt(Math.round(span.durationMs * 1e6)),
    };
  });
  spans.sort((a, b) => compareNs(a.startNs, b.startNs));
  return {
    traceId,
    spans,
    startNs: spans.reduce(
      (m, s) => (s.startNs < m ? s.startNs : m),
      spans[0].startNs,
    ),
    endNs: spans.reduce((m, s) => (s.endNs > m ? s.endNs : m), spans[0].endNs),
  };
}

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

function anyValue(value: TempoAttributeValue) {
  // OTLP protojson: int64 as a string, doubles as numbers.
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value)
    ? { intValue: String(value) }
    : { doubleValue: value };
}

const attributeList = (attributes: Record<string, TempoAttributeValue>) =>
  Object.entries(attributes).map(([key, value]) => ({
    key,
    value: anyValue(value),
  }));

const STATUS_CODES: Record<StatusCode, string | undefined> = {
  unset: undefined,
  ok: 'STATUS_CODE_OK',
  error: 'STATUS_CODE_ERROR',
};

/**
 * The trace as OTLP JSON resource spans: grouped by resource, then scope.
 * contracts.md 5.2: `traceId` and `spanId` are base64 [inf], times are
 * strings of nanoseconds, an unset status is `{}`.
 */
export function resourceSpans(trace: StoredTrace) {
  const byResource = new Map<
    string,
    {
      resource: Record<string, string>;
      scopes: Map<string, StoredSpan[]>;
    }
  >();
  for (const span of trace.spans) {
    const key = JSON.stringify(span.seed.resource);
    let group = byResource.get(key);
    if (!group) {
      group = { resource: span.seed.resource, scopes: new Map() };
      byResource.set(key, group);
    }
    const scope = span.seed.scope ?? 'manual';
    group.scopes.set(scope, [...(group.scopes.get(scope) ?? []), span]);
  }
  return [...byResource.values()].map(group => ({
    resource: { attributes: attributeList(group.resource) },
    scopeSpans: [...group.scopes.entries()].map(([name, spans]) => ({
      scope: { name },
      spans: spans.map(({ seed, startNs, endNs }) => {
        const code = STATUS_CODES[seed.status ?? 'unset'];
        return {
          traceId: b64(trace.traceId),
          spanId: b64(seed.spanId.toLowerCase()),
          ...(seed.parentSpanId
            ? { parentSpanId: b64(seed.parentSpanId.toLowerCase()) }
            : {}),
          name: seed.name,
          kind: `SPAN_KIND_${(seed.kind ?? 'internal').toUpperCase()}`,
          startTimeUnixNano: startNs.toString(),
          endTimeUnixNano: endNs.toString(),
          ...(seed.attributes && Object.keys(seed.attributes).length > 0
            ? { attributes: attributeList(seed.attributes) }
            : {}),
          status: code
            ? {
                code,
                ...(seed.statusMessage ? { message: seed.statusMessage } : {}),
              }
            : {},
        };
      }),
    })),
  }));
}

function conditionHolds(condition: Condition, span: StoredSpan): boolean {
  const { seed } = span;
  switch (condition.kind) {
    case 'attribute': {
      const source =
        condition.scope === 'resource' ? seed.resource : seed.attributes ?? {};
      const value = source[condition.name];
      // TraceQL: a missing attribute satisfies neither = nor !=, and a
      // string never equals a number or boolean attribute [inf].
      if (typeof value !== 'string') return false;
      const equal = value === condition.value;
      return condition.op === '=' ? equal : !equal;
    }
    case 'name':
      return condition.op === '='
        ? seed.name === condition.value
        : seed.name !== condition.value;
    case 'status': {
      const equal = (seed.status ?? 'unset') === condition.value;
      return condition.op === '=' ? equal : !equal;
    }
    case 'duration': {
      const d = span.endNs - span.startNs;
      const n = condition.nanos;
      switch (condition.op) {
        case '=':
          return d === n;
        case '!=':
          return d !== n;
        case '>':
          return d > n;
        case '>=':
          return d >= n;
        case '<':
          return d < n;
        default:
          return d <= n;
      }
    }
    default:
      return false;
  }
}

export function matchingSpans(
  filter: SpansetFilter,
  trace: StoredTrace,
): StoredSpan[] {
  return trace.spans.filter(span =>
    filter.conditions.every(c => conditionHolds(c, span)),
  );
}

/** Tempo's text when a trace's root span has not arrived [inf]. */
export const ROOT_SPAN_NOT_YET_RECEIVED = '<root span not yet received>';

/**
 * Spans and error spans per `service.name` of a trace, as newer Tempo adds
 * them to each search result (`serviceStats` of TraceSearchMetadata, with
 * `spanCount` and `errorCount`) [inf: not in contracts.md 5.2, whose example
 * has no `serviceStats`]. protojson leaves out a zero `errorCount` [inf].
 */
function serviceStats(trace: StoredTrace) {
  const stats: Record<string, { spanCount: number; errorCount?: number }> = {};
  for (const { seed } of trace.spans) {
    const service = seed.resource['service.name'] ?? '';
    const entry = (stats[service] ??= { spanCount: 0 });
    entry.spanCount += 1;
    if (seed.status === 'error') entry.errorCount = (entry.errorCount ?? 0) + 1;
  }
  return stats;
}

type ShownAttribute = {
  key: string;
  value: ReturnType<typeof anyValue>;
};

/** The value a condition or `select` field names on a span, if it has one. */
function sourceOf(
  span: StoredSpan,
  scope: 'resource' | 'span',
  name: string,
): TempoAttributeValue | undefined {
  return scope === 'resource'
    ? span.seed.resource[name]
    : span.seed.attributes?.[name];
}

/**
 * One trace of a search answer, contracts.md 5.2: `traceID` hex,
 * `startTimeUnixNano` a string, `durationMs` a number, `spanSets` with the
 * matching spans (at most `spss`) and how many matched (`matched`). With
 * `withServiceStats`, also `serviceStats` (see {@link serviceStats}).
 */
export function searchResult(
  trace: StoredTrace,
  filter: SpansetFilter,
  matched: StoredSpan[],
  spss: number,
  withServiceStats = false,
) {
  const root = trace.spans.find(s => !s.seed.parentSpanId);
  const durationMs = Number((trace.endNs - trace.startNs) / 1_000_000n);
  const withName =
    filter.conditions.some(c => c.kind === 'name') ||
    filter.select.some(f => f.kind === 'name');
  const shown = (span: StoredSpan) => {
    // The attributes the query names, in its conditions or its `select`,
    // come back with each span: contracts.md 5.2's example has `status` as
    // `{"key":"status","value":{"stringValue":"error"}}`; the others, keyed
    // by the attribute's name without its scope, are [inf].
    const attributes: ShownAttribute[] = [];
    const add = (key: string, value: ShownAttribute['value']) => {
      if (!attributes.some(a => a.key === key)) attributes.push({ key, value });
    };
    const status = () => ({ stringValue: span.seed.status ?? 'unset' });
    for (const c of filter.conditions) {
      if (c.kind === 'attribute') {
        const value = sourceOf(span, c.scope, c.name);
        if (typeof value === 'string') add(c.name, { stringValue: value });
      } else if (c.kind === 'status') {
        add('status', status());
      }
    }
    for (const f of filter.select) {
      if (f.kind === 'attribute') {
        const value = sourceOf(span, f.scope, f.name);
        if (value !== undefined) add(f.name, anyValue(value));
      } else if (f.kind === 'status') {
        add('status', status());
      }
      // `name` is the span's `name` field, below; `duration` is its
      // `durationNanos`, which every returned span carries [inf].
    }
    return {
      spanID: span.seed.spanId.toLowerCase(),
      ...(withName ? { name: span.seed.name } : {}),
      startTimeUnixNano: span.startNs.toString(),
      durationNanos: (span.endNs - span.startNs).toString(),
      ...(attributes.length > 0 ? { attributes } : {}),
    };
  };
  return {
    // Tempo writes search trace ids without leading zeros [inf].
    traceID: trace.traceId.replace(/^0+/, ''),
    rootServiceName: root
      ? root.seed.resource['service.name'] ?? ''
      : ROOT_SPAN_NOT_YET_RECEIVED,
    ...(root ? { rootTraceName: root.seed.name } : {}),
    startTimeUnixNano: trace.startNs.toString(),
    // protojson leaves out a zero durationMs [inf].
    ...(durationMs > 0 ? { durationMs } : {}),
    spanSets: [
      { spans: matched.slice(0, spss).map(shown), matched: matched.length },
    ],
    ...(withServiceStats ? { serviceStats: serviceStats(trace) } : {}),
  };
}
