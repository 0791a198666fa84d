import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  assertDnsLabel,
  assertVaultPathSegment,
} from '@haven-plus/plugin-haven-common';
import {
  syncedSecretName,
  vaultAppNames,
  VaultCasMismatchError,
  type HavenGitopsConfig,
  type HavenVaultConfig,
  type KvMetadata,
} from '@haven-plus/plugin-haven-node';
import { resolveClusterTarget } from '../gitops/inputs';
import {
  GENERATED_KINDS,
  generateSecret,
  type GeneratedKind,
} from './generate';
import { examples } from './vaultRotate.examples';
import {
  lazyVaultClient,
  vaultUiUrl,
  type VaultClientFactory,
} from './vaultAction';

/** What the rotation did (a checkpoint's result: numbers only, never a value). */
type Rotation = {
  previousVersion: number;
  version: number;
};

/** Why the current version of `meta` cannot be rotated from, if it cannot. */
function unusableCurrent(meta: KvMetadata): string | undefined {
  const current = meta.versions[String(meta.currentVersion)];
  if (!current) return undefined;
  if (current.destroyed) return 'destroyed';
  if (current.deletionTime !== '') return 'deleted';
  return undefined;
}

/**
 * `haven:vault:rotate`: writes a new generated version of one secret that
 * haven:vault:provision (or haven:gitops:add-secret's template) seeded, at
 * the same KV path, as `{ value }` like provision writes it. Reads metadata
 * only, never a value; writes with `cas` set to the version it read, so two
 * rotations at once give one new version and one clear ConflictError.
 *
 * Re-runs: the version it rotates from is a checkpoint of the task, and so
 * is the write (keyed on the path and that version). A retried or recovered
 * run of the same task writes nothing again; a new task writes one new
 * version.
 * @public
 */
