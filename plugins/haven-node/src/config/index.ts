export {
  readHavenVaultConfig,
  type HavenVaultConfig,
  type HavenVaultEnvironment,
} from './vaultConfig';
export {
  readHavenGitopsConfig,
  type HavenGitopsCluster,
  type HavenGitopsConfig,
} from './gitopsConfig';
