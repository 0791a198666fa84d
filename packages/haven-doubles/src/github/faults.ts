import {
  createMethodPathFaults,
  type FaultDecision as SharedDecision,
} from '../http/faultSchedule';
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

export type FaultDecision = SharedDecision<GitHubFault>;

export function faultMessage(fault: GitHubFault): string {
  return (
    fault.message ??
    GITHUB_FAULT_MESSAGES[fault.status ?? 500] ??
    'Server Error'
  );
}

export function createFaults() {
  return createMethodPathFaults<GitHubFault>();
}
