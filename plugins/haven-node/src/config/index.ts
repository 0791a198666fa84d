export {
  readHavenVaultConfig,
  type HavenVaultConfig,
  type HavenVaultEnvironment,
} from './vaultConfig';
export {
  readHavenChartsConfig,
  readHavenGitopsConfig,
  type HavenChartsConfig,
  type HavenGitopsCluster,
  type HavenGitopsConfig,
} from './gitopsConfig';
export { DEFAULT_DATASOURCE_UIDS, readDatasourceUids } from './grafanaConfig';
