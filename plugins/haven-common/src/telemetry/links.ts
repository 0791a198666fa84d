import type { TelemetryIdentity } from '../annotations';
import {
  DEFAULT_EXPLORE_RANGE,
  ExploreRange,
  exploreUrl,
  ExploreUrlFormat,
} from './explore';
import { logQueries } from './logql';
import { serviceRequestRate } from './promql';
import { traceIdOrThrow, traceQueries } from './traceql';

/*
 * The Grafana Explore links of an entity's telemetry (shared/reference/
 * contracts.md 5.3), built only from its annotations through the query
 * builders. The tenant is not part of a link: Grafana's datasource carries
 * `X-Scope-OrgID` (contracts.md 5.1, 5.2).
 */

/** Where Grafana is and which datasources hold the telemetry. @public */
export interface GrafanaLinkConfig {
  /** Grafana's root URL, http(s), without query or fragment; a subpath is kept. */
  baseUrl: string;
  /** The Grafana organisation (default 1). */
  orgId?: number;
  /** Datasource uids. */
  datasources: { loki: string; tempo: string; mimir: string };
  /** The Explore URL format (default `panes`). */
  format?: ExploreUrlFormat;
}

/** Optional settings of {@link telemetryLinks}. @public */
export interface TelemetryLinkOptions {
  /** Default `now-1h` to `now`. */
  range?: ExploreRange;
  /** The `tracesSlow` threshold, default `1s`. */
  slowThreshold?: string;
}

/** Explore links for an entity's traces, logs and metrics. @public */
export interface TelemetryLinks {
  /** Every trace of the service. */
  tracesAll: string;
  /** Traces with an error span. */
  tracesErrors: string;
  /** Traces slower than the slow threshold. */
  tracesSlow: string;
  /** One trace, by its id. */
  traceById: (traceId: string) => string;
  /** The service's logs. */
  logsAll: string;
  /** The service's error logs. */
  logsErrors: string;
  /** The service's request rate, from Mimir. */
  metrics: string;
}

/**
 * The entity's Explore links. Throws InputError for a bad base URL, a
 * `haven.plus/loki-selector` that is not a pure stream selector, or a bad
 * range or threshold; `traceById` throws for an id that is not 1-32 hex digits.
 * @public
 */
export function telemetryLinks(
  identity: TelemetryIdentity,
  grafana: GrafanaLinkConfig,
  options: TelemetryLinkOptions = {},
): TelemetryLinks {
  const range = options.range ?? DEFAULT_EXPLORE_RANGE;
  const common = {
    baseUrl: grafana.baseUrl,
    orgId: grafana.orgId,
    format: grafana.format,
    range,
  };
  const tempo = (query: string) =>
    exploreUrl({
      ...common,
      datasource: { uid: grafana.datasources.tempo, type: 'tempo' },
      query: { queryType: 'traceql', query },
    });
  const loki = (expr: string) =>
    exploreUrl({
      ...common,
      datasource: { uid: grafana.datasources.loki, type: 'loki' },
      query: { expr, queryType: 'range' },
    });

  const traces = traceQueries(identity);
  const logs = logQueries(identity);
  return {
    tracesAll: tempo(traces.all),
    tracesErrors: tempo(traces.errors),
    tracesSlow: tempo(traces.slow(options.slowThreshold ?? '1s')),
    traceById: traceId => tempo(traceIdOrThrow(traceId)),
    logsAll: loki(logs.all),
    logsErrors: loki(logs.errors),
    metrics: exploreUrl({
      ...common,
      datasource: { uid: grafana.datasources.mimir, type: 'prometheus' },
      query: { expr: serviceRequestRate(identity) },
    }),
  };
}
