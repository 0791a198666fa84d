import { serveOnLoopback, type LoopbackServer } from '../http/loopback';
import { VAULT_SANDBOX } from './defaults';
import {
  createVaultDouble,
  type VaultDouble,
  type VaultDoubleOptions,
} from './vaultDouble';

export { VAULT_SANDBOX } from './defaults';

export interface RunningVaultDouble extends LoopbackServer {
  /** The double behind the server, for its request log, faults and state. */
  double: VaultDouble;
  rootToken: string;
}

/**
 * Serves the Vault double on 127.0.0.1:`port` (0 picks a free port) with
 * the sandbox root token (`VAULT_SANDBOX.rootToken`, which opens nothing
 * real), a KV v2 `secret/` mount and a `kubernetes/` auth mount.
 *
 * Two limits come from the shared loopback server (src/http/loopback.ts),
 * not from the double: Node's HTTP parser refuses the `LIST` verb (answer
 * 400, never reaching the double), so list with `GET ?list=true`; and an
 * injected connection reset (`faults.inject({ reset: true })`) surfaces as
 * loopback.ts's 500 rather than a dropped socket. In-process msw use has
 * neither limit.
 */
export async function startVaultDoubleOnLoopback(
  port: number = VAULT_SANDBOX.port,
  options: Partial<Omit<VaultDoubleOptions, 'baseUrl'>> = {},
): Promise<RunningVaultDouble> {
  let double: VaultDouble | undefined;
  const rootToken = options.rootToken ?? VAULT_SANDBOX.rootToken;
  const server = await serveOnLoopback(
    origin => {
      double = createVaultDouble({ ...options, rootToken, baseUrl: origin });
      return double.handlers;
    },
    { port, name: 'Vault' },
  );
  return { ...server, double: double as VaultDouble, rootToken };
}
