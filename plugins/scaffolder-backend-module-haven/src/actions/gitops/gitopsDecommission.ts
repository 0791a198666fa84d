import fs from 'node:fs/promises';
import {
  resolveSafeChildPath,
  type UrlReaderService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { assertDnsLabel } from '@haven-plus/plugin-haven-common';
import {
  appFolder,
  fleetRepoUrl,
  unregisterEntry,
} from '@haven-plus/plugin-haven-node';
import { parse, parseAllDocuments } from 'yaml';
import {
  outputFleetPullRequest,
  pullRequestBranch,
} from '../shared/pullRequest';
import { readFleetFile } from '../shared/fleetFile';
import { targetPathOf, writeWorkspaceFiles } from '../shared/workspace';
import { examples } from './gitopsDecommission.examples';
import {
  FLEET_APP_CHANGE_OUTPUT,
  FLEET_APP_INPUT,
  resolveClusterTarget,
  type ClusterActionConfigs,
} from './inputs';

/** A resource entry of an app folder's kustomization.yaml that names a file in it. */
function fileInFolder(entry: unknown): string | undefined {
  if (typeof entry !== 'string') return undefined;
  const path = entry.replace(/^\.\//, '');
  const safe =
    /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(path) &&
    !path.split('/').some(s => s === '..' || s === '.');
  return safe ? path : undefined;
}

/** The name of the first Namespace a manifest file declares, if any. */
function namespaceDeclaredIn(text: string): string | undefined {
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) continue;
    const value = doc.toJS() as {
      kind?: unknown;
      metadata?: { name?: unknown };
    } | null;
    if (value?.kind === 'Namespace' && typeof value.metadata?.name === 'string')
      return value.metadata.name;
  }
  return undefined;
}

/**
 * `haven:gitops:decommission`: the change that takes an app off a cluster,
 * for a pull request: the cluster's apps kustomization.yaml without the
 * app's entry (only that line changes) written into the workspace, and the
 * app's fleet files, as Create wrote them, listed for deletion. Reads the
 * fleet branch; an app that is not there (any more) is nothing to do.
 * @public
 */
