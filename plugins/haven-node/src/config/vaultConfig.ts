import fs from 'node:fs/promises';
import type { Config } from '@backstage/config';
import {
  assertDnsLabel,
  assertVaultPath,
  assertVaultPathSegment,
} from '@haven-plus/plugin-haven-common';
import type {
  HavenVaultConfig,
  HavenVaultEnvironment,
  VaultAuthOptions,
} from '../vault/types';

const DEFAULT_JWT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** A prefix must itself be a safe name fragment: lower-case, digits, '-'. */
function prefix(value: string, key: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(value)) {
    throw new Error(
      `haven.vault.${key} "${value}" may contain only lower-case letters, digits and '-'`,
    );
  }
  return value;
}

function readAuth(config: Config): VaultAuthOptions {
  const method = config.getString('method');
  switch (method) {
    case 'token':
      return { method, token: config.getString('token') };
    case 'approle':
      return {
        method,
        mount: config.getOptionalString('mount'),
        roleId: config.getString('roleId'),
        secretId: config.getString('secretId'),
      };
    case 'kubernetes': {
      const jwtPath = config.getOptionalString('jwtPath') ?? DEFAULT_JWT_PATH;
      return {
        method,
        mount: config.getOptionalString('mount'),
        role: config.getString('role'),
        jwt: async () => (await fs.readFile(jwtPath, 'utf8')).trim(),
      };
    }
    default:
      throw new Error(
        `haven.vault.auth.method must be "token", "approle" or "kubernetes", got "${method}"`,
      );
  }
}

/**
 * Reads `haven.vault`, or returns undefined when it is absent. Throws at
 * start-up on a value that could not work, naming the key.
 * @public
 */
export function readHavenVaultConfig(
  root: Config,
): HavenVaultConfig | undefined {
  const config = root.getOptionalConfig('haven.vault');
  if (!config) return undefined;

  const address = config.getString('address').replace(/\/+$/, '');
  const namespace = config.getOptionalString('namespace');
  if (namespace)
    assertVaultPath(
      namespace.replace(/^\/+|\/+$/g, ''),
      'haven.vault.namespace',
    );

  const policyMode = config.getOptionalString('policyMode') ?? 'templated';
  if (policyMode !== 'templated' && policyMode !== 'per-app') {
    throw new Error(
      `haven.vault.policyMode must be "templated" or "per-app", got "${policyMode}"`,
    );
  }

  const environments: Record<string, HavenVaultEnvironment> = {};
  config.getConfigArray('environments').forEach((env, i) => {
    const name = assertDnsLabel(
      env.getString('name'),
      `haven.vault.environments[${i}].name`,
    );
    if (environments[name]) {
      throw new Error(`haven.vault.environments names "${name}" twice`);
    }
    const key = `haven.vault.environments[${i}] (${name})`;
    const pathPrefix = env.getOptionalString('pathPrefix');
    environments[name] = {
      kvMount: assertVaultPath(env.getString('kvMount'), `${key}.kvMount`).join(
        '/',
      ),
      kubernetesAuthMount: assertVaultPath(
        env.getString('kubernetesAuthMount'),
        `${key}.kubernetesAuthMount`,
      ).join('/'),
      pathPrefix: pathPrefix
        ? assertVaultPath(pathPrefix, `${key}.pathPrefix`).join('/')
        : undefined,
    };
  });
  if (Object.keys(environments).length === 0) {
    throw new Error(
      'haven.vault.environments must name at least one environment',
    );
  }

  const tokenTtl = config.getOptionalNumber('tokenTtl') ?? 3600;
  const tokenMaxTtl = config.getOptionalNumber('tokenMaxTtl') ?? 14400;
  if (tokenTtl <= 0 || tokenMaxTtl < tokenTtl) {
    throw new Error(
      'haven.vault.tokenTtl must be positive and at most haven.vault.tokenMaxTtl',
    );
  }

  return {
    address,
    namespace,
    uiUrl: (config.getOptionalString('uiUrl') ?? address).replace(/\/+$/, ''),
    auth: readAuth(config.getConfig('auth')),
    policyMode,
    templatedPolicy: assertVaultPathSegment(
      config.getOptionalString('templatedPolicy') ?? 'haven-apps',
      'haven.vault.templatedPolicy',
    ),
    policyPrefix: prefix(
      config.getOptionalString('policyPrefix') ?? 'haven-app-',
      'policyPrefix',
    ),
    rolePrefix: prefix(
      config.getOptionalString('rolePrefix') ?? 'haven-',
      'rolePrefix',
    ),
    audience: config.getOptionalString('audience') ?? 'vault',
    tokenTtl,
    tokenMaxTtl,
    environments,
  };
}
