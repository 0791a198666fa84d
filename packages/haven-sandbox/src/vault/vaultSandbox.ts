import {
  serveOnLoopback,
  type LoopbackServer,
  createVaultDouble,
  type VaultDouble,
  type VaultDoubleOptions,
} from '@haven-plus/haven-doubles';
import { SANDBOX_DELIVERY_EXAMPLES } from '../kubernetes/sandboxCluster';

/** The local sandbox's Vault double: where it listens and its root token, which opens nothing real. */
export const VAULT_SANDBOX = {
  port: 7102,
  rootToken: 'haven-sandbox-vault-root-not-a-secret',
} as const;

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

/**
 * One KV v2 secret of the sandbox: its path inside the mount and the data of
 * each version, oldest first.
 * @public
 */
export interface SandboxKvSecret {
  path: string;
  versions: Array<Record<string, string>>;
}

/**
 * The Vault secrets of the sandbox's example components
 * (SANDBOX_DELIVERY_EXAMPLES), at `<pathPrefix>/<app>/<app>/<name>` as
 * haven:vault:provision lays them out, property `value`. The values are
 * sandbox-only filler; open-webui-voorbeeld's are `sandbox-filler-<name>`.
 * @public
 */
export function sandboxKvSecrets(pathPrefix: string): SandboxKvSecret[] {
  return SANDBOX_DELIVERY_EXAMPLES.flatMap(example =>
    example.vaultSecrets.map(secret => {
      const filler =
        example.app === 'open-webui-voorbeeld'
          ? `sandbox-filler-${secret.name}`
          : `sandbox-filler-${example.app}-${secret.name}`;
      return {
        path: `${pathPrefix}/${example.app}/${example.app}/${secret.name}`,
        versions: Array.from({ length: secret.versions }, (_, i) => ({
          value: i === 0 ? filler : `${filler}-v${i + 1}`,
        })),
      };
    }),
  );
}

/**
 * Writes every version after the first over the double's HTTP API, as a
 * rotation does (KV v2 `POST <mount>/data/<path>` with `options.cas`,
 * contracts.md 1.5); the double seeds the first versions itself
 * (`kvSecrets`). Resolves once Vault has answered every write.
 * @public
 */
export async function writeLaterKvVersions(
  vault: { url: string; rootToken: string },
  mount: string,
  secrets: SandboxKvSecret[],
): Promise<void> {
  for (const secret of secrets) {
    for (let index = 1; index < secret.versions.length; index += 1) {
      const res = await fetch(`${vault.url}/v1/${mount}/data/${secret.path}`, {
        method: 'POST',
        headers: {
          'x-vault-token': vault.rootToken,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          data: secret.versions[index],
          options: { cas: index },
        }),
      });
      if (!res.ok) {
        throw new Error(
          `the Vault double refused version ${index + 1} of ${mount}/${
            secret.path
          }: HTTP ${res.status}`,
        );
      }
    }
  }
}
