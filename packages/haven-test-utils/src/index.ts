/**
 * Test utilities of Haven+: strict validation of generated Kubernetes, Flux,
 * ESO and kustomize manifests, the chart values checks, and the CRD and
 * chart reference (reference/) they read.
 *
 * @packageDocumentation
 */
export {
  expectValidManifests,
  findKubectl,
  formatManifestProblem,
  kustomizeBuild,
  loadManifestValidator,
  type KnownKind,
  type KustomizeBuildResult,
  type ManifestProblem,
  type ManifestScope,
  type ManifestValidator,
  type ManifestValidatorOptions,
  type SkippedRule,
  type YamlManifestProblem,
} from './manifests';
export {
  findRepoRoot,
  findUpstreamReferenceDir,
  readReferenceCrds,
  REFERENCE_DIR,
  type ReferenceCrd,
} from './reference';
export { TYPED_MODEL_KINDS, typedModelProblems } from './manifests/typedModels';
export {
  expectKnownValues,
  loadChartReference,
  validateLokiValues,
  type ChartReferenceResult,
  type ExpectKnownValuesOptions,
  type ExpectKnownValuesResult,
  type MissingChartReference,
} from './charts';
export {
  githubBranchSha,
  openGithubPull,
  openGitlabMergeRequest,
  settleGithubPull,
  settleGitlabMergeRequest,
  type GithubRepoAccess,
  type GitlabProjectAccess,
} from './pullRequests';
