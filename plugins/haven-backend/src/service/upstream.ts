import type { TelemetryIdentity } from '@haven-plus/plugin-haven-common';
import type { TelemetryUpstreamConfig } from '../config';
import type { TimeRange } from './windows';

/**
 * A failure of one upstream call whose message is safe to show on the entity
 * page: it names the upstream, the query and what to do, and never carries a
 * response body (which could hold log lines) or a token.
 */
export class UpstreamError extends Error {
  name = 'UpstreamError';
}

/** What a read of one entity's logs (Loki) or traces (Tempo) takes. */
export interface UpstreamReadOptions {
  upstream: TelemetryUpstreamConfig;
  /** The entity's telemetry annotations, the only source of the query. */
  identity: TelemetryIdentity;
  /** The tenant to send (config default or the entity's annotation). */
  tenant?: string;
  range: TimeRange;
  signal: AbortSignal;
  timeoutMs: number;
}

/** Whether a parsed JSON value is an object (not null, not an array). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export interface UpstreamCall {
  /** `Loki` or `Tempo`. */
  service: 'Loki' | 'Tempo';
  /** `haven.loki` or `haven.tempo`, for hints. */
  configKey: string;
  upstream: TelemetryUpstreamConfig;
  /** The tenant to send (config default or the entity's annotation). */
  tenant?: string;
  /** Path below the base URL, e.g. `/loki/api/v1/query_range`. */
  path: string;
  params: URLSearchParams;
  /** What the call is, for messages, e.g. `log-volume query`. */
  what: string;
  signal: AbortSignal;
  timeoutMs: number;
}

function hint(call: UpstreamCall, status: number): string {
  if (status === 401 || status === 403) {
    return call.tenant
      ? `check ${call.configKey}.token and that tenant "${call.tenant}" exists`
      : `it may need a tenant: set ${call.configKey}.tenant or the entity's haven.plus/telemetry-tenant annotation`;
  }
  if (status === 400) {
    return `it did not accept the query built from the entity's annotations; check haven.plus/otel-service-name and haven.plus/loki-selector`;
  }
  if (status === 404) {
    return `check that ${call.configKey}.url points at ${call.service} itself`;
  }
  if (status === 429 || status >= 500) {
    return `${call.service} is overloaded or down; try again later`;
  }
  return `check ${call.configKey}`;
}

/**
 * The failure for an answer that is JSON but not in the shape the call's
 * API returns: most often the URL points at something else.
 */
export function unexpectedShape(call: UpstreamCall): never {
  throw new UpstreamError(
    `${call.service} at ${call.upstream.url} answered the ${call.what} in an unexpected shape; check that ${call.configKey}.url points at ${call.service} itself`,
  );
}

/** GETs JSON from Loki or Tempo, with the tenant header and the view's deadline. */
export async function getUpstreamJson(call: UpstreamCall): Promise<unknown> {
  const where = `${call.service} at ${call.upstream.url}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (call.tenant) headers['X-Scope-OrgID'] = call.tenant;
  if (call.upstream.token) {
    headers.authorization = `Bearer ${call.upstream.token}`;
  }
  let response: Response;
  try {
    response = await fetch(
      `${call.upstream.url}${call.path}?${call.params.toString()}`,
      {
        headers,
        signal: call.signal,
        // A redirect would carry the tenant and token elsewhere.
        redirect: 'error',
      },
    );
  } catch (error) {
    if (call.signal.aborted) {
      throw new UpstreamError(
        `${where} did not answer within ${call.timeoutMs} ms (${call.what})`,
      );
    }
    throw new UpstreamError(
      `${where} could not be reached (${call.what}): ${connectionProblem(
        error,
      )}; check ${call.configKey}.url and the network`,
    );
  }
  if (!response.ok) {
    // The body is never read into a message: Loki's and Tempo's error
    // texts can quote the query or the data.
    // Not awaited: a server that never finishes its body must not hold
    // the section past its deadline.
    response.body?.cancel().catch(() => undefined);
    throw new UpstreamError(
      `${where} answered HTTP ${response.status} to the ${call.what}; ${hint(
        call,
        response.status,
      )}`,
    );
  }
  try {
    return await response.json();
  } catch {
    if (call.signal.aborted) {
      throw new UpstreamError(
        `${where} did not answer within ${call.timeoutMs} ms (${call.what})`,
      );
    }
    throw new UpstreamError(
      `${where} answered the ${call.what} with something that is not JSON; check that ${call.configKey}.url points at ${call.service} itself`,
    );
  }
}

/** A connection error's code (ECONNREFUSED, ENOTFOUND, …), nothing else of it. */
function connectionProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' && /^[A-Z_]{2,40}$/.test(cause.code)
    ? `connection failed (${cause.code})`
    : 'connection failed';
}

/** Nanoseconds since the epoch of a millisecond time, as Loki takes it. */
export const msToNs = (ms: number): string =>
  (BigInt(Math.trunc(ms)) * 1_000_000n).toString();

/** An ISO time from a nanosecond epoch string (or number); undefined if unreadable. */
export function nsToIso(ns: unknown): string | undefined {
  if (typeof ns !== 'string' && typeof ns !== 'number') return undefined;
  const text = String(ns);
  if (!/^\d{1,20}$/.test(text)) return undefined;
  const ms = Number(BigInt(text) / 1_000_000n);
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
