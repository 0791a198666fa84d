/*
 * The answer of `GET /entities/:kind/:namespace/:name/telemetry` is defined
 * once, in @haven-plus/plugin-haven-common, for this backend and the
 * frontend plugin alike.
 */
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
} from '@haven-plus/plugin-haven-common';
