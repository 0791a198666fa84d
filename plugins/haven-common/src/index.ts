/**
 * Isomorphic pieces of Haven+, shared by its frontend, backend and scaffolder
 * packages: the entity annotations it reads and their helpers, the input
 * rules, the telemetry queries and links, the entity page's telemetry
 * answer, and the reading of Flux and External Secrets status.
 *
 * @packageDocumentation
 */
export {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ANNOTATION_OTEL_SERVICE_NAME,
  ANNOTATION_OTEL_SERVICE_NAMESPACE,
  ANNOTATION_REQUEST_METRIC,
  ANNOTATION_TELEMETRY_TENANT,
  ANNOTATION_VAULT_SECRETS_ENGINE,
  ANNOTATION_VAULT_SECRETS_PATH,
  ANNOTATION_VAULT_SECRET_NAMES,
  isKubernetesAvailable,
  isTelemetryAvailable,
  isVaultAvailable,
  kubernetesIdFromEntity,
  telemetryFromEntity,
  vaultSecretNamesFromEntity,
  vaultSecretsFromEntity,
} from './annotations';
export type { TelemetryIdentity } from './annotations';
export {
  assertDnsLabel,
  assertTenantId,
  assertValid,
  assertVaultPath,
  assertVaultPathSegment,
  chartNameProblems,
  chartRepositoryUrlProblems,
  chartVersionProblems,
  dnsSubdomainProblems,
  durationProblems,
  envVarNameProblems,
  hostnameProblems,
  repoPathProblems,
  tenantIdProblems,
  vaultPathProblems,
  vaultPathSegmentProblems,
} from './validation';
export { isErrorLevel, LOKI_LEVEL_LABEL, logQueries } from './telemetry/logql';
export type { LogQueries } from './telemetry/logql';
export { TRACE_ID, traceQueries } from './telemetry/traceql';
export type { TraceQueries } from './telemetry/traceql';
export { GO_SIMPLE_ESCAPES, isUnicodeScalarValue } from './telemetry/quoting';
export {
  MIMIR_OTEL_METRIC_SUFFIXES,
  prometheusCountSeries,
} from './telemetry/promql';
export type { OtelMetric } from './telemetry/promql';
export type { ExploreRange, ExploreUrlFormat } from './telemetry/explore';
export { telemetryLinks } from './telemetry/links';
export type {
  GrafanaLinkConfig,
  TelemetryLinkOptions,
  TelemetryLinks,
} from './telemetry/links';
export {
  datasourcesForTenant,
  DEFAULT_DATASOURCE_UIDS,
  isGrafanaUid,
  tenantDatasourceUids,
} from './telemetry/tenantDatasources';
export type { DatasourceUids } from './telemetry/tenantDatasources';
export { TELEMETRY_WINDOWS } from './entityTelemetry';
export type {
  EntityTelemetry,
  LogBucket,
  LogsSection,
  TelemetrySectionProblem,
  TelemetryWindow,
  TraceSummary,
  TracesSection,
  VaultSecretMetadata,
  VaultSection,
} from './entityTelemetry';
export { fluxRevision, fluxState } from './status/flux';
export {
  externalSecretState,
  externalSecretVaultKeys,
  secretStoreState,
  vaultSecretsForExternalSecret,
} from './status/externalSecrets';
export { parseGoDuration } from './status/duration';
export { stateTone } from './status/tone';
export type { StateTone } from './status/tone';
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
} from './status/types';
export { externalSecretEventHint } from './status/externalSecrets';
export type { ExternalSecretEvent } from './status/externalSecrets';
export {
  havenEntityFluxReconcilePermission,
  havenEntitySecretsSyncPermission,
  havenEntityTelemetryReadPermission,
  havenPermissions,
} from './permissions';
export type {
  FollowThroughAnswer,
  FollowThroughOutcome,
  FollowThroughView,
} from './followThrough';
