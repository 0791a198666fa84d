import {
  createFaultSchedule,
  faultControls,
  pathMatches,
  type FaultDecision as SharedDecision,
} from '../http/faultSchedule';

/**
 * Faults for the Loki and Tempo doubles (the Tempo double imports these), in
 * the same shape and with the same rules as the Vault and GitHub doubles'.
 */

/** A fault the double injects on the requests it matches. */
export interface TelemetryFault {
  /** HTTP method to match; omitted matches any. */
  method?: string;
  /**
   * URL path, no query string (e.g. `/loki/api/v1/query_range`,
   * `/api/search`); a trailing `*` matches a prefix, a RegExp is tested
   * against the path. Omitted matches every path.
   */
  path?: string | RegExp;
  /**
   * The tenant to match: requests whose `X-Scope-OrgID` names it (alone or
   * in an `A|B` list). Omitted matches every request, with or without the
   * header. The sandbox uses this for a tenant whose upstream is down.
   */
  tenant?: string;
  /**
   * Answer with this status and a plain-text body (contracts.md 5.1: Loki's
   * errors are text/plain, not JSON; Tempo's are taken to be the same).
   */
  status?: number;
  /** Replaces the default body (see {@link TELEMETRY_FAULT_BODIES}). */
  body?: string;
  /** Wait this long before answering (alone: then answer normally). */
  latencyMs?: number;
  /** Drop the connection (msw `HttpResponse.error()`: fetch rejects). */
  reset?: boolean;
  /** Apply this many times, then heal. Omitted: until removed or cleared. */
  times?: number;
}

export interface ActiveTelemetryFault extends TelemetryFault {
  /** times left; undefined = unlimited */
  remaining?: number;
}

export interface TelemetryFaults {
  /** Adds a fault; returns a function that removes it. */
  inject(fault: TelemetryFault): () => void;
  /** Removes every fault. */
  clear(): void;
  /** Faults still in force, in the order they were added. */
  active(): ActiveTelemetryFault[];
}

/**
 * Default bodies for the statuses faults usually stand for. Not in
 * contracts.md [inf]: 429 is what Loki's and Tempo's query frontends answer
 * when their queue is full; 504 a query that ran out of time. Any other
 * status gets Go's status text, as `http.Error` would write it.
 */
export const TELEMETRY_FAULT_BODIES: Record<number, string> = {
  429: 'too many outstanding requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'context deadline exceeded',
};

export function faultBody(fault: TelemetryFault): string {
  return fault.body ?? TELEMETRY_FAULT_BODIES[fault.status ?? 500] ?? 'fault';
}

export type FaultDecision = SharedDecision<TelemetryFault>;

/** The fault schedule of a Loki or Tempo double, matching on method, path and tenant. */
export function createTelemetryFaults() {
  const schedule = createFaultSchedule<TelemetryFault>();
  return {
    ...faultControls(schedule),
    /** `orgId` is the request's `X-Scope-OrgID`, undefined when absent. */
    decide: (method: string, path: string, orgId?: string): FaultDecision =>
      schedule.decide(
        f =>
          (!f.method || f.method.toUpperCase() === method) &&
          pathMatches(f.path, path) &&
          (f.tenant === undefined ||
            (orgId !== undefined && orgId.split('|').includes(f.tenant))),
      ),
  };
}
