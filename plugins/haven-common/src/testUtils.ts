/**
 * Test helpers of Haven+'s shared package: reading back the Grafana Explore
 * links that `telemetryLinks` builds, to assert on their queries, and the
 * Flux and External Secrets objects of the contracts, to read status from.
 *
 * @packageDocumentation
 */
export { decodeExploreUrl } from './telemetry/explore';
export type {
  DecodedExploreUrl,
  ExploreRange,
  ExploreUrlFormat,
} from './telemetry/explore';
export {
  dependencyNotReadyKustomization,
  failingExternalSecret,
  invalidSecretStore,
  missingTargetExternalSecret,
  newExternalSecret,
  progressingHelmRelease,
  readyHelmRelease,
  readyKustomization,
  reconcilingExternalSecret,
  stalledHelmRelease,
  syncedExternalSecret,
  unverifiedClusterSecretStore,
  validSecretStore,
  vaultSecretWrittenAfterSync,
  vaultSection,
} from './status/fixtures';
export type {
  ExternalSecretObject,
  FluxObject,
  HelmReleaseHistoryEntry,
  KubernetesCondition,
  KubernetesObjectMetadata,
  SecretStoreObject,
} from './status/types';
