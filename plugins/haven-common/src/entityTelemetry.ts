/*
 * The answer of haven-backend's
 * `GET /api/haven/entities/:kind/:namespace/:name/telemetry?window=`, shared
 * by the backend that builds it and the frontend that shows it. Each section
 * stands alone: `ok` with its data, `error` with a message saying what failed
 * and what to do, or `not-configured` naming the missing annotation or config
 * key. Written as type aliases, not interfaces, so they are JSON values
 * Backstage's cache service accepts.
 */

/** The windows the entity page may ask for. @public */
export type TelemetryWindow = '15m' | '1h' | '6h' | '24h';

/** Every {@link TelemetryWindow}, shortest first. @public */
export const TELEMETRY_WINDOWS: readonly TelemetryWindow[] = [
  '15m',
  '1h',
  '6h',
  '24h',
];

/** A section that failed or cannot run. @public */
export type TelemetrySectionProblem =
  | { status: 'error'; message: string }
  | { status: 'not-configured'; message: string };

/** One KV v2 key's metadata: never its value. @public */
export type VaultSecretMetadata = {
  name: string;
  /** The current version. */
  version: number;
  createdTime: string;
  updatedTime: string;
};

/** The Vault section: the secrets under the entity's KV path. @public */
export type VaultSection =
  | {
      status: 'ok';
      mount: string;
      path: string;
      secrets: VaultSecretMetadata[];
    }
  | TelemetrySectionProblem;

/** Log lines counted over one bucket of the window. @public */
export type LogBucket = {
  /** Start of the bucket (ISO); buckets are equal, oldest first, and cover the window. */
  time: string;
  total: number;
  /** Lines whose level is error, fatal or critical. */
  errors: number;
};

/**
 * The Loki section: line counts over the window, from one metric query
 * grouped by Loki's `detected_level`. The lines themselves are left to
 * Grafana Explore.
 * @public
 */
export type LogsSection =
  | {
      status: 'ok';
      total: number;
      /** Lines whose level is error, fatal or critical. */
      errors: number;
      /**
       * Lines per level over the window, keyed by `detected_level` in lower
       * case; lines Loki gave no level are under `unknown`.
       */
      levels: Record<string, number>;
      buckets: LogBucket[];
    }
  | TelemetrySectionProblem;

/** One trace of a Tempo search. @public */
export type TraceSummary = {
  traceId: string;
  rootName: string;
  rootService: string;
  start: string;
  durationMs: number;
  /**
   * Whether Tempo reported a span of the service in this trace with status
   * error. From one search, so an error span beyond the spans Tempo returned
   * per trace can be missed; the "Error traces" Explore link is exact.
   */
  error: boolean;
};

/** The Tempo section: the newest traces. @public */
export type TracesSection =
  | { status: 'ok'; traces: TraceSummary[] }
  | TelemetrySectionProblem;

/**
 * What haven-backend answers for an entity: each section carries its own
 * status, so one dead upstream never blanks the others.
 * @public
 */
export type EntityTelemetry = {
  entityRef: string;
  window: TelemetryWindow;
  generatedAt: string;
  vault: VaultSection;
  logs: LogsSection;
  traces: TracesSection;
};
