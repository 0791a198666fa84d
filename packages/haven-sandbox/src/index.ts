/**
 * The Haven+ local sandbox: the contract doubles of @haven-plus/haven-doubles
 * on loopback, seeded with the example apps of examples/entities.yaml, with a
 * Flux and External Secrets stand-in that applies merged pull requests.
 *
 * @packageDocumentation
 */
export {
  SANDBOX_DOUBLES,
  startSandboxDoubles,
  startSandboxVault,
  type RunningSandbox,
} from './sandbox';
// The sandbox cluster's example apps and the Delivery card state of each.
export {
  SANDBOX_DELIVERY_EXAMPLES,
  sandboxClusterObjects,
  type SandboxDeliveryExample,
  type SandboxDeliveryRow,
  type SandboxDeliveryState,
} from './kubernetes/sandboxCluster';
export {
  sandboxKvSecrets,
  startVaultDoubleOnLoopback,
  VAULT_SANDBOX,
  type RunningVaultDouble,
  type SandboxKvSecret,
} from './vault/vaultSandbox';
export {
  fleetRepositorySeed,
  GITHUB_SANDBOX,
  startGitHubDoubleOnLoopback,
  type RunningGitHubDouble,
} from './github/githubSandbox';
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
  startTempoDoubleOnLoopback,
  TEMPO_SANDBOX,
  type RunningTempoDouble,
} from './tempo/tempoSandbox';
