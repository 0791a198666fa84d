import type { CompoundEntityRef } from '@backstage/catalog-model';

/** The time windows the telemetry summary covers. @public */
export type TelemetryWindow = '15m' | '1h' | '6h' | '24h';

/** Every {@link TelemetryWindow}, shortest first. @public */
export const TELEMETRY_WINDOWS: readonly TelemetryWindow[] = [
  '15m',
  '1h',
  '6h',
  '24h',
];

/** A section that could not be filled: an upstream failed, or it is not set up. @public */
export interface TelemetrySectionUnavailable {
  status: 'error' | 'not-configured';
  message: string;
}

/** Metadata of one Vault KV v2 secret (never its value). @public */
export interface VaultSecretMetadata {
  name: string;
  version: number;
  createdTime: string;
  updatedTime: string;
}

/** The Vault section: the secrets under the entity's KV path. @public */
export type VaultSection =
  | {
      status: 'ok';
      mount: string;
      path: string;
      secrets: VaultSecretMetadata[];
    }
  | TelemetrySectionUnavailable;

/** The Loki section: log volume and the newest lines. @public */
export type LogsSection =
  | {
      status: 'ok';
      total: number;
      errors: number;
      buckets: Array<{ time: string; total: number; errors: number }>;
      recent: Array<{ time: string; line: string }>;
    }
  | TelemetrySectionUnavailable;

/** One trace found by Tempo. @public */
export interface TraceSummary {
  traceId: string;
  rootName: string;
  rootService: string;
  start: string;
  durationMs: number;
  error: boolean;
}

/** The Tempo section: the newest traces. @public */
export type TracesSection =
  | { status: 'ok'; traces: TraceSummary[] }
  | TelemetrySectionUnavailable;

/**
 * What haven-backend answers for an entity: each section carries its own
 * status, so one dead upstream never blanks the others.
 * @public
 */
export interface TelemetryResponse {
  entityRef: string;
  window: string;
  generatedAt: string;
  vault: VaultSection;
  logs: LogsSection;
  traces: TracesSection;
}

/** The haven-backend API the entity page uses. @public */
export interface HavenApi {
  /** Vault metadata, log volume and recent traces of an entity. */
  getTelemetry(
    entityRef: CompoundEntityRef,
    window: TelemetryWindow,
  ): Promise<TelemetryResponse>;
}