export function createGitopsDecommissionAction(
  options: ClusterActionConfigs & { reader: UrlReaderService },
) {
  const { reader } = options;
  return createTemplateAction({
    id: 'haven:gitops:decommission',
    description:
      "Takes an app off a cluster in the fleet repository: writes the cluster's apps kustomization.yaml without the app's entry (every other line byte for byte) into the workspace and lists the app's fleet files (its folder and its Flux Kustomization) as filesToDelete for the pull request. Does nothing when the app is already gone.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...FLEET_APP_INPUT,
        namespace: z =>
          z
            .string()
            .optional()
            .describe(
              "Kubernetes namespace (default: the app's Namespace in the fleet repository, else the one in vaultSecretsPath, else the component name)",
            ),
        vaultSecretsPath: z =>
          z
            .string()
            .optional()
            .describe(
              "The entity's vault.io/secrets-path (<prefix>/<namespace>/<component>): names the namespace once the fleet files are gone",
            ),
        catalogLocation: z =>
          z
            .string()
            .optional()
            .describe(
              "The entity's backstage.io/managed-by-location, when it is in the catalog: an app not in the cluster is refused unless its entity came from this cluster's app folder",
            ),
      },
      output: {
        changed: z =>
          z
            .boolean()
            .describe('False when the app is already gone from the cluster'),
        ...FLEET_APP_CHANGE_OUTPUT,
        filesToDelete: z =>
          z
            .array(z.string())
            .describe(
              "The app's fleet files, repository paths, for publish:github:pull-request or haven:gitlab:merge-request filesToDelete",
            ),
        catalogInfoUrl: z =>
          z
            .string()
            .describe("URL of the app's catalog-info.yaml on the fleet branch"),
      },
    },
    async handler(ctx) {
      const { gitops: gitopsConfig, cluster } = resolveClusterTarget(
        'haven:gitops:decommission',
        options,
        ctx.input.cluster,
      );
      const app = assertDnsLabel(ctx.input.component, 'component');
      if (ctx.input.namespace) assertDnsLabel(ctx.input.namespace, 'namespace');
      const targetPath = targetPathOf(ctx.input.targetPath);
      const fleet = gitopsConfig.fleetRepo;
      const folder = appFolder(cluster, app);
      const registerPath = `${cluster.fluxPath}/kustomization.yaml`;
      const fluxFile = `${cluster.fluxPath}/${app}.yaml`;
      const catalogInfoPath = `${folder}/catalog-info.yaml`;
      const catalogInfoUrl = fleetRepoUrl(fleet, catalogInfoPath);

      const read = (file: string) => readFleetFile(reader, fleet, file);
      const [list, flux, folderKustomization, catalogInfo] = await Promise.all(
        [
          registerPath,
          fluxFile,
          `${folder}/kustomization.yaml`,
          catalogInfoPath,
        ].map(read),
      );
      if (list === undefined) {
        throw new NotFoundError(
          `${registerPath} is not on ${fleet.branch} of the fleet repository: cluster ${cluster.name} lists no apps there, so there is nothing to decommission. Check haven.gitops.clusters (fluxPath)`,
        );
      }
      const edit = unregisterEntry(list, `${app}.yaml`, {
        fileName: registerPath,
      });

      // The app folder's files as Create wrote them: what its
      // kustomization.yaml lists, and catalog-info.yaml beside them.
      const filesToDelete: string[] = [];
      let appNamespace: string | undefined;
      if (flux !== undefined) filesToDelete.push(fluxFile);
      if (folderKustomization !== undefined) {
        let resources: unknown;
        try {
          resources = parse(folderKustomization)?.resources;
        } catch {
          throw new InputError(
            `${folder}/kustomization.yaml is not valid YAML: fix it in the fleet repository first (nothing was changed)`,
          );
        }
        const entries = Array.isArray(resources) ? resources : [];
        const inFolder = entries.map(fileInFolder);
        entries.forEach((entry, i) => {
          if (!inFolder[i]) {
            ctx.logger.warn(
              `${folder}/kustomization.yaml lists ${JSON.stringify(
                entry,
              )}, which is not a file of the app folder: left alone`,
            );
          }
        });
        const candidates = [
          ...new Set(
            inFolder
              .filter((f): f is string => Boolean(f))
              .map(f => `${folder}/${f}`),
          ),
        ];
        const present = await Promise.all(candidates.map(read));
        candidates.forEach((file, i) => {
          const text = present[i];
          if (text !== undefined) {
            filesToDelete.push(file);
            appNamespace ??= namespaceDeclaredIn(text);
          } else {
            ctx.logger.warn(
              `${file} is listed by the app folder's kustomization.yaml but is not on ${fleet.branch}: nothing to delete`,
            );
          }
        });
        filesToDelete.push(`${folder}/kustomization.yaml`);
      }
      if (catalogInfo !== undefined) filesToDelete.push(catalogInfoPath);
      const changed = edit.changed || filesToDelete.length > 0;
      // The app's namespace names its Vault role and path: from the form,
      // its Namespace manifest, or its entity's Vault path.
      const fromVaultPath = ctx.input.vaultSecretsPath
        ?.split('/')
        .filter(Boolean);
      const namespace = assertDnsLabel(
        // `||`: a template passes an annotation it lacks as empty.
        ctx.input.namespace ||
          appNamespace ||
          (fromVaultPath &&
          fromVaultPath.length >= 2 &&
          fromVaultPath[fromVaultPath.length - 1] === app
            ? fromVaultPath[fromVaultPath.length - 2]
            : app),
        'namespace',
      );

      if (!changed) {
        // Not in the cluster: gone after an earlier decommission, or never
        // here. An entity that came from somewhere else is not this app.
        const location = ctx.input.catalogLocation?.replace(/^url:/, '');
        if (location && location !== catalogInfoUrl) {
          throw new InputError(
            `${app} is not on cluster ${cluster.name}: ${registerPath} does not list ${app}.yaml and ${folder} is empty, and its catalog entity comes from ${location}, not from this cluster's app folder. Nothing to decommission here: pick the cluster it runs on.`,
          );
        }
        ctx.logger.info(
          `${app} is already gone from cluster ${cluster.name}: ${registerPath} does not list it and its fleet files are deleted. Nothing to change.`,
        );
      } else {
        ctx.logger.info(
          `Decommissioning ${app} from cluster ${cluster.name}${
            ctx.isDryRun ? ' (dry run: workspace only)' : ''
          }:`,
        );
        ctx.logger.info(
          edit.changed
            ? `  ${registerPath}: takes out ${app}.yaml (${edit.entries} entries left; every other line as it was)`
            : `  ${registerPath}: does not list ${app}.yaml any more`,
        );
        for (const file of filesToDelete) ctx.logger.info(`  ${file}: delete`);
      }

      // The workspace folder always exists, so a publish step finds it.
      await fs.mkdir(resolveSafeChildPath(ctx.workspacePath, targetPath), {
        recursive: true,
      });
      const written = edit.changed
        ? [{ path: registerPath, text: edit.text }]
        : [];
      await writeWorkspaceFiles(ctx.workspacePath, targetPath, written);

      ctx.output('changed', changed);
      ctx.output('environment', cluster.environment);
      ctx.output('namespace', namespace);
      ctx.output(
        'files',
        written.map(f => f.path),
      );
      ctx.output('filesToDelete', filesToDelete);
      ctx.output('catalogInfoUrl', catalogInfoUrl);
      outputFleetPullRequest(
        ctx,
        fleet,
        pullRequestBranch(cluster.name, app, 'decommission'),
      );
    },
  });
}
