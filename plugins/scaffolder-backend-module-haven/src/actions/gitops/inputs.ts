import { InputError } from '@backstage/errors';
import type { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';
import type {
  HavenGitopsCluster,
  HavenGitopsConfig,
  HavenVaultConfig,
  HavenVaultEnvironment,
} from '@haven-plus/plugin-haven-node';

const VALUES_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

/** A chart value path such as `extraEnvVars` or `app.env`: keys joined by dots. */
export function envValuesPathOf(value: string, field: string): string {
  if (!VALUES_PATH.test(value) || value.length > 128) {
    throw new InputError(
      `Invalid ${field}: ${JSON.stringify(
        value.slice(0, 40),
      )} must be chart value keys joined by dots, e.g. extraEnvVars or app.env`,
    );
  }
  return value;
}

/** Default key of a secret in the synced Secret: `webui-secret-key` -> `WEBUI_SECRET_KEY`. */
export function defaultSecretKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/**
 * The configuration the actions that place an app or stack on a cluster are
 * made with: undefined where it is not configured, which such an action
 * reports when it runs ({@link resolveClusterTarget}).
 */
export interface ClusterActionConfigs {
  gitops: HavenGitopsConfig | undefined;
  vault: HavenVaultConfig | undefined;
}

/** The configuration an action needs to place an app or stack on a cluster. */
export interface ClusterTarget {
  gitops: HavenGitopsConfig;
  vault: HavenVaultConfig;
  cluster: HavenGitopsCluster;
  environment: HavenVaultEnvironment;
}

/**
 * Resolves a cluster name from a form to its `haven.gitops` cluster and the
 * `haven.vault` environment its apps use, or throws InputError saying which
 * configuration is missing.
 */
export function resolveClusterTarget(
  actionId: string,
  { gitops, vault }: ClusterActionConfigs,
  clusterName: string,
): ClusterTarget {
  if (!gitops || !vault) {
    throw new InputError(
      `haven.gitops and haven.vault must be configured (README.md, "GitOps") before using ${actionId}`,
    );
  }
  const cluster = gitops.clusters[clusterName];
  if (!cluster) {
    throw new InputError(
      `Unknown cluster "${clusterName}": haven.gitops.clusters has ${Object.keys(
        gitops.clusters,
      ).join(', ')}`,
    );
  }
  const environment = vault.environments[cluster.environment];
  if (!environment) {
    throw new InputError(
      `Cluster ${cluster.name} uses Vault environment "${cluster.environment}", which haven.vault.environments does not define`,
    );
  }
  return { gitops, vault, cluster, environment };
}

/** The zod the scaffolder passes to each field of an action schema. */
type Zod = Parameters<
  NonNullable<NonNullable<TemplateActionOptions['schema']>['input']>[string]
>[0];

/**
 * The input fields of an action that changes an app already in the fleet
 * repository: which app, on which cluster, and the workspace folder of the
 * fleet checkout. Spread into the action's `schema.input`.
 */
export const FLEET_APP_INPUT = {
  component: (z: Zod) =>
    z
      .string()
      .describe("The app's kubernetes-id (its name in the fleet repository)"),
  cluster: (z: Zod) =>
    z.string().describe('Cluster name from haven.gitops.clusters'),
  targetPath: (z: Zod) =>
    z
      .string()
      .default('fleet')
      .describe('Workspace folder of the fleet repository checkout'),
};

/**
 * The output fields of such an action: where the app is, what it wrote and
 * the pull request outputs outputFleetPullRequest sets. Spread into the
 * action's `schema.output`.
 */
export const FLEET_APP_CHANGE_OUTPUT = {
  environment: (z: Zod) =>
    z.string().describe("The cluster's haven.vault environment"),
  namespace: (z: Zod) => z.string().describe('Kubernetes namespace of the app'),
  files: (z: Zod) =>
    z.array(z.string()).describe('Files written, relative to targetPath'),
  fleetRepoUrl: (z: Zod) =>
    z.string().describe('The fleet repository in the repoUrl form'),
  fleetProvider: (z: Zod) => z.enum(['github', 'gitlab']),
  fleetBranch: (z: Zod) => z.string().describe('The branch Flux reconciles'),
  pullRequestBranch: (z: Zod) =>
    z.string().describe('Branch name for this change'),
};
