import { GITHUB_FAULT_MESSAGES } from './errors';

/** A fault the double injects on the requests it matches (like the Vault double's). */
export interface GitHubFault {
  /** HTTP method to match; omitted matches any. */
  method?: string;
  /**
   * API path below the base URL, no query string (e.g.
   * `/repos/haven-fleet/fleet/git/trees`); a trailing `*` matches a prefix,
   * a RegExp is tested against the path. Omitted matches every path.
   */
  path?: string | RegExp;
  /** Answer with this status and GitHub's error body (see {@link GITHUB_FAULT_MESSAGES}). */
  status?: number;
  /** Replaces the body's `message`. */
  message?: string;
  /** Wait this long before answering (alone: then answer normally). */
  latencyMs?: number;
  /** Drop the connection (msw `HttpResponse.error()`: fetch rejects). */
  reset?: boolean;
  /** Apply this many times, then heal. Omitted: until removed or cleared. */
  times?: number;
}

export interface ActiveGitHubFault extends GitHubFault {
  /** times left; undefined = unlimited */
  remaining?: number;
}

export interface GitHubFaults {
  /** Adds a fault; returns a function that removes it. */
  inject(fault: GitHubFault): () => void;
  /** Removes every fault. */
  clear(): void;
  /** Faults still in force, in the order they were added. */
  active(): ActiveGitHubFault[];
}

export interface FaultDecision {
  latencyMs: number;
  terminal?: ActiveGitHubFault;
}

export function faultMessage(fault: GitHubFault): string {
  return (
    fault.message ??
    GITHUB_FAULT_MESSAGES[fault.status ?? 500] ??
    'Server Error'
  );
}

function pathMatches(pattern: string | RegExp | undefined, path: string) {
  if (pattern === undefined) return true;
  if (pattern instanceof RegExp) return pattern.test(path);
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}

export function createFaults(): GitHubFaults & {
  decide(method: string, path: string): FaultDecision;
} {
  let faults: ActiveGitHubFault[] = [];
  return {
    inject(fault) {
      const active: ActiveGitHubFault = { ...fault, remaining: fault.times };
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
    decide(method, path) {
      // As the Vault double: faults apply in the order added; latency-only
      // faults add up; the first status/reset fault answers; only an applied
      // fault uses up one of its `times`.
      const decision: FaultDecision = { latencyMs: 0 };
      for (const fault of faults) {
        if (fault.method && fault.method.toUpperCase() !== method) continue;
        if (!pathMatches(fault.path, path)) continue;
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
