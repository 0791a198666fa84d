/** A fault the double injects on the requests it matches. */
export interface VaultFault {
  /**
   * HTTP method to match; omitted matches any. `POST` and `PUT` match each
   * other (contracts.md 1.1: synonyms); `LIST` also matches `GET ?list=true`.
   */
  method?: string;
  /**
   * Logical path relative to its namespace, without `/v1/` (e.g.
   * `secret/data/team-a/orders`); a trailing `*` matches a prefix. Omitted
   * matches every path.
   */
  path?: string | RegExp;
  /** Namespace to match ('' is root); omitted matches any. */
  namespace?: string;
  /** Answer with this status and Vault's body for it (see {@link VAULT_FAULT_ERRORS}). */
  status?: number;
  /** Replaces the `errors` of the body. */
  errors?: string[];
  /** Wait this long before answering (alone: then answer normally). */
  latencyMs?: number;
  /** Drop the connection (msw `HttpResponse.error()`: fetch rejects). */
  reset?: boolean;
  /** Apply this many times, then heal. Omitted: until removed or cleared. */
  times?: number;
}

export interface ActiveVaultFault extends VaultFault {
  /** times left; undefined = unlimited */
  remaining?: number;
}

export interface VaultFaults {
  /** Adds a fault; returns a function that removes it. */
  inject(fault: VaultFault): () => void;
  /** Removes every fault. */
  clear(): void;
  /** Faults still in force, in the order they were added. */
  active(): ActiveVaultFault[];
}

/**
 * Vault's bodies for the statuses faults usually stand for.
 * contracts.md 1.7: sealed -> 503 `{"errors":["Vault is sealed"]}`; rate
 * limit -> 429 `request path "…": rate limit quota exceeded`; a standby with
 * no known active node -> 500 `local node not active but active cluster node
 * not found`; 1.2: the KV v2 upgrade race -> 400 `Upgrading from …`.
 */
export const VAULT_FAULT_ERRORS = {
  sealed: 'Vault is sealed',
  noActiveNode: 'local node not active but active cluster node not found',
  kvUpgrading:
    'Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly.',
  rateLimited: (path: string) =>
    `request path "${path}": rate limit quota exceeded`,
} as const;

export function defaultFaultErrors(status: number, path: string): string[] {
  if (status === 503) return [VAULT_FAULT_ERRORS.sealed];
  if (status === 429) return [VAULT_FAULT_ERRORS.rateLimited(path)];
  if (status === 500) return [VAULT_FAULT_ERRORS.noActiveNode];
  return [];
}

export interface FaultDecision {
  latencyMs: number;
  /** the terminal fault, if any */
  terminal?: ActiveVaultFault;
}

function pathMatches(pattern: string | RegExp | undefined, path: string) {
  if (pattern === undefined) return true;
  if (pattern instanceof RegExp) return pattern.test(path);
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}

function methodMatches(
  wanted: string | undefined,
  method: string,
  list: boolean,
) {
  if (wanted === undefined) return true;
  const w = wanted.toUpperCase();
  if (w === 'LIST') return list;
  if (w === 'POST' || w === 'PUT') return method === 'POST' || method === 'PUT';
  return w === method && !(w === 'GET' && list);
}

export function createFaults(): VaultFaults & {
  decide(
    method: string,
    list: boolean,
    namespace: string,
    path: string,
  ): FaultDecision;
} {
  let faults: ActiveVaultFault[] = [];
  return {
    inject(fault) {
      const active: ActiveVaultFault = { ...fault, remaining: fault.times };
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
    decide(method, list, namespace, path) {
      // Faults apply in the order they were added. Every matching
      // latency-only fault adds its delay; the first matching fault with a
      // status or a reset answers. Only a fault that was applied uses up one
      // of its `times`, so two `times: 1` faults on one route answer two
      // requests in turn.
      const decision: FaultDecision = { latencyMs: 0 };
      for (const fault of faults) {
        if (!methodMatches(fault.method, method, list)) continue;
        if (fault.namespace !== undefined && fault.namespace !== namespace)
          continue;
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
