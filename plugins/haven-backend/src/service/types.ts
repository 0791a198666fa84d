/*
 * The answer of `GET /entities/:kind/:namespace/:name/telemetry`. Each
 * section stands alone: `ok` with its data, `error` with a message saying
 * what failed and what to do, or `not-configured` naming the missing
 * annotation or config key. Written as type aliases, not interfaces, so
 * they are JSON values the cache service accepts.
 */

/** The windows the entity page may ask for. @public */
export type TelemetryWindow = '15m' | '1h' | '6h' | '24h';

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

/** The Vault section. @public */
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
  errors: number;
};

/** One log line. @public */
export type LogLine = {
  time: string;
  line: string;
};

/** The Loki section. @public */
export type LogsSection =
  | {
      status: 'ok';
      total: number;
      errors: number;
      buckets: LogBucket[];
      /** At most 20 error lines, newest first. */
      recent: LogLine[];
    }
  | TelemetrySectionProblem;

/** One trace of a Tempo search. @public */
export type TraceSummary = {
  traceId: string;
  rootName: string;
  rootService: string;
  start: string;
  durationMs: number;
  /** Whether a span of the service in this trace has status error. */
  error: boolean;
};

/** The Tempo section. @public */
export type TracesSection =
  | { status: 'ok'; traces: TraceSummary[] }
  | TelemetrySectionProblem;

/** The whole answer. @public */
export type EntityTelemetry = {
  entityRef: string;
  window: TelemetryWindow;
  generatedAt: string;
  vault: VaultSection;
  logs: LogsSection;
  traces: TracesSection;
};
