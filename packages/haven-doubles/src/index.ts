/**
 * Contract doubles of the systems Haven+ talks to, as msw handlers for tests
 * and as loopback servers for the local sandbox.
 *
 * @packageDocumentation
 */
export {
  createKubernetesDouble,
  type KubernetesDouble,
  type KubernetesDoubleOptions,
  type KubernetesObject,
  type RecordedRequest,
} from './kubernetes/kubernetesDouble';
export {
  RESOURCE_TYPES,
  resourceTypeOfObject,
  type ResourceType,
} from './kubernetes/resources';
export { serveOnLoopback, type LoopbackServer } from './http/loopback';
export {
  createVaultDouble,
  type ActiveVaultFault,
  type VaultDouble,
  type VaultDoubleOptions,
  type VaultDoubleState,
  type VaultFault,
  type VaultFaults,
  type VaultKubernetesLogin,
  type VaultKubernetesRole,
  type VaultKvKeySnapshot,
  type VaultKvVersionSnapshot,
  type VaultRecordedRequest,
  type VaultTokenSpec,
} from './vault/vaultDouble';
export { VAULT_FAULT_ERRORS } from './vault/faults';
export {
  backstageDayTwoVaultPolicy,
  backstageVaultPolicy,
  templatedAppsPolicy,
} from './vaultAdminSetup';
export {
  realSystemFromEnv,
  setupDoubleServer,
  type RealSystem,
} from './contractServer';
export {
  createGitHubDouble,
  type ActiveGitHubFault,
  type GitHubDouble,
  type GitHubDoubleOptions,
  type GitHubDoubleState,
  type GitHubFault,
  type GitHubFaults,
  type GitHubPullSnapshot,
  type GitHubRecordedRequest,
  type GitHubRepositorySeed,
  type GitHubTokenSpec,
} from './github/githubDouble';
export { GITHUB_FAULT_MESSAGES } from './github/errors';
export {
  createLokiDouble,
  type LokiDouble,
  type LokiDoubleOptions,
  type LokiDoubleState,
  type LokiEntrySeed,
  type LokiFault,
  type LokiFaults,
  type ActiveLokiFault,
  type LokiRecordedRequest,
  type LokiStreamSeed,
} from './loki/lokiDouble';
export { TELEMETRY_FAULT_BODIES, type TelemetryFaults } from './loki/faults';
export { quoteLogQL } from './loki/logql';
export {
  createTempoDouble,
  TEMPO_SINGLE_TENANT,
  type ActiveTempoFault,
  type TempoAttributeValue,
  type TempoDouble,
  type TempoDoubleOptions,
  type TempoDoubleState,
  type TempoFault,
  type TempoFaults,
  type TempoRecordedRequest,
  type TempoSpanKind,
  type TempoSpanSeed,
  type TempoTraceSeed,
} from './tempo/tempoDouble';
export { quoteTraceQL } from './tempo/traceql';
export * from './helm';
export {
  createGitLabDouble,
  type ActiveGitLabFault,
  type GitLabDouble,
  type GitLabDoubleOptions,
  type GitLabDoubleState,
  type GitLabFault,
  type GitLabFaults,
  type GitLabMergeRequestSnapshot,
  type GitLabProjectSeed,
  type GitLabRecordedRequest,
  type GitLabTokenSpec,
} from './gitlab/gitlabDouble';
export { GITLAB_FAULT_MESSAGES } from './gitlab/errors';
