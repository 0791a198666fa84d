/**
 * Node.js library of Haven+: the Vault (and OpenBao) client, the
 * configuration readers, the typed GitOps manifest builders and
 * fleet-repository edits, the observability stack and Alloy pipeline, and
 * the chart values check, used by its scaffolder actions and backend plugin.
 *
 * @packageDocumentation
 */

// Vault
export { VaultClient } from './vault/VaultClient';
export type { VaultClientOptions } from './vault/VaultClient';
export { VaultCasMismatchError } from './vault/errors';
export type { VaultRetryOptions } from './vault/retry';
export type {
  KubernetesAuthRole,
  KvMetadata,
  VaultAuthOptions,
  VaultMount,
  VaultTokenInfo,
} from './vault/types';
export { vaultAppNames } from './vault/naming';
export type { VaultAppNames } from './vault/naming';

// Configuration (this package's config.d.ts; haven.grafana's schema is haven-common's)
export { readHavenVaultConfig } from './config/vaultConfig';
export type { HavenVaultConfig, HavenVaultEnvironment } from './vault/types';
export {
  readHavenChartsConfig,
  readHavenGitopsConfig,
} from './config/gitopsConfig';
export type { HavenChartsConfig } from './config/gitopsConfig';
export type { HavenGitopsCluster, HavenGitopsConfig } from './gitops/types';
export { readDatasourceUids } from './config/grafanaConfig';

// GitOps: an app's manifests and the fleet repository
export { APP_PROFILES } from './gitops/appProfiles';
export type {
  AppProfile,
  OtlpProtocol,
  ProfileEnvVar,
  ProfileSecretValues,
  ProfileValue,
} from './gitops/appProfiles';
export {
  appFolder,
  buildAppDelivery,
  syncedSecretName,
} from './gitops/manifests';
export type {
  AppChart,
  AppDeliveryInput,
  AppSecret,
  AppVaultBinding,
  DeliveryFile,
  DeliveryObject,
  KustomizeFile,
} from './gitops/manifests';
export { deliveryFileToYaml, unregisterEntry } from './gitops/yamlWriter';
export type { UnregisterResult } from './gitops/yamlWriter';
export { registerEntry } from './gitops/register';
export type { RegisterResult } from './gitops/register';
export { fleetRepoScaffolderUrl, fleetRepoUrl } from './gitops/fleetRepo';
export type { FleetRepo } from './gitops/fleetRepo';
export {
  addSecretToExternalSecret,
  addSecretToHelmRelease,
} from './gitops/addSecret';
export type { EditResult } from './gitops/addSecret';
export { PullRequestStateReader } from './gitops/pullRequestState';
export type {
  PullRequestState,
  PullRequestStateReaderOptions,
} from './gitops/pullRequestState';

// Observability: a cluster's telemetry stack and its Alloy pipeline
export {
  buildObservabilityStack,
  observabilityDatasources,
  observabilityEndpoints,
} from './observability/stack';
export type {
  ObservabilityStackInput,
  ObservabilityTenancy,
  TenantDatasources,
} from './observability/stack';
export { clusterAlloyConfig } from './observability/clusterPipeline';
export type { ClusterAlloyPipelineOptions } from './observability/clusterPipeline';
export { planTenantRoutes, tenantOfNamespace } from './observability/tenancy';
export type {
  PerTeamTenancy,
  TeamTenant,
  TenantRoute,
} from './observability/tenancy';

// Chart values check
export { HelmRepositoryReader } from './charts/helmRepository';
export type {
  ChartCoordinates,
  ChartLookup,
  HelmRepositoryReaderOptions,
} from './charts/helmRepository';
export { unknownValueKeys } from './charts/unknownValueKeys';
export type { UnknownValueKey } from './charts/unknownValueKeys';
export { chartReferenceFromFiles } from './charts/chartReference';
export type {
  ChartReference,
  ChartValuesFiles,
  PassThroughPath,
} from './charts/chartReference';
export type { CommentedKey, CommentedKeyShape } from './charts/commentedKeys';
export { describeValue, formatValuePath, isPlainObject } from './charts/paths';
export type { ValuePathSegment } from './charts/paths';
