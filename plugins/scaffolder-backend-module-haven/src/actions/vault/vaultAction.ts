import {
  VaultClient,
  type HavenVaultConfig,
} from '@haven-plus/plugin-haven-node';

/** Makes the Vault client the action uses (the test seam). @public */
export type VaultClientFactory = (config: HavenVaultConfig) => VaultClient;

const defaultClientFactory: VaultClientFactory = config =>
  new VaultClient({
    address: config.address,
    namespace: config.namespace,
    auth: config.auth,
  });

/**
 * One Vault client per action, made on first use from the config (so an
 * action registered without haven.vault refuses at run time, not at start).
 */
export function lazyVaultClient(
  factory: VaultClientFactory | undefined,
): (config: HavenVaultConfig) => VaultClient {
  let client: VaultClient | undefined;
  return config => {
    client ??= (factory ?? defaultClientFactory)(config);
    return client;
  };
}
