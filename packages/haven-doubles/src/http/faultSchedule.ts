/**
 * The fault rules every double shares: faults apply in the order they were
 * added; every matching latency-only fault adds its delay; the first matching
 * fault with a status or a reset answers; only a fault that was applied uses
 * up one of its `times`, so two `times: 1` faults on one route answer two
 * requests in turn. What "matching" means (method, path, namespace) is each
 * double's own.
 */

/** The part of a fault the schedule reads. */
export interface ScheduledFault {
  status?: number;
  reset?: boolean;
  latencyMs?: number;
  /** Apply this many times, then heal. Omitted: until removed or cleared. */
  times?: number;
}

/** A fault in force; `remaining` is undefined when unlimited. */
export type ActiveFault<F> = F & { remaining?: number };

/** What a request gets: a delay, and the fault that answers it, if any. */
export interface FaultDecision<F> {
  latencyMs: number;
  terminal?: ActiveFault<F>;
}

/** Path patterns: omitted matches all, a trailing `*` a prefix, a RegExp is tested. */
export function pathMatches(
  pattern: string | RegExp | undefined,
  path: string,
): boolean {
  if (pattern === undefined) return true;
  if (pattern instanceof RegExp) return pattern.test(path);
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}

/** An ordered list of faults with the shared rules above. */
export function createFaultSchedule<F extends ScheduledFault>(): {
  inject(fault: F): () => void;
  clear(): void;
  active(): Array<ActiveFault<F>>;
  decide(matches: (fault: F) => boolean): FaultDecision<F>;
} {
  let faults: Array<ActiveFault<F>> = [];
  return {
    inject(fault) {
      const active: ActiveFault<F> = { ...fault, remaining: fault.times };
      faults.push(active);
      return () => {
        faults = faults.filter(f => f !== active);
      };
    },
    clear() {
      faults = [];
    },
    active() {
      return faults.map(f => ({ ...f }));
    },
    decide(matches) {
      const decision: FaultDecision<F> = { latencyMs: 0 };
      for (const fault of faults) {
        if (!matches(fault)) continue;
        const terminal = fault.reset === true || fault.status !== undefined;
        if (terminal && decision.terminal) continue;
        if (terminal) decision.terminal = fault;
        decision.latencyMs += fault.latencyMs ?? 0;
        if (fault.remaining !== undefined) fault.remaining -= 1;
      }
      faults = faults.filter(f => f.remaining === undefined || f.remaining > 0);
      return decision;
    },
  };
}

/** A schedule whose faults match on the HTTP method and the path only. */
export function createMethodPathFaults<
  F extends ScheduledFault & { method?: string; path?: string | RegExp },
>() {
  const schedule = createFaultSchedule<F>();
  return {
    ...faultControls(schedule),
    decide: (method: string, path: string): FaultDecision<F> =>
      schedule.decide(
        f =>
          (!f.method || f.method.toUpperCase() === method) &&
          pathMatches(f.path, path),
      ),
  };
}

/** What a double hands its callers of its schedule: all but `decide`. */
export function faultControls<
  S extends { inject: unknown; clear: unknown; active: unknown },
>(schedule: S): Pick<S, 'inject' | 'clear' | 'active'> {
  return {
    inject: schedule.inject,
    clear: schedule.clear,
    active: schedule.active,
  };
}
