import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  vaultAppNames,
  type HavenVaultConfig,
  type KubernetesAuthRole,
  type VaultClient,
} from '@haven-plus/plugin-haven-node';
import {
  appReadPolicy,
  parseJsonPolicy,
  samePolicy,
  serialisePolicy,
  type VaultPolicyDocument,
} from './policy';

/** What the action will do (or did) to one Vault object. No values, ever. */
export interface PlanItem {
  kind: 'policy' | 'role' | 'secret';
  /** Policy or role name, or the secret's KV path. */
  name: string;
  action: 'create' | 'update' | 'unchanged' | 'exists';
  detail: string;
}

/** Everything the action wants to be true in Vault, derived from validated input. */
export interface DesiredState {
  kvMount: string;
  kubernetesAuthMount: string;
  pathPrefix?: string;
  appPath: string;
  /** Per-app mode only. */
  policy?: { name: string; document: VaultPolicyDocument };
  /** The policy the role binds (per-app or the shared templated one). */
  policyName: string;
  role: { name: string; spec: KubernetesAuthRole };
  secretPaths: string[];
}

export interface Plan {
  items: PlanItem[];
  /** Writes a real run performs: create and update items. */
  writes: number;
}

const sameRole = (a: KubernetesAuthRole, b: KubernetesAuthRole) => {
  const set = (x: string[]) => JSON.stringify([...x].sort());
  return (
    set(a.boundServiceAccountNames) === set(b.boundServiceAccountNames) &&
    set(a.boundServiceAccountNamespaces) ===
      set(b.boundServiceAccountNamespaces) &&
    set(a.tokenPolicies) === set(b.tokenPolicies) &&
    (a.audience ?? '') === (b.audience ?? '') &&
    a.tokenTtl === b.tokenTtl &&
    a.tokenMaxTtl === b.tokenMaxTtl
  );
};

export { samePolicy, sameRole, serialisePolicy };

/** Builds the desired state from validated names and the environment's config. */
export function desiredState(
  config: HavenVaultConfig,
  input: {
    environment: string;
    component: string;
    namespace: string;
    serviceAccount: string;
    secretNames: string[];
  },
): DesiredState {
  const names = vaultAppNames(config, input);
  const { appPath, policyName } = names;
  const perApp = config.policyMode === 'per-app';
  return {
    kvMount: names.kvMount,
    kubernetesAuthMount: names.kubernetesAuthMount,
    pathPrefix: names.pathPrefix,
    appPath,
    policy: perApp
      ? { name: policyName, document: appReadPolicy(names.kvMount, appPath) }
      : undefined,
    policyName,
    role: {
      name: names.roleName,
      spec: {
        boundServiceAccountNames: [input.serviceAccount],
        boundServiceAccountNamespaces: [input.namespace],
        audience: config.audience,
        tokenPolicies: [policyName],
        tokenTtl: config.tokenTtl,
        tokenMaxTtl: config.tokenMaxTtl,
      },
    },
    secretPaths: input.secretNames.map(name => `${appPath}/${name}`),
  };
}

type Step = Pick<PlanItem, 'action' | 'detail'>;

function policyStep(current: string | undefined, desired: DesiredState): Step {
  const policy = desired.policy!;
  if (current === undefined) {
    return {
      action: 'create',
      detail: `read on ${desired.kvMount}/data/${desired.appPath}/*`,
    };
  }
  const parsed = parseJsonPolicy(current);
  if (parsed && samePolicy(parsed, policy.document)) {
    return {
      action: 'unchanged',
      detail: 'already grants exactly the app path',
    };
  }
  return {
    action: 'update',
    detail: 'differs from the app path rules; will be restored',
  };
}

