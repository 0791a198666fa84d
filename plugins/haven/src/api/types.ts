import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  EntityTelemetry,
  TelemetrySectionProblem,
  TelemetryWindow,
} from '@haven-plus/plugin-haven-common';

/*
 * The answer's types are defined once, in @haven-plus/plugin-haven-common,
 * for haven-backend and this plugin alike; re-exported here under the names
 * this plugin has always used.
 */
export { TELEMETRY_WINDOWS } from '@haven-plus/plugin-haven-common';
export type {
  LogBucket,
  LogsSection,
  TelemetryWindow,
  TraceSummary,
  TracesSection,
  VaultSecretMetadata,
  VaultSection,
} from '@haven-plus/plugin-haven-common';

/**
 * What haven-backend answers for an entity (haven-common's
 * `EntityTelemetry`): each section carries its own status, so one dead
 * upstream never blanks the others.
 * @public
 */
export type TelemetryResponse = EntityTelemetry;

/** A section that could not be filled: an upstream failed, or it is not set up. @public */
export type TelemetrySectionUnavailable = TelemetrySectionProblem;

/** The haven-backend API the entity page uses. @public */
export interface HavenApi {
  /** Vault metadata, log volume and recent traces of an entity. */
  getTelemetry(
    entityRef: CompoundEntityRef,
    window: TelemetryWindow,
  ): Promise<TelemetryResponse>;
}
