/**
 * The Haven+ backend plugin: per-entity Vault KV metadata and Loki/Tempo
 * summaries for the entity page.
 *
 * @packageDocumentation
 */
export { havenPlugin as default, havenPlugin } from './plugin';
export {
  havenEntityTelemetryReadPermission,
  havenPermissions,
} from './permissions';
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
} from './service/types';
