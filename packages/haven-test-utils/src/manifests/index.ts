/**
 * Strict validation of generated Kubernetes, Flux, ESO and kustomize
 * manifests, for tests.
 */
export {
  loadManifestValidator,
  type ManifestValidatorOptions,
} from './validator';
export { expectValidManifests } from './expectValid';
export { formatManifestProblem } from './problems';
export {
  kustomizeBuild,
  findKubectl,
  type KustomizeBuildResult,
} from './kubectl';
export type {
  KnownKind,
  ManifestProblem,
  ManifestScope,
  ManifestValidator,
  SkippedRule,
  YamlManifestProblem,
} from './types';
