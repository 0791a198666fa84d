import {
  createFaultSchedule,
  faultControls,
  pathMatches,
  type FaultDecision as SharedDecision,
} from '../http/faultSchedule';
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

export type FaultDecision = SharedDecision<VaultFault>;

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
  const schedule = createFaultSchedule<VaultFault>();
  return {
    ...faultControls(schedule),
    decide: (method, list, namespace, path) =>
      schedule.decide(
        f =>
          methodMatches(f.method, method, list) &&
          (f.namespace === undefined || f.namespace === namespace) &&
          pathMatches(f.path, path),
      ),
  };
}
