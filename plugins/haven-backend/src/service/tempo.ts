import {
  traceQueries,
  TRACE_ID,
  type TelemetryIdentity,
} from '@haven-plus/plugin-haven-common';
import type { TelemetryUpstreamConfig } from '../config';
import type { TimeRange } from './windows';
import { getUpstreamJson, nsToIso, UpstreamError } from './upstream';
import type { TracesSection, TraceSummary } from './types';

/** At most this many traces are shown. */
export const RECENT_TRACES = 20;

interface TempoOptions {
  upstream: TelemetryUpstreamConfig;
  identity: TelemetryIdentity;
  tenant?: string;
  range: TimeRange;
  signal: AbortSignal;
  timeoutMs: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** `traces` of a Tempo search answer (contracts.md 5.2). */
function searchTraces(body: unknown, fail: () => never) {
  if (!isRecord(body) || !Array.isArray(body.traces)) return fail();
  return body.traces.filter(isRecord);
}

/**
 * The traces section: two searches of `/api/search` in parallel over the
 * window, built by haven-common's `traceQueries`:
 * - `all`: the service's 20 newest traces, which are shown;
 * - `errors`: its 20 newest traces with a span of status error.
 * A search result carries no span status unless the query names it
 * (contracts.md 5.2: `spanSets` hold the attributes queried), so a shown
 * trace is marked `error` when the second search found it too. Both are
 * newest first with the same limit, so every error trace among the 20
 * shown is among the 20 newest error traces.
 */
export async function readTraces(
  options: TempoOptions,
): Promise<TracesSection> {
  const { range } = options;
  const queries = traceQueries(options.identity);
  const search = (what: string, q: string) =>
    getUpstreamJson({
      service: 'Tempo',
      configKey: 'haven.tempo',
      upstream: options.upstream,
      tenant: options.tenant,
      path: '/api/search',
      params: new URLSearchParams({
        q,
        limit: String(RECENT_TRACES),
        // contracts.md 5.2: without start and end only the live store is searched.
        start: String(Math.floor(range.startMs / 1000)),
        end: String(Math.ceil(range.endMs / 1000)),
      }),
      what,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
  const [all, errors] = await Promise.all([
    search('trace search', queries.all),
    search('error-trace search', queries.errors),
  ]);
  const unexpected = (what: string) => (): never => {
    throw new UpstreamError(
      `Tempo at ${options.upstream.url} answered the ${what} in an unexpected shape; check that haven.tempo.url points at Tempo itself`,
    );
  };
  // Tempo may write ids without leading zeros; compare them padded.
  const normalId = (id: string) => id.toLowerCase().padStart(32, '0');
  const errorIds = new Set(
    searchTraces(errors, unexpected('error-trace search'))
      .map(t => str(t.traceID))
      .filter(id => TRACE_ID.test(id))
      .map(normalId),
  );
  const traces: TraceSummary[] = [];
  for (const t of searchTraces(all, unexpected('trace search'))) {
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
      error: errorIds.has(normalId(traceId)),
    });
  }
  traces.sort((a, b) => b.start.localeCompare(a.start));
  return { status: 'ok', traces: traces.slice(0, RECENT_TRACES) };
}
