export { havenApiRef, HavenClient } from './HavenClient';
export { TELEMETRY_WINDOWS } from './types';
export type {
  HavenApi,
  LogBucket,
  LogsSection,
  TelemetryResponse,
  TelemetrySectionUnavailable,
  TelemetryWindow,
  TraceSummary,
  TracesSection,
  VaultSecretMetadata,
  VaultSection,
} from './types';
