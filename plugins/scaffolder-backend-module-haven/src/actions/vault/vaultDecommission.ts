import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { assertDnsLabel } from '@haven-plus/plugin-haven-common';
import {
  vaultAppNames,
  VaultClient,
  type HavenVaultConfig,
  type VaultAppNames,
} from '@haven-plus/plugin-haven-node';
import { examples } from './vaultDecommission.examples';
import {
  lazyVaultClient,
  vaultUiUrl,
  type VaultClientFactory,
} from './vaultAction';

/** Keys listed under one app path at most: a guard against a runaway tree. */
const MAX_KEYS = 1000;

/** What decommissioning does (or did) to one Vault object. Names only. */
export interface DecommissionItem {
  kind: 'role' | 'policy' | 'secret';
  /** Role or policy name, or the KV path (a key, or the app path when nothing is listed). */
  name: string;
  action: 'delete' | 'gone' | 'kept';
  detail: string;
}

/**
 * Every KV key under `path` (its folders walked), relative to the mount;
 * empty when Vault lists nothing there (LIST answers 404, contracts.md 1.5).
 */
async function kvKeysUnder(
  vault: VaultClient,
  mount: string,
  path: string,
): Promise<string[]> {
  const keys: string[] = [];
  const folders = [path];
  while (folders.length > 0) {
    const folder = folders.shift()!;
    for (const name of (await vault.listKvKeys(mount, folder)) ?? []) {
      if (name.endsWith('/')) folders.push(`${folder}/${name.slice(0, -1)}`);
      else keys.push(`${folder}/${name}`);
      if (keys.length + folders.length > MAX_KEYS) {
        throw new ConflictError(
          `${mount}/${path} holds more than ${MAX_KEYS} keys: too many to delete from a template. Delete them in Vault (vault kv metadata delete), then run the task again.`,
        );
      }
    }
  }
  return keys.sort();
}

/** Reads what exists (reads only) and says what a decommission deletes and keeps. */
async function planDecommission(
  vault: VaultClient,
  config: HavenVaultConfig,
  names: VaultAppNames,
  opts: { namespace: string; deleteSecrets: boolean },
): Promise<DecommissionItem[]> {
  const auth = await vault.listAuthMounts();
  if (!auth.some(m => m.path === names.kubernetesAuthMount)) {
    throw new NotFoundError(
      `Vault has no auth method at "auth/${names.kubernetesAuthMount}/": check haven.vault.environments (nothing was deleted)`,
    );
  }
  const items: DecommissionItem[] = [];

  const role = await vault.readKubernetesRole(
    names.kubernetesAuthMount,
    names.roleName,
  );
  if (role && !role.boundServiceAccountNamespaces.includes(opts.namespace)) {
    // Provision never rebinds such a role; decommission never deletes it.
    throw new ConflictError(
      `Vault role ${
        names.roleName
      } is bound to namespace ${role.boundServiceAccountNamespaces.join(
        ',',
      )}, not ${
        opts.namespace
      }: it serves something else and is left alone (nothing was deleted). Check who uses it.`,
    );
  }
  items.push(
    role
      ? {
          kind: 'role',
          name: names.roleName,
          action: 'delete',
          detail: `binds ${role.boundServiceAccountNamespaces.join(
            ',',
          )}/${role.boundServiceAccountNames.join(',')}`,
        }
      : {
          kind: 'role',
          name: names.roleName,
          action: 'gone',
          detail: 'already gone',
        },
  );

  if (config.policyMode === 'per-app') {
    const policy = await vault.readPolicy(names.policyName);
    items.push({
      kind: 'policy',
      name: names.policyName,
      action: policy === undefined ? 'gone' : 'delete',
      detail: policy === undefined ? 'already gone' : 'the per-app policy',
    });
  } else {
    items.push({
      kind: 'policy',
      name: names.policyName,
      action: 'kept',
      detail:
        'not per-app mode: the shared templated policy serves every app and is never deleted',
    });
  }

  const appPath = `${names.kvMount}/${names.appPath}`;
  if (!opts.deleteSecrets) {
    items.push({
      kind: 'secret',
      name: names.appPath,
      action: 'kept',
      detail: `kept (not ticked): ${appPath} stays as it is`,
    });
    return items;
  }
  const mounts = await vault.listMounts();
  if (!mounts.some(m => m.path === names.kvMount)) {
    throw new NotFoundError(
      `Vault has no secrets engine at "${names.kvMount}/": check haven.vault.environments (nothing was deleted)`,
    );
  }
  const keys = await kvKeysUnder(vault, names.kvMount, names.appPath);
  if (keys.length === 0) {
    items.push({
      kind: 'secret',
      name: names.appPath,
      action: 'gone',
      detail: `already gone: nothing under ${appPath}`,
    });
  }
  for (const key of keys) {
    items.push({
      kind: 'secret',
      name: key,
      action: 'delete',
      detail: 'every version and its metadata',
    });
  }
  return items;
}

/**
 * `haven:vault:decommission`: takes an app out of Vault, the counterpart of
 * haven:vault:provision: its Kubernetes-auth role, its per-app policy (the
 * shared templated policy never) and, only when asked with the path typed
 * to confirm, every key under its KV path with all versions and metadata.
 * Reads first and deletes only what is there, so a re-run deletes nothing.
 * @public
 */
