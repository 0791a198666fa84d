/*
 * Queries and Grafana links for an entity's traces, logs and metrics, built
 * from its annotations (shared/reference/contracts.md 4 and 5).
 */
export {
  logqlString,
  streamSelector,
  parseStreamSelector,
  serviceLogSelector,
  logQueries,
  LOKI_SERVICE_NAME_LABEL,
  LOKI_SERVICE_NAMESPACE_LABEL,
  LOKI_ERROR_LINE_FILTER,
  LOKI_LEVEL_LABEL,
  LOKI_ERROR_LEVELS,
  isErrorLevel,
} from './logql';
export type { LogqlMatchOp, LogqlMatcher, LogQueries } from './logql';
export {
  traceqlString,
  serviceTraceFilter,
  traceQueries,
  traceIdOrThrow,
  traceqlDurationOrThrow,
  TRACE_ID,
  TRACEQL_DURATION,
} from './traceql';
export type { TraceQueries } from './traceql';
export {
  promqlString,
  promSelector,
  serviceMetricMatchers,
  serviceRequestRate,
  HTTP_SERVER_REQUEST_COUNT_METRIC,
  MIMIR_OTEL_METRIC_SUFFIXES,
  PROMETHEUS_METRIC_NAME,
  prometheusCountSeries,
} from './promql';
export type { OtelMetric, PromqlMatcher } from './promql';
export { RANGE_DURATION } from './quoting';
export { exploreUrl, decodeExploreUrl, DEFAULT_EXPLORE_RANGE } from './explore';
export type {
  DecodedExploreUrl,
  ExploreRange,
  ExploreTarget,
  ExploreUrlFormat,
  ExploreUrlOptions,
  LokiExploreQuery,
  PrometheusExploreQuery,
  TempoExploreQuery,
} from './explore';
export { telemetryLinks } from './links';
export type {
  GrafanaLinkConfig,
  TelemetryLinkOptions,
  TelemetryLinks,
} from './links';
export {
  tenantDatasourceUids,
  datasourcesForTenant,
} from './tenantDatasources';
export type { DatasourceUids } from './tenantDatasources';
