import {
  logQueries,
  type TelemetryIdentity,
} from '@haven-plus/plugin-haven-common';
import type { TelemetryUpstreamConfig } from '../config';
import { BUCKETS, type TimeRange } from './windows';
import { getUpstreamJson, msToNs, nsToIso, UpstreamError } from './upstream';
import type { LogBucket, LogLine, LogsSection } from './types';

/** At most this many error lines are shown. */
export const RECENT_LINES = 20;
/** A shown line is cut at this many characters. */
export const MAX_LINE_LENGTH = 2000;

const QUERY_RANGE = '/loki/api/v1/query_range';

interface LokiOptions {
  upstream: TelemetryUpstreamConfig;
  identity: TelemetryIdentity;
  tenant?: string;
  range: TimeRange;
  signal: AbortSignal;
  timeoutMs: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `data.result` of a Loki answer of the expected `resultType`, else an UpstreamError. */
function results(
  body: unknown,
  resultType: 'matrix' | 'streams',
  fail: () => never,
): Record<string, unknown>[] {
  if (!isRecord(body) || body.status !== 'success' || !isRecord(body.data)) {
    return fail();
  }
  const { data } = body;
  if (data.resultType !== resultType || !Array.isArray(data.result)) {
    return fail();
  }
  return data.result.filter(isRecord);
}

/**
 * Adds a matrix answer (contracts.md 5.1: `values` of `[<seconds>,
 * "<count>"]`, oldest first) into per-bucket counts. Loki evaluates the
 * query at `start + k * step`; each point counts the lines of
 * `(t - step, t]`, so point k is bucket k.
 */
function addMatrix(
  series: Record<string, unknown>[],
  range: TimeRange,
  firstPointMs: number,
  into: number[],
) {
  for (const s of series) {
    if (!Array.isArray(s.values)) continue;
    for (const point of s.values) {
      if (!Array.isArray(point)) continue;
      const seconds = Number(point[0]);
      const count = Number(point[1]);
      if (!Number.isFinite(seconds) || !Number.isFinite(count)) continue;
      const k = Math.round((seconds * 1000 - firstPointMs) / range.stepMs);
      if (k >= 0 && k < BUCKETS) into[k] += count;
    }
  }
}

/**
 * The logs section: three `query_range` calls in parallel, each built by
 * haven-common's `logQueries` from the entity's annotations only.
 * - volume by level, a matrix with 12 steps over the window;
 * - the error count, the same 12 steps;
 * - the 20 newest error lines.
 */
export async function readLogs(options: LokiOptions): Promise<LogsSection> {
  const { range } = options;
  const queries = logQueries(options.identity);
  // The first point is one step after the window's start, the last at its
  // end: 12 points, each counting the step before it.
  const firstPointMs = range.startMs + range.stepMs;
  const call = (what: string, params: Record<string, string>) =>
    getUpstreamJson({
      service: 'Loki',
      configKey: 'haven.loki',
      upstream: options.upstream,
      tenant: options.tenant,
      path: QUERY_RANGE,
      params: new URLSearchParams(params),
      what,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
  const metric = (what: string, query: string) =>
    call(what, {
      query,
      start: msToNs(firstPointMs),
      end: msToNs(range.endMs),
      step: String(range.stepMs / 1000),
    });
  const [volume, errorCount, errorLines] = await Promise.all([
    metric('log-volume query', queries.volumeByLevel(range.step)),
    metric('error-count query', queries.errorCount(range.step)),
    call('error-lines query', {
      query: queries.errors,
      start: msToNs(range.startMs),
      end: msToNs(range.endMs),
      limit: String(RECENT_LINES),
      direction: 'backward',
    }),
  ]);

  const unexpected = (what: string) => (): never => {
    throw new UpstreamError(
      `Loki at ${options.upstream.url} answered the ${what} in an unexpected shape; check that haven.loki.url points at Loki itself`,
    );
  };
  const totals = new Array<number>(BUCKETS).fill(0);
  const errors = new Array<number>(BUCKETS).fill(0);
  addMatrix(
    results(volume, 'matrix', unexpected('log-volume query')),
    range,
    firstPointMs,
    totals,
  );
  addMatrix(
    results(errorCount, 'matrix', unexpected('error-count query')),
    range,
    firstPointMs,
    errors,
  );
  const buckets: LogBucket[] = totals.map((total, k) => ({
    time: new Date(range.startMs + k * range.stepMs).toISOString(),
    total,
    errors: errors[k],
  }));

  const lines: Array<{ ns: bigint; line: LogLine }> = [];
  for (const stream of results(
    errorLines,
    'streams',
    unexpected('error-lines query'),
  )) {
    if (!Array.isArray(stream.values)) continue;
    for (const value of stream.values) {
      // [<ns>, <line>] plus, with some encodings, a third element.
      if (!Array.isArray(value) || typeof value[1] !== 'string') continue;
      const time = nsToIso(value[0]);
      if (!time) continue;
      const text = value[1];
      lines.push({
        ns: BigInt(String(value[0])),
        line: {
          time,
          line:
            text.length > MAX_LINE_LENGTH
              ? `${text.slice(0, MAX_LINE_LENGTH)}…`
              : text,
        },
      });
    }
  }
  lines.sort((a, b) => {
    if (a.ns === b.ns) return 0;
    return a.ns < b.ns ? 1 : -1; // newest first
  });

  return {
    status: 'ok',
    total: totals.reduce((a, b) => a + b, 0),
    errors: errors.reduce((a, b) => a + b, 0),
    buckets,
    recent: lines.slice(0, RECENT_LINES).map(l => l.line),
  };
}
