export { fluxState, fluxRevision } from './flux';
export {
  externalSecretState,
  externalSecretVaultKeys,
  secretStoreState,
  vaultSecretsForExternalSecret,
} from './externalSecrets';
export { parseGoDuration } from './duration';
export { stateTone } from './tone';
export type { StateTone } from './tone';
export type {
  DeliveryState,
  ExternalSecretObject,
  ExternalSecretState,
  FluxObject,
  FluxState,
  HelmReleaseHistoryEntry,
  KubernetesCondition,
  KubernetesObjectMetadata,
  SecretStoreObject,
  SecretStoreState,
  StateResult,
} from './types';
