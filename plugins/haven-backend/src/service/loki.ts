import {
  isErrorLevel,
  LOKI_LEVEL_LABEL,
  logQueries,
  type LogBucket,
  type LogsSection,
} from '@haven-plus/plugin-haven-common';
import { BUCKETS } from './windows';
import {
  getUpstreamJson,
  isRecord,
  msToNs,
  unexpectedShape,
  type UpstreamCall,
  type UpstreamReadOptions,
} from './upstream';

const QUERY_RANGE = '/loki/api/v1/query_range';

/** The level a series without `detected_level` is counted under (Loki's own word). */
const NO_LEVEL = 'unknown';

/**
 * The logs section from ONE `query_range` call: the metric query
 * `sum by (detected_level) (count_over_time(<selector> [<step>]))`, built by
 * haven-common's `logQueries` from the entity's annotations only, over 12
 * steps of the window.
 *
 * The answer is a matrix (contracts.md 5.1: `{"metric":{…},"values":
 * [[<seconds>,"<count>"],…]}`, oldest first), one series per level. Every
 * series adds to the total; series whose level is error, fatal or critical
 * (haven-common's `isErrorLevel`, any case) add to the errors. Loki
 * evaluates the query at `start + k * step`; each point counts the lines of
 * `(t - step, t]`, so point k is bucket k.
 *
 * The log lines themselves are not read: the card's "Error logs" Grafana
 * Explore link shows them.
 */
export async function readLogs(
  options: UpstreamReadOptions,
): Promise<LogsSection> {
  const { range } = options;
  const what = 'log-volume query';
  // The first point is one step after the window's start, the last at its
  // end: 12 points, each counting the step before it.
  const firstPointMs = range.startMs + range.stepMs;
  const call: UpstreamCall = {
    service: 'Loki',
    configKey: 'haven.loki',
    upstream: options.upstream,
    tenant: options.tenant,
    path: QUERY_RANGE,
    params: new URLSearchParams({
      query: logQueries(options.identity).volumeByLevel(range.step),
      start: msToNs(firstPointMs),
      end: msToNs(range.endMs),
      step: String(range.stepMs / 1000),
    }),
    what,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  };
  const body = await getUpstreamJson(call);
  const series = matrix(body, () => unexpectedShape(call));
  const totals = new Array<number>(BUCKETS).fill(0);
  const errors = new Array<number>(BUCKETS).fill(0);
  const levels: Record<string, number> = {};
  for (const s of series) {
    const metric = isRecord(s.metric) ? s.metric : {};
    const raw = metric[LOKI_LEVEL_LABEL];
    const level =
      typeof raw === 'string' && raw.trim() !== ''
        ? raw.trim().toLowerCase()
        : NO_LEVEL;
    const error = isErrorLevel(level);
    if (!Array.isArray(s.values)) continue;
    for (const point of s.values) {
      if (!Array.isArray(point)) continue;
      const seconds = Number(point[0]);
      const count = Number(point[1]);
      if (!Number.isFinite(seconds) || !Number.isFinite(count)) continue;
      const k = Math.round((seconds * 1000 - firstPointMs) / range.stepMs);
      if (k < 0 || k >= BUCKETS) continue;
      totals[k] += count;
      if (error) errors[k] += count;
      levels[level] = (levels[level] ?? 0) + count;
    }
  }
  const buckets: LogBucket[] = totals.map((total, k) => ({
    time: new Date(range.startMs + k * range.stepMs).toISOString(),
    total,
    errors: errors[k],
  }));
  return {
    status: 'ok',
    total: totals.reduce((a, b) => a + b, 0),
    errors: errors.reduce((a, b) => a + b, 0),
    levels,
    buckets,
  };
}

/** `data.result` of a Loki matrix answer, else `fail()`. */
function matrix(body: unknown, fail: () => never): Record<string, unknown>[] {
  if (!isRecord(body) || body.status !== 'success' || !isRecord(body.data)) {
    return fail();
  }
  const { data } = body;
  if (data.resultType !== 'matrix' || !Array.isArray(data.result)) {
    return fail();
  }
  return data.result.filter(isRecord);
}
