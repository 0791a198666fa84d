import fs from 'node:fs';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  readHavenGitopsConfig,
  readHavenVaultConfig,
  type HavenGitopsCluster,
  type HavenGitopsConfig,
  type HavenVaultConfig,
} from '@haven-plus/plugin-haven-node';
import { parse } from 'yaml';

/** app-config.yaml at the repository root: what `yarn start` runs Backstage with. */
const APP_CONFIG = resolvePackagePath(
  '@haven-plus/haven-sandbox',
  '../../app-config.yaml',
);

/** The sandbox's `haven.gitops` and `haven.vault`, read as the actions read them. */
export interface SandboxHavenConfig {
  gitops: HavenGitopsConfig;
  vault: HavenVaultConfig;
  /** The cluster whose objects the Kubernetes double holds. */
  cluster: HavenGitopsCluster;
}

/**
 * Reads `haven.gitops` and `haven.vault` of app-config.yaml with
 * @haven-plus/plugin-haven-node's readers, the ones haven:gitops:render and
 * haven:vault:provision use, so the sandbox's cluster holds what those
 * actions would render for it.
 */
export function readSandboxHavenConfig(
  clusterName: string,
  file: string = APP_CONFIG,
): SandboxHavenConfig {
  const config = new ConfigReader(parse(fs.readFileSync(file, 'utf8')));
  const gitops = readHavenGitopsConfig(config);
  const vault = readHavenVaultConfig(config);
  const cluster = gitops?.clusters[clusterName];
  if (!gitops || !vault || !cluster) {
    throw new Error(
      `${file} must set haven.vault and haven.gitops with cluster ${clusterName}`,
    );
  }
  return { gitops, vault, cluster };
}