function roleStep(
  current: KubernetesAuthRole | undefined,
  desired: DesiredState,
): Step {
  const spec = desired.role.spec;
  if (current === undefined) {
    return {
      action: 'create',
      detail: `binds ${spec.boundServiceAccountNamespaces[0]}/${spec.boundServiceAccountNames[0]} to ${desired.policyName}`,
    };
  }
  if (sameRole(current, spec)) {
    return { action: 'unchanged', detail: `binds to ${desired.policyName}` };
  }
  const same = (a: string[], b: string[]) =>
    JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  if (
    !same(current.boundServiceAccountNames, spec.boundServiceAccountNames) ||
    !same(
      current.boundServiceAccountNamespaces,
      spec.boundServiceAccountNamespaces,
    )
  ) {
    // Never rebind a role that serves another service account or namespace.
    throw new ConflictError(
      `Vault role ${
        desired.role.name
      } exists and is bound to ${current.boundServiceAccountNamespaces.join(
        ',',
      )}/${current.boundServiceAccountNames.join(',')}, not ${
        spec.boundServiceAccountNamespaces[0]
      }/${
        spec.boundServiceAccountNames[0]
      }. It is left alone: check who uses it, then delete it or choose another app name.`,
    );
  }
  return { action: 'update', detail: 'differs; will be restored' };
}

/** Reads what exists (reads only) and compares it with the desired state. */
export async function computePlan(
  client: VaultClient,
  desired: DesiredState,
): Promise<Plan> {
  const [mounts, authMounts] = await Promise.all([
    client.listMounts(),
    client.listAuthMounts(),
  ]);
  const kv = mounts.find(m => m.path === desired.kvMount);
  if (!kv || kv.type !== 'kv' || kv.version !== '2') {
    throw new NotFoundError(
      `Vault has no KV version 2 engine at "${desired.kvMount}/"${
        kv ? ` (found type ${kv.type}, version ${kv.version ?? '1'})` : ''
      }. A Vault administrator must enable it (vault secrets enable -path=${
        desired.kvMount
      } kv-v2), or fix haven.vault.environments.`,
    );
  }
  const k8s = authMounts.find(m => m.path === desired.kubernetesAuthMount);
  if (!k8s || k8s.type !== 'kubernetes') {
    throw new NotFoundError(
      `Vault has no Kubernetes auth method at "auth/${
        desired.kubernetesAuthMount
      }/"${
        k8s ? ` (found type ${k8s.type})` : ''
      }. A Vault administrator must enable and configure it for the cluster, or fix haven.vault.environments.`,
    );
  }

  const items: PlanItem[] = [];

  if (desired.policy) {
    const current = await client.readPolicy(desired.policy.name);
    items.push({
      kind: 'policy',
      name: desired.policy.name,
      ...policyStep(current, desired),
    });
  } else {
    const shared = await client.readPolicy(desired.policyName);
    if (shared === undefined) {
      throw new NotFoundError(
        `The shared templated policy "${desired.policyName}" does not exist in Vault. A Vault administrator creates it once (README.md, "Policy modes"); Backstage does not write policies in templated mode.`,
      );
    }
    // The shared policy must grant this environment's app paths through this
    // auth mount's identity, or every app bound to it would get 403s.
    const prefix = desired.pathPrefix ? `${desired.pathPrefix}/` : '';
    const expected = `${desired.kvMount}/data/${prefix}{{identity.entity.aliases.${k8s.accessor}.metadata.service_account_namespace}}/`;
    if (!shared.includes(expected)) {
      throw new ConflictError(
        `The shared templated policy "${desired.policyName}" does not grant read on "${expected}*": apps of this environment could not read their secrets. Fix the policy (README.md, "Policy modes") or haven.vault.environments.`,
      );
    }
  }

  const role = await client.readKubernetesRole(
    desired.kubernetesAuthMount,
    desired.role.name,
  );
  items.push({
    kind: 'role',
    name: desired.role.name,
    ...roleStep(role, desired),
  });

  for (const path of desired.secretPaths) {
    const meta = await client.readKvMetadata(desired.kvMount, path);
    if (!meta) {
      items.push({
        kind: 'secret',
        name: path,
        action: 'create',
        detail: 'seeded once (cas 0)',
      });
    } else {
      const latest = meta.versions[String(meta.currentVersion)];
      const deleted =
        latest && (latest.destroyed || latest.deletionTime !== '');
      items.push({
        kind: 'secret',
        name: path,
        action: 'exists',
        detail: `exists, version ${meta.currentVersion}${
          deleted ? ' (deleted)' : ''
        }, left alone`,
      });
    }
  }

  return {
    items,
    writes: items.filter(i => i.action === 'create' || i.action === 'update')
      .length,
  };
}
