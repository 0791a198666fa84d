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
export { RESOURCE_TYPES, type ResourceType } from './kubernetes/resources';
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
  startVaultDoubleOnLoopback,
  VAULT_SANDBOX,
  type RunningVaultDouble,
} from './vault/vaultSandbox';
// The sandbox cluster's example apps and the Delivery card state of each.
export {
  SANDBOX_DELIVERY_EXAMPLES,
  sandboxClusterObjects,
  type SandboxDeliveryExample,
  type SandboxDeliveryRow,
  type SandboxDeliveryState,
} from './kubernetes/sandboxCluster';
export { sandboxKvSecrets, type SandboxKvSecret } from './vault/vaultSandbox';
export {
  SANDBOX_DOUBLES,
  startSandboxDoubles,
  startSandboxVault,
  type RunningSandbox,
} from './sandbox';
export { backstageVaultPolicy, templatedAppsPolicy } from './vaultAdminSetup';
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
  fleetRepositorySeed,
  GITHUB_SANDBOX,
  startGitHubDoubleOnLoopback,
  type RunningGitHubDouble,
} from './github/githubSandbox';
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
export { TELEMETRY_FAULT_BODIES } from './loki/faults';
export {
  LOKI_SANDBOX,
  startLokiDoubleOnLoopback,
  type RunningLokiDouble,
} from './loki/lokiSandbox';
export type { TelemetrySandboxOptions } from './loki/telemetryLoopback';
export {
  SANDBOX_DOWN_TENANT,
  SANDBOX_TELEMETRY,
  sandboxTelemetrySeed,
  type SandboxTelemetrySeed,
} from './loki/sandboxTelemetry';
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
export {
  startTempoDoubleOnLoopback,
  TEMPO_SANDBOX,
  type RunningTempoDouble,
} from './tempo/tempoSandbox';
export * from './helm';
