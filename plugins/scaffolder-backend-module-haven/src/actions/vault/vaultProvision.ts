import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  assertDnsLabel,
  assertVaultPathSegment,
} from '@haven-plus/plugin-haven-common';
import {
  VaultCasMismatchError,
  type HavenVaultConfig,
} from '@haven-plus/plugin-haven-node';
import { examples } from './vaultProvision.examples';
import {
  lazyVaultClient,
  vaultUiUrl,
  type VaultClientFactory,
} from './vaultAction';

export type { VaultClientFactory } from './vaultAction';
import {
  GENERATED_KINDS,
  generateSecret,
  type GeneratedKind,
} from './generate';
import {
  computePlan,
  desiredState,
  samePolicy,
  sameRole,
  serialisePolicy,
  type PlanItem,
} from './plan';
import { parseJsonPolicy } from './policy';

/**
 * `haven:vault:provision`: gives an app its Vault KV path, Kubernetes-auth
 * role and (in per-app mode) read policy, and seeds its missing secrets. Reads
 * first, writes only the difference, never overwrites a secret, and never
 * puts a value in a log, output or error.
 * @public
 */
export function createVaultProvisionAction(options: {
  config: HavenVaultConfig | undefined;
  clientFactory?: VaultClientFactory;
}) {
  const { config } = options;
  const getClient = lazyVaultClient(options.clientFactory);

  return createTemplateAction({
    id: 'haven:vault:provision',
    description:
      'Provisions an app in Vault: its KV v2 path, a Kubernetes-auth role bound to its service account, a read policy (per-app mode) and its secrets, seeded once and never overwritten. Writes only what differs from what exists; dry-run returns the plan.',
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
        serviceAccount: z =>
          z
            .string()
            .optional()
            .describe(
              'Service account the app runs as (default: the component name)',
            ),
        secrets: z =>
          z
            .array(
              z.object({
                name: z
                  .string()
                  .describe(
                    'Secret name, a path segment under the app path (e.g. "webui-secret-key")',
                  ),
                generate: z
                  .object({
                    kind: z
                      .enum(GENERATED_KINDS)
                      .describe('Alphabet of the generated value'),
                    length: z
                      .number()
                      .int()
                      .min(16)
                      .max(256)
                      .describe('Number of characters'),
                  })
                  .optional()
                  .describe('Generate the value with a CSPRNG'),
                secretKey: z
                  .string()
                  .optional()
                  .describe(
                    'Take the value from the template secret of this name (a ui:field Secret)',
                  ),
                key: z
                  .string()
                  .optional()
                  .describe(
                    'Environment variable the app reads it as (used by haven:gitops:render, so one list serves both actions; ignored here)',
                  ),
              }),
            )
            .default([])
            .describe(
              'Secrets the app needs; each is stored as { value } at <app path>/<name>, seeded only if missing',
            ),
      },
      output: {
        policyName: z => z.string().describe('The policy the role grants'),
        roleName: z => z.string().describe('Kubernetes-auth role name'),
        kubernetesAuthMount: z =>
          z.string().describe('Kubernetes auth mount of the role'),
        kvMount: z => z.string().describe('KV v2 mount'),
        kvPath: z => z.string().describe('The app path inside the mount'),
        vaultUrl: z => z.string().describe('Vault UI link to the app path'),
        plan: z =>
          z
            .array(
              z.object({
                kind: z.enum(['policy', 'role', 'secret']),
                name: z.string(),
                action: z.enum(['create', 'update', 'unchanged', 'exists']),
                detail: z.string(),
              }),
            )
            .describe('What was (or in a dry run, would be) done per object'),
      },
    },
    async handler(ctx) {
      if (!config) {
        throw new InputError(
          'haven.vault is not configured: add it to app-config (README.md, "Vault") before using haven:vault:provision',
        );
      }

      // 1. Validate everything before any request.
      const component = assertDnsLabel(ctx.input.component, 'component');
      const namespace = assertDnsLabel(ctx.input.namespace, 'namespace');
      const serviceAccount = assertDnsLabel(
        ctx.input.serviceAccount ?? component,
        'serviceAccount',
      );
      const environment = ctx.input.environment;
      const seen = new Set<string>();
      const secrets = (ctx.input.secrets ?? []).map(s => {
        assertVaultPathSegment(s.name, 'secret name');
        if (seen.has(s.name))
          throw new InputError(`Secret "${s.name}" is listed twice`);
        seen.add(s.name);
        if (Boolean(s.generate) === Boolean(s.secretKey)) {
          throw new InputError(
            `Secret "${s.name}" needs exactly one of "generate" or "secretKey"`,
          );
        }
        if (s.secretKey === 'backstageToken') {
          throw new InputError(
            `Secret "${s.name}" may not take the user's Backstage token as its value`,
          );
        }
        // The scaffolder hands a dry run no secrets; nothing is written then,
        // so a supplied value is only required for a real run.
        if (s.secretKey && !ctx.isDryRun) {
          const supplied = ctx.secrets?.[s.secretKey];
          if (typeof supplied !== 'string' || supplied.length === 0) {
            throw new InputError(
              `Secret "${s.name}" takes its value from the template secret "${s.secretKey}", which was not given: add a ui:field Secret named "${s.secretKey}" to the form`,
            );
          }
        }
        return s;
      });
      const desired = desiredState(config, {
        environment,
        component,
        namespace,
        serviceAccount,
        secretNames: secrets.map(s => s.name),
      });

      // 2. Read, compare, plan.
      const vault = getClient(config);
      const plan = await computePlan(vault, desired);
      ctx.logger.info(
        `Vault plan for ${namespace}/${component} (${
          config.policyMode
        } policy mode, ${plan.writes} write(s)${
          ctx.isDryRun ? ', dry run: nothing is written' : ''
        }):`,
      );
      for (const item of plan.items) {
        ctx.logger.info(
          `  ${item.kind} ${item.name}: ${item.action} (${item.detail})`,
        );
      }

      // 3. Write only the difference, each write a checkpoint.
      const done: PlanItem[] = [];
      if (!ctx.isDryRun) {
        for (const item of plan.items) {
          if (item.action === 'unchanged' || item.action === 'exists') {
            done.push(item);
            continue;
          }
          if (item.kind === 'policy' && desired.policy) {
            const policy = desired.policy;
            await ctx.checkpoint({
              key: `haven-vault-policy-${policy.name}`,
              fn: async () => {
                await vault.writePolicy(
                  policy.name,
                  serialisePolicy(policy.document),
                );
                const back = await vault.readPolicy(policy.name);
                const parsed =
                  back === undefined ? undefined : parseJsonPolicy(back);
                if (!parsed || !samePolicy(parsed, policy.document)) {
                  throw new ConflictError(
                    `Vault policy ${policy.name} reads back different from what was written; another writer may be changing it. Check it in Vault, then run the task again.`,
                  );
                }
              },
            });
          } else if (item.kind === 'role') {
            await ctx.checkpoint({
              key: `haven-vault-role-${desired.role.name}`,
              fn: async () => {
                await vault.writeKubernetesRole(
                  desired.kubernetesAuthMount,
                  desired.role.name,
                  desired.role.spec,
                );
                const back = await vault.readKubernetesRole(
                  desired.kubernetesAuthMount,
                  desired.role.name,
                );
                if (!back || !sameRole(back, desired.role.spec)) {
                  throw new ConflictError(
                    `Vault role ${desired.role.name} reads back different from what was written. Check it in Vault, then run the task again.`,
                  );
                }
              },
            });
          } else if (item.kind === 'secret') {
            const spec = secrets.find(
              s => `${desired.appPath}/${s.name}` === item.name,
            )!;
            const outcome = await ctx.checkpoint({
              key: `haven-vault-secret-${item.name}`,
              fn: async (): Promise<string> => {
                const value = spec.generate
                  ? generateSecret(
                      spec.generate.kind as GeneratedKind,
                      spec.generate.length,
                    )
                  : (ctx.secrets![spec.secretKey!] as string);
                try {
                  const version = await vault.writeKv(
                    desired.kvMount,
                    item.name,
                    { value },
                    { cas: 0 },
                  );
                  return `created, version ${version}`;
                } catch (error) {
                  if (error instanceof VaultCasMismatchError) {
                    return 'created by someone else meanwhile, left alone';
                  }
                  // With create-only rights Vault refuses a write to an
                  // existing key with 403 before it checks CAS: look again.
                  if (
                    error instanceof NotAllowedError &&
                    (await vault.readKvMetadata(desired.kvMount, item.name))
                  ) {
                    return 'created by someone else meanwhile, left alone';
                  }
                  throw error;
                }
              },
            });
            ctx.logger.info(`  secret ${item.name}: ${outcome}`);
            done.push({ ...item, detail: outcome });
            continue;
          }
          ctx.logger.info(`  ${item.kind} ${item.name}: ${item.action}d`);
          done.push(item);
        }
      }

      ctx.output('policyName', desired.policyName);
      ctx.output('roleName', desired.role.name);
      ctx.output('kubernetesAuthMount', desired.kubernetesAuthMount);
      ctx.output('kvMount', desired.kvMount);
      ctx.output('kvPath', desired.appPath);
      ctx.output(
        'vaultUrl',
        vaultUiUrl(config, desired.kvMount, desired.appPath),
      );
      ctx.output('plan', ctx.isDryRun ? plan.items : done);
    },
  });
}
