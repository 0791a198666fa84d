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

/**
 * The Vault UI page of an app's KV path (the `vaultUrl` output of every
 * Vault action), with the Enterprise namespace when there is one.
 */
export function vaultUiUrl(
  config: HavenVaultConfig,
  kvMount: string,
  appPath: string,
): string {
  const ns = config.namespace
    ? `?namespace=${encodeURIComponent(config.namespace)}`
    : '';
  return `${config.uiUrl}/ui/vault/secrets/${encodeURIComponent(
    kvMount,
  )}/kv/list/${appPath.split('/').map(encodeURIComponent).join('/')}/${ns}`;
}
