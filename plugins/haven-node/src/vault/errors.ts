import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/*
 * Vault failures as @backstage/errors types. Messages carry the method, the
 * API path and Vault's own `errors` strings (contracts.md 1.1), never a
 * request or response body, which could hold secret values or tokens.
 */

/** Vault could not be reached or stayed unavailable after the retries. @public */
export class VaultUnavailableError extends CustomErrorBase {
  name = 'VaultUnavailableError' as const;
}

/** The KV v2 check-and-set did not match: the key already has a version. @public */
export class VaultCasMismatchError extends ConflictError {}

/** What one Vault call was, for messages: never its body. @internal */
export interface VaultCall {
  method: string;
  path: string;
}

const describe = (call: VaultCall) => `Vault ${call.method} ${call.path}`;

const vaultSaid = (errors: string[]) => {
  const text = errors
    .map(e =>
      e
        .replace(/^\d+ errors? occurred:\s*/, '')
        .replace(/\s*\*\s*/g, ' ')
        .trim(),
    )
    .filter(Boolean)
    .join('; ');
  return text ? `: ${text}` : '';
};

/** Maps a final (non-retried or retries exhausted) Vault error answer. @internal */
export function vaultErrorFromStatus(
  call: VaultCall,
  status: number,
  errors: string[],
  attempts: number,
): Error {
  const said = vaultSaid(errors);
  const where = `${describe(call)} answered ${status}${said}`;
  if (
    status === 400 &&
    errors.some(e => e.includes('check-and-set parameter did not match'))
  ) {
    return new VaultCasMismatchError(
      `${where}. The key already exists; it was left alone.`,
    );
  }
  switch (status) {
    case 400:
      return new InputError(
        `${where}. Vault rejected the request; check the names and paths given.`,
      );
    case 401:
    case 403:
      return new NotAllowedError(
        `${where}. Backstage's Vault token lacks a capability on this path, or has expired: see "Vault policy for Backstage" in the README.`,
      );
    case 404:
      return new NotFoundError(
        `${where}. Check that the mount and path exist in this Vault namespace.`,
      );
    case 503:
      return new ServiceUnavailableError(
        `${where} after ${attempts} attempt(s). Vault is sealed or in maintenance: unseal it (or wait), then run the task again.`,
      );
    default:
      if (status === 429 || status >= 500 || status === 412) {
        return new VaultUnavailableError(
          `${where} after ${attempts} attempt(s). Vault is overloaded or failing over: wait, then run the task again; it only writes what is still missing.`,
        );
      }
      return new VaultUnavailableError(`${where}.`);
  }
}

/** A request that got no HTTP answer: its timeout fired, or the connection failed. @internal */
export function vaultUnreachable(
  call: VaultCall,
  timedOut: boolean,
  attempts: number,
  write: boolean,
): Error {
  const what = timedOut ? 'timed out' : 'got no answer (connection failed)';
  const next = write
    ? 'The write may or may not have been applied: run the task again; it reads what exists before writing.'
    : 'Check the Vault address and network, then run the task again.';
  return new VaultUnavailableError(
    `${describe(call)} ${what} after ${attempts} attempt(s). ${next}`,
  );
}

/** Vault (or something in front of it) answered with a redirect, which is never followed. @internal */
export function vaultRedirected(call: VaultCall, status: number): Error {
  return new VaultUnavailableError(
    `${describe(
      call,
    )} answered a ${status} redirect, which is not followed (it would carry the token elsewhere). Point haven.vault.address at the active Vault node or its load balancer.`,
  );
}
