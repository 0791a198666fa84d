import {
  traceQueries,
  TRACE_ID,
  type TracesSection,
  type TraceSummary,
} from '@haven-plus/plugin-haven-common';
import {
  getUpstreamJson,
  isRecord,
  nsToIso,
  unexpectedShape,
  type UpstreamCall,
  type UpstreamReadOptions,
} from './upstream';

/** At most this many traces are shown. */
export const RECENT_TRACES = 20;
/**
 * Spans per trace Tempo returns with their status (`spss`). Tempo's default
 * is 3 (contracts.md 5.2); a few more make a missed error span rarer at a
 * small cost in answer size.
 */
export const SPANS_PER_TRACE = 10;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** `traces` of a Tempo search answer (contracts.md 5.2). */
function searchTraces(body: unknown, fail: () => never) {
  if (!isRecord(body) || !Array.isArray(body.traces)) return fail();
  return body.traces.filter(isRecord);
}

/** Whether a span of a search result carries the attribute `status` = error. */
function spanHasErrorStatus(span: unknown): boolean {
  if (!isRecord(span) || !Array.isArray(span.attributes)) return false;
  return span.attributes.some(
    a =>
      isRecord(a) &&
      a.key === 'status' &&
      isRecord(a.value) &&
      typeof a.value.stringValue === 'string' &&
      a.value.stringValue.toLowerCase() === 'error',
  );
}

/**
 * Whether Tempo says the trace has an error span of the service:
 * - a span of its `spanSets` (or the older single `spanSet`) with the
 *   attribute `status` = "error", which `| select(status)` asks for
 *   (contracts.md 5.2: `{"key":"status","value":{"stringValue":"error"}}`);
 * - or `serviceStats[<service>].errorCount > 0`, which newer Tempo adds to
 *   each result (TraceSearchMetadata's `serviceStats`, `{spanCount,
 *   errorCount}`; not in contracts.md 5.2, so its absence is normal).
 */
function hasError(trace: Record<string, unknown>, service: string): boolean {
  const stats = isRecord(trace.serviceStats)
    ? trace.serviceStats[service]
    : undefined;
  if (isRecord(stats) && Number(stats.errorCount ?? 0) > 0) return true;
  const spanSets = [
    ...(Array.isArray(trace.spanSets) ? trace.spanSets : []),
    ...(isRecord(trace.spanSet) ? [trace.spanSet] : []),
  ];
  return spanSets.some(
    set =>
      isRecord(set) &&
      Array.isArray(set.spans) &&
      set.spans.some(spanHasErrorStatus),
  );
}

/**
 * The traces section from ONE search of `/api/search` over the window:
 * `{ <service> } | select(status)` (haven-common's
 * `traceQueries().allWithStatus`), the service's 20 newest traces with up to
 * {@link SPANS_PER_TRACE} of their spans each, every one with its status.
 *
 * Limitation: a trace is marked `error` only when Tempo reports it (see
 * {@link hasError}). Without `serviceStats`, an error span that is not among
 * the spans returned for its trace is missed and the trace shows as OK; the
 * card's "Error traces" Grafana Explore link (`status = error`) is exact.
 */
export async function readTraces(
  options: UpstreamReadOptions,
): Promise<TracesSection> {
  const { range } = options;
  const what = 'trace search';
  const call: UpstreamCall = {
    service: 'Tempo',
    configKey: 'haven.tempo',
    upstream: options.upstream,
    tenant: options.tenant,
    path: '/api/search',
    params: new URLSearchParams({
      q: traceQueries(options.identity).allWithStatus,
      limit: String(RECENT_TRACES),
      spss: String(SPANS_PER_TRACE),
      // contracts.md 5.2: without start and end only the live store is searched.
      start: String(Math.floor(range.startMs / 1000)),
      end: String(Math.ceil(range.endMs / 1000)),
    }),
    what,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  };
  const body = await getUpstreamJson(call);
  const found = searchTraces(body, () => unexpectedShape(call));
  const traces: TraceSummary[] = [];
  for (const t of found) {
    const traceId = str(t.traceID);
    const start = nsToIso(t.startTimeUnixNano);
    if (!TRACE_ID.test(traceId) || !start) continue;
    const durationMs = Number(t.durationMs ?? 0);
    traces.push({
      traceId,
      rootName: str(t.rootTraceName),
      rootService: str(t.rootServiceName),
      start,
      // protojson leaves out a zero durationMs.
      durationMs: Number.isFinite(durationMs) ? durationMs : 0,
      error: hasError(t, options.identity.serviceName),
    });
  }
  traces.sort((a, b) => b.start.localeCompare(a.start));
  return { status: 'ok', traces: traces.slice(0, RECENT_TRACES) };
}