export function createVaultRotateAction(options: {
  config: HavenVaultConfig | undefined;
  gitops?: HavenGitopsConfig | undefined;
  clientFactory?: VaultClientFactory;
}) {
  const { config } = options;
  const getClient = lazyVaultClient(options.clientFactory);

  return createTemplateAction({
    id: 'haven:vault:rotate',
    description:
      'Rotates one generated secret of an app in Vault: writes a new generated version at the path haven:vault:provision made (check-and-set on the version it read, so concurrent rotations cannot both apply). Never reads or shows a value; dry-run returns the plan.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        component: z =>
          z.string().describe('The app (component) name: a DNS-1123 label'),
        environment: z =>
          z
            .string()
            .optional()
            .describe(
              'Environment name from haven.vault.environments (or give cluster instead)',
            ),
        cluster: z =>
          z
            .string()
            .optional()
            .describe(
              'Cluster name from haven.gitops.clusters, whose Vault environment is used (or give environment instead)',
            ),
        namespace: z =>
          z
            .string()
            .optional()
            .describe(
              'Kubernetes namespace of the app: a DNS-1123 label (default: the component name)',
            ),
        secret: z =>
          z
            .string()
            .describe(
              'Secret name, a path segment under the app path (e.g. "webui-secret-key")',
            ),
        generate: z =>
          z
            .object({
              kind: z
                .enum(GENERATED_KINDS)
                .default('alphanumeric')
                .describe('Alphabet of the generated value'),
              length: z
                .number()
                .int()
                .min(16)
                .max(256)
                .default(48)
                .describe('Number of characters'),
            })
            .default({ kind: 'alphanumeric', length: 48 })
            .describe(
              'How the new value is generated, with a CSPRNG (default: 48 letters and digits)',
            ),
      },
      output: {
        kvMount: z => z.string().describe('KV v2 mount'),
        kvPath: z => z.string().describe('The app path inside the mount'),
        secret: z => z.string().describe('The secret rotated'),
        environment: z =>
          z.string().describe('The haven.vault environment used'),
        namespace: z => z.string().describe('Kubernetes namespace of the app'),
        externalSecret: z =>
          z
            .string()
            .describe(
              "The app's ExternalSecret (as haven:gitops:render names it), for haven:delivery:sync",
            ),
        previousVersion: z => z.number().describe('The version rotated from'),
        version: z =>
          z
            .number()
            .describe(
              'The new version (in a dry run: the one a real run would write)',
            ),
        vaultUrl: z => z.string().describe('Vault UI link to the app path'),
      },
    },
    async handler(ctx) {
      if (!config) {
        throw new InputError(
          'haven.vault is not configured: add it to app-config (README.md, "Vault") before using haven:vault:rotate',
        );
      }

      // 1. Validate everything before any request.
      const component = assertDnsLabel(ctx.input.component, 'component');
      const namespace = assertDnsLabel(
        ctx.input.namespace || component,
        'namespace',
      );
      const secret = assertVaultPathSegment(ctx.input.secret, 'secret name');
      if (Boolean(ctx.input.environment) === Boolean(ctx.input.cluster)) {
        throw new InputError(
          'haven:vault:rotate needs exactly one of "environment" (haven.vault.environments) or "cluster" (haven.gitops.clusters)',
        );
      }
      const environment =
        ctx.input.environment ??
        resolveClusterTarget(
          'haven:vault:rotate',
          { gitops: options.gitops, vault: config },
          ctx.input.cluster!,
        ).cluster.environment;
      const kind = (ctx.input.generate?.kind ??
        'alphanumeric') as GeneratedKind;
      const length = ctx.input.generate?.length ?? 48;
      const names = vaultAppNames(config, {
        environment,
        namespace,
        component,
      });
      const { kvMount, appPath } = names;
      const path = `${appPath}/${secret}`;
      const where = `${kvMount}/${path}`;

      // 2. Read the metadata (never the value) and refuse what cannot rotate.
      const vault = getClient(config);
      const meta = await vault.readKvMetadata(kvMount, path);
      if (!meta || meta.currentVersion === 0) {
        throw new InputError(
          `Vault has no secret ${where}: there is nothing to rotate. Check the component, namespace and secret name (the entity's haven.plus/vault-secret-names lists its secrets), or create the secret with "Add a secret to a Haven+ service" (haven:vault:provision).`,
        );
      }
      const unusable = unusableCurrent(meta);
      if (unusable) {
        throw new InputError(
          `The current version (${
            meta.currentVersion
          }) of ${where} is ${unusable}, so the app has no value to rotate from. ${
            unusable === 'deleted'
              ? 'Undelete it in Vault (vault kv undelete) if it was deleted by mistake, then run this again; or'
              : 'Either'
          } ask a Vault administrator to decide what the secret should hold.`,
        );
      }

      // The version this task rotates from: a checkpoint, so a retried or
      // recovered run of the same task rotates from the same version (and
      // finds its own write below done) instead of rotating once more.
      const from = ctx.isDryRun
        ? meta.currentVersion
        : await ctx.checkpoint({
            key: `haven-vault-rotate-from-${where}`,
            fn: async () => meta.currentVersion,
          });
      ctx.logger.info(
        `Vault rotation of ${where}: version ${from} -> ${
          from + 1
        }, a new ${kind} value of ${length} characters (cas ${from})${
          ctx.isDryRun ? '; dry run: nothing is written' : ''
        }`,
      );

      // 3. Write once, with check-and-set on the version read.
      let rotation: Rotation = { previousVersion: from, version: from + 1 };
      if (!ctx.isDryRun) {
        rotation = await ctx.checkpoint({
          key: `haven-vault-rotate-${where}-from-v${from}`,
          fn: async (): Promise<Rotation> => {
            try {
              const version = await vault.writeKv(
                kvMount,
                path,
                { value: generateSecret(kind, length) },
                { cas: from },
              );
              return { previousVersion: from, version };
            } catch (error) {
              if (error instanceof VaultCasMismatchError) {
                const now = await vault.readKvMetadata(kvMount, path);
                throw new ConflictError(
                  `${where} is no longer at version ${from} (now ${
                    now?.currentVersion ?? 'gone'
                  }): another rotation or write got there first, and this one was not applied. Look at the entity page; run the template again only if you still want a new version.`,
                );
              }
              if (error instanceof NotAllowedError) {
                throw new NotAllowedError(
                  `Vault refused to write a new version of ${where}: rotating needs the "update" capability on ${kvMount}/data/${
                    names.pathPrefix ? `${names.pathPrefix}/` : ''
                  }* in Backstage's Vault policy (README.md, "Vault policy for day two"), beside "create".`,
                  error,
                );
              }
              throw error;
            }
          },
        });
        ctx.logger.info(
          `  secret ${where}: rotated, version ${rotation.previousVersion} -> ${rotation.version}`,
        );
      }

      ctx.output('kvMount', kvMount);
      ctx.output('kvPath', appPath);
      ctx.output('secret', secret);
      ctx.output('environment', environment);
      ctx.output('namespace', namespace);
      ctx.output('externalSecret', syncedSecretName(component));
      ctx.output('previousVersion', rotation.previousVersion);
      ctx.output('version', rotation.version);
      ctx.output('vaultUrl', vaultUiUrl(config, kvMount, appPath));
    },
  });
}
