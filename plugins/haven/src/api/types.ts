import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  EntityTelemetry,
  FollowThroughView,
  TelemetryWindow,
} from '@haven-plus/plugin-haven-common';

/*
 * The answer's types are defined once, in @haven-plus/plugin-haven-common,
 * for haven-backend and this plugin alike, and used under those names.
 */
export { TELEMETRY_WINDOWS } from '@haven-plus/plugin-haven-common';
export type {
  EntityTelemetry,
  FollowThroughView,
  LogBucket,
  LogsSection,
  TelemetrySectionProblem,
  TelemetryWindow,
  TraceSummary,
  TracesSection,
  VaultSecretMetadata,
  VaultSection,
} from '@haven-plus/plugin-haven-common';

/** The haven-backend API the entity page uses. @public */
export interface HavenApi {
  /** Vault metadata, log volume and recent traces of an entity. */
  getTelemetry(
    entityRef: CompoundEntityRef,
    window: TelemetryWindow,
  ): Promise<EntityTelemetry>;
  /**
   * The entity's newest followed pull request (the Delivery card's first
   * step), or null when none is followed.
   */
  getFollowThrough(
    entityRef: CompoundEntityRef,
  ): Promise<FollowThroughView | null>;
}
