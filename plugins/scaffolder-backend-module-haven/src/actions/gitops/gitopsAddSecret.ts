import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  assertDnsLabel,
  assertValid,
  assertVaultPathSegment,
  envVarNameProblems,
} from '@haven-plus/plugin-haven-common';
import {
  addSecretToExternalSecret,
  addSecretToHelmRelease,
  appFolder,
  syncedSecretName,
  vaultAppNames,
} from '@haven-plus/plugin-haven-node';
import {
  outputFleetPullRequest,
  pullRequestBranch,
} from '../shared/pullRequest';
import { readFleetFile } from '../shared/fleetFile';
import { targetPathOf, writeWorkspaceFiles } from '../shared/workspace';
import { examples } from './gitopsAddSecret.examples';
import {
  defaultSecretKey,
  envValuesPathOf,
  FLEET_APP_CHANGE_OUTPUT,
  FLEET_APP_INPUT,
  resolveClusterTarget,
  type ClusterActionConfigs,
} from './inputs';

/**
 * `haven:gitops:add-secret`: adds one Vault secret to an app that is already
 * in the fleet repository: its ExternalSecret gains the key and its
 * HelmRelease the environment variable. Reads both files from the fleet
 * branch, edits them with the `yaml` Document API (comments and order kept)
 * and writes them into the workspace for a pull request.
 * @public
 */
export function createGitopsAddSecretAction(
  options: ClusterActionConfigs & { reader: UrlReaderService },
) {
  const { reader } = options;
  return createTemplateAction({
    id: 'haven:gitops:add-secret',
    description:
      'Adds a Vault secret to an app already in the fleet repository: a key in its ExternalSecret and an environment variable in its HelmRelease, edited in place (comments and order kept) and written to the workspace for a pull request. Does nothing when the secret is already wired.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...FLEET_APP_INPUT,
        namespace: z =>
          z
            .string()
            .optional()
            .describe('Kubernetes namespace (default: the component name)'),
        secret: z =>
          z
            .object({
              name: z
                .string()
                .describe('Secret name under the app path in Vault'),
              key: z
                .string()
                .optional()
                .describe(
                  'Environment variable (default: the name in upper case, "-" as "_")',
                ),
            })
            .describe('The secret to wire into the app'),
        envValuesPath: z =>
          z
            .string()
            .default('extraEnvVars')
            .describe(
              "Chart value holding the app's environment variables (empty: extraEnvVars)",
            ),
      },
      output: {
        changed: z =>
          z.boolean().describe('False when the secret was already wired'),
        ...FLEET_APP_CHANGE_OUTPUT,
      },
    },
    async handler(ctx) {
      const {
        gitops: gitopsConfig,
        vault: vaultConfig,
        cluster,
      } = resolveClusterTarget(
        'haven:gitops:add-secret',
        options,
        ctx.input.cluster,
      );
      const app = assertDnsLabel(ctx.input.component, 'component');
      const namespace = assertDnsLabel(ctx.input.namespace ?? app, 'namespace');
      const name = assertVaultPathSegment(ctx.input.secret.name, 'secret name');
      const key = assertValid(
        ctx.input.secret.key || defaultSecretKey(name),
        `key of secret "${name}"`,
        envVarNameProblems,
      );
      const envValuesPath = envValuesPathOf(
        ctx.input.envValuesPath || 'extraEnvVars',
        'envValuesPath',
      );
      const targetPath = targetPathOf(ctx.input.targetPath);
      const names = vaultAppNames(vaultConfig, {
        environment: cluster.environment,
        namespace,
        component: app,
      });

      const folder = appFolder(cluster, app);
      const read = async (file: string) => {
        const fleet = gitopsConfig.fleetRepo;
        const text = await readFleetFile(reader, fleet, `${folder}/${file}`);
        if (text === undefined) {
          throw new NotFoundError(
            `${folder}/${file} is not on ${fleet.branch} of the fleet repository: is ${app} delivered to ${cluster.name} (its pull request merged)? Create it with "Create a Haven+ service" first`,
          );
        }
        return text;
      };
      const [externalSecret, release] = await Promise.all([
        read('externalsecret.yaml'),
        read('helmrelease.yaml'),
      ]);
      const edits = [
        {
          path: `${folder}/externalsecret.yaml`,
          ...addSecretToExternalSecret(externalSecret, {
            secretKey: key,
            remoteKey: `${names.appPath}/${name}`,
            fileName: `${folder}/externalsecret.yaml`,
          }),
        },
        {
          path: `${folder}/helmrelease.yaml`,
          ...addSecretToHelmRelease(release, {
            envValuesPath,
            name: key,
            secretName: syncedSecretName(app),
            fileName: `${folder}/helmrelease.yaml`,
          }),
        },
      ];

      await writeWorkspaceFiles(ctx.workspacePath, targetPath, edits, edit =>
        ctx.logger.info(
          `${edit.path}: ${
            edit.changed ? `adds ${key}` : `${key} already there`
          }`,
        ),
      );
      const changed = edits.some(e => e.changed);
      ctx.output('changed', changed);
      ctx.output('environment', cluster.environment);
      ctx.output('namespace', namespace);
      ctx.output(
        'files',
        edits.map(e => e.path),
      );
      outputFleetPullRequest(
        ctx,
        gitopsConfig.fleetRepo,
        pullRequestBranch(cluster.name, app, `secret-${name}`),
      );
    },
  });
}