export function createVaultDecommissionAction(options: {
  config: HavenVaultConfig | undefined;
  clientFactory?: VaultClientFactory;
}) {
  const { config } = options;
  const getClient = lazyVaultClient(options.clientFactory);

  return createTemplateAction({
    id: 'haven:vault:decommission',
    description:
      'Takes an app out of Vault: deletes its Kubernetes-auth role and its per-app policy (never the shared templated one) and, only with deleteSecrets and the KV path typed in confirmPath, every key under its KV path with all versions. Reads first and deletes only what is there; planOnly and dry-run log the plan and delete nothing.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        component: z =>
          z.string().describe('The app (component) name: a DNS-1123 label'),
        environment: z =>
          z
            .string()
            .describe(
              'Environment name from haven.vault.environments (picks the KV mount and Kubernetes auth mount)',
            ),
        namespace: z =>
          z
            .string()
            .describe('Kubernetes namespace of the app: a DNS-1123 label'),
        deleteSecrets: z =>
          z
            .boolean()
            .default(false)
            .describe(
              "Also delete every secret under the app's KV path, all versions, for good (default false: the path is kept)",
            ),
        confirmPath: z =>
          z
            .string()
            .optional()
            .describe(
              'With deleteSecrets: the KV path typed to confirm, exactly <kvMount>/<kvPath> (e.g. kv-apps/apps/shop/orders)',
            ),
        planOnly: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Only read and log the plan, delete nothing (e.g. before the pull request is merged)',
            ),
      },
      output: {
        deleted: z =>
          z
            .array(z.string())
            .describe(
              'What this run deleted: "role <name>", "policy <name>", "secret <path>" (names only)',
            ),
        planned: z =>
          z
            .array(z.string())
            .describe(
              'What the plan deletes, as "role <name>", "policy <name>", "secret <path>": in a plan-only or dry run what a real run would delete',
            ),
        kept: z =>
          z
            .array(z.string())
            .describe('What is kept on purpose, and why (names only)'),
        vaultUrl: z => z.string().describe('Vault UI link to the app path'),
        plan: z =>
          z
            .array(
              z.object({
                kind: z.enum(['role', 'policy', 'secret']),
                name: z.string(),
                action: z.enum(['delete', 'gone', 'kept']),
                detail: z.string(),
              }),
            )
            .describe('What was (or would be) done per object'),
      },
    },
    async handler(ctx) {
      if (!config) {
        throw new InputError(
          'haven.vault is not configured: add it to app-config (README.md, "Vault") before using haven:vault:decommission',
        );
      }

      // 1. Validate everything before any request.
      const component = assertDnsLabel(ctx.input.component, 'component');
      const namespace = assertDnsLabel(ctx.input.namespace, 'namespace');
      const names = vaultAppNames(config, {
        environment: ctx.input.environment,
        namespace,
        component,
      });
      const deleteSecrets = ctx.input.deleteSecrets ?? false;
      const appPath = `${names.kvMount}/${names.appPath}`;
      if (deleteSecrets && ctx.input.confirmPath !== appPath) {
        throw new InputError(
          `deleteSecrets needs the KV path typed to confirm: confirmPath must be exactly "${appPath}"${
            ctx.input.confirmPath
              ? `, not ${JSON.stringify(ctx.input.confirmPath.slice(0, 200))}`
              : ''
          }. Nothing was deleted.`,
        );
      }
      const planOnly = ctx.isDryRun || (ctx.input.planOnly ?? false);

      // 2. Read and plan.
      const vault = getClient(config);
      const plan = await planDecommission(vault, config, names, {
        namespace,
        deleteSecrets,
      });
      const deletes = plan.filter(i => i.action === 'delete');
      ctx.logger.info(
        `Vault decommission plan for ${namespace}/${component} (${
          config.policyMode
        } policy mode, ${deletes.length} delete(s)${
          planOnly
            ? `, ${ctx.isDryRun ? 'dry run' : 'plan only'}: nothing is deleted`
            : ''
        }):`,
      );
      for (const item of plan) {
        ctx.logger.info(
          `  ${item.kind} ${item.name}: ${
            item.action === 'gone' ? 'already gone' : item.action
          } (${item.detail})`,
        );
      }

      // 3. Delete, each in a checkpoint: role first, so no new login gets in.
      const deleted: string[] = [];
      if (!planOnly) {
        for (const item of deletes) {
          const what = `${item.kind} ${item.name}`;
          await ctx.checkpoint({
            key: `haven-vault-decommission-${item.kind}-${item.name}`,
            fn: async () => {
              try {
                if (item.kind === 'role') {
                  await vault.deleteKubernetesRole(
                    names.kubernetesAuthMount,
                    item.name,
                  );
                } else if (item.kind === 'policy') {
                  await vault.deletePolicy(item.name);
                } else {
                  await vault.deleteKvMetadata(names.kvMount, item.name);
                }
              } catch (error) {
                if (error instanceof NotAllowedError) {
                  throw new NotAllowedError(
                    `Vault refused to delete ${what}: Backstage's Vault token needs the "delete" capability on it (README.md, "Vault policy for day two"). ${
                      deleted.length > 0
                        ? `Already deleted: ${deleted.join(', ')}. `
                        : ''
                    }Run the task again once it may.`,
                    error,
                  );
                }
                throw error;
              }
            },
          });
          ctx.logger.info(`  ${what}: deleted`);
          deleted.push(what);
        }
      }

      ctx.output('deleted', deleted);
      ctx.output(
        'planned',
        deletes.map(i => `${i.kind} ${i.name}`),
      );
      ctx.output(
        'kept',
        plan
          .filter(i => i.action === 'kept')
          .map(i => `${i.kind} ${i.name}: ${i.detail}`),
      );
      ctx.output('vaultUrl', vaultUiUrl(config, names.kvMount, names.appPath));
      ctx.output('plan', plan);
    },
  });
}
