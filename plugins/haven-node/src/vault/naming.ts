import { InputError } from '@backstage/errors';
import type { HavenVaultConfig } from './types';

/** Where one app lives in Vault, by the naming rules of `haven.vault`. @public */
export interface VaultAppNames {
  /** The environment's KV v2 mount. */
  kvMount: string;
  /** The environment's Kubernetes auth mount. */
  kubernetesAuthMount: string;
  /** The environment's folder inside the mount, if any. */
  pathPrefix?: string;
  /** The app path inside the KV mount: <pathPrefix>/<namespace>/<component>. */
  appPath: string;
  /** Kubernetes-auth role: <rolePrefix><namespace>.<component>. */
  roleName: string;
  /** The policy the role grants (the shared one in templated mode). */
  policyName: string;
}

/**
 * The Vault names of an app, shared by haven:vault:provision (which creates
 * them) and haven:gitops:render (whose SecretStore and ExternalSecret point at
 * them), so the two can never disagree. Inputs must already be validated
 * DNS-1123 labels.
 * @public
 */
export function vaultAppNames(
  config: HavenVaultConfig,
  input: { environment: string; namespace: string; component: string },
): VaultAppNames {
  const env = config.environments[input.environment];
  if (!env) {
    throw new InputError(
      `Unknown environment "${
        input.environment
      }"; haven.vault.environments has: ${Object.keys(config.environments).join(
        ', ',
      )}`,
    );
  }
  // '.' cannot occur in a DNS-1123 label, so namespace "a-b" with app "c" and
  // namespace "a" with app "b-c" never share a role or policy name.
  const suffix = `${input.namespace}.${input.component}`;
  return {
    kvMount: env.kvMount,
    kubernetesAuthMount: env.kubernetesAuthMount,
    pathPrefix: env.pathPrefix,
    appPath: [env.pathPrefix, input.namespace, input.component]
      .filter(Boolean)
      .join('/'),
    roleName: `${config.rolePrefix}${suffix}`,
    policyName:
      config.policyMode === 'per-app'
        ? `${config.policyPrefix}${suffix}`
        : config.templatedPolicy,
  };
}
