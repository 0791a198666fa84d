import { InputError } from '@backstage/errors';
import type { TelemetryIdentity } from '../annotations';
import {
  goQuotedString,
  LabelMatcher,
  printLabelMatcher,
  rangeOrThrow,
  serviceNameOrThrow,
  showValue,
} from './quoting';

/*
 * A minimal PromQL selector builder for Mimir, which takes the apps' OTLP
 * metrics at `/otlp` (shared/reference/contracts.md 4). Values go in only
 * through `promqlString`.
 *
 * Metric names as they land in Mimir. Mimir's OTLP endpoint translates OTel
 * names with prometheus/otlptranslator: every run of characters outside
 * [A-Za-z0-9:] becomes "_" (metric_namer.go), and only with
 * `limits.otel_metric_suffixes_enabled` (-distributor.otel-metric-suffixes-
 * enabled, default false: grafana/mimir pkg/util/validation/limits.go) does
 * it add the unit (ms -> milliseconds, s -> seconds, By -> bytes; "1" and
 * {annotations} add nothing; not when the name already has that token) and
 * `_total` for a monotonic counter. The observability stack Haven+ renders
 * turns suffixes on (MIMIR_OTEL_METRIC_SUFFIXES), so names follow the
 * Prometheus conventions: Open WebUI's counter `http.server.requests`
 * (unit "1") is `http_server_requests_total`, the stable HTTP semantic
 * convention histogram `http.server.request.duration` (unit s) is
 * `http_server_request_duration_seconds_count` (histograms: _bucket, _sum,
 * _count after the suffixes).
 * - The resource attributes `service.name` and `service.namespace` are on
 *   the series as `service_name` and `service_namespace`. Mimir's OTLP
 *   endpoint does not do this by default (it puts `service.namespace/
 *   service.name` in `job` and the rest in `target_info`); it needs the
 *   attributes promoted (Mimir's OTel resource-attribute promotion, or an
 *   Alloy transform).
 */

/** A Prometheus metric name. @public */
export const PROMETHEUS_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** The OTel HTTP server duration histogram's request count, in Prometheus naming. @public */
export const HTTP_SERVER_REQUEST_COUNT_METRIC =
  'http_server_request_duration_seconds_count';

/**
 * Whether the Mimir of the Haven+ observability stack adds unit and
 * `_total` suffixes to OTLP metric names (it sets
 * `limits.otel_metric_suffixes_enabled` to this).
 * @public
 */
export const MIMIR_OTEL_METRIC_SUFFIXES = true;

/** An OTel metric instrument, as an app emits it. @public */
export interface OtelMetric {
  /** e.g. http.server.requests */
  name: string;
  /** The instrument kind. */
  type: 'counter' | 'histogram' | 'gauge';
  /** UCUM unit, e.g. `1`, `ms`, `s`, `\{request\}`. */
  unit: string;
}

const UNIT_WORDS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  '%': 'percent',
  '1': '',
};

/**
 * The Prometheus series that counts an instrument's events, as Mimir
 * stores it: a counter's own series, a histogram's `_count`. With
 * `suffixes` (MIMIR_OTEL_METRIC_SUFFIXES) the unit and `_total` are added
 * as described above.
 * @public
 */
export function prometheusCountSeries(
  metric: OtelMetric,
  suffixes: boolean = MIMIR_OTEL_METRIC_SUFFIXES,
): string {
  if (metric.type === 'gauge') {
    throw new InputError(
      `${metric.name} is a gauge: it has no count of events to take a rate of`,
    );
  }
  const tokens = metric.name.split(/[^A-Za-z0-9:]+/).filter(Boolean);
  if (suffixes) {
    // Units in braces are annotations and dropped; unknown units are kept.
    const unit = metric.unit.includes('{')
      ? ''
      : UNIT_WORDS[metric.unit] ?? metric.unit.replace(/[^A-Za-z0-9:]+/g, '_');
    if (unit && !tokens.includes(unit)) tokens.push(unit);
    if (metric.type === 'counter' && tokens[tokens.length - 1] !== 'total') {
      tokens.push('total');
    }
  }
  const name = tokens.join('_');
  const series = metric.type === 'histogram' ? `${name}_count` : name;
  if (!PROMETHEUS_METRIC_NAME.test(series)) {
    throw new InputError(
      `${metric.name} does not make a Prometheus metric name (${series})`,
    );
  }
  return series;
}

/** One `label op "value"` matcher of a Prometheus selector. @public */
export type PromqlMatcher = LabelMatcher;

/**
 * A PromQL double-quoted string literal holding exactly `value`.
 * @public
 */
export function promqlString(value: string): string {
  return goQuotedString(value, 'PromQL');
}

/**
 * A PromQL instant-vector selector: `metric{a="x", b!="y"}`, or
 * `{a="x"}` without a metric name. Label names must match
 * `[a-zA-Z_][a-zA-Z0-9_]*`; values are always quoted with `promqlString`.
 * @public
 */
export function promSelector(
  matchers: ReadonlyArray<PromqlMatcher>,
  metric?: string,
): string {
  if (
    metric !== undefined &&
    (typeof metric !== 'string' || !PROMETHEUS_METRIC_NAME.test(metric))
  ) {
    throw new InputError(
      `PromQL metric name ${showValue(
        String(metric),
      )} must match [a-zA-Z_:][a-zA-Z0-9_:]*`,
    );
  }
  if (!Array.isArray(matchers) || (matchers.length === 0 && !metric)) {
    throw new InputError(
      'a PromQL selector needs a metric name or at least one matcher',
    );
  }
  const body = matchers.map(m => printLabelMatcher(m, 'PromQL')).join(', ');
  return `${metric ?? ''}{${body}}`;
}

/** The matchers that pick the service's series (see the assumptions above). @public */
export function serviceMetricMatchers(
  identity: TelemetryIdentity,
): PromqlMatcher[] {
  const matchers: PromqlMatcher[] = [
    {
      label: 'service_name',
      op: '=',
      value: serviceNameOrThrow(identity.serviceName),
    },
  ];
  if (identity.serviceNamespace) {
    matchers.push({
      label: 'service_namespace',
      op: '=',
      value: identity.serviceNamespace,
    });
  }
  return matchers;
}

/**
 * The service's HTTP server request rate, per second:
 * `sum(rate(<count series>{service_name="x"[, service_namespace="ns"]}[5m]))`,
 * the count series being the entity's `haven.plus/request-metric` or
 * HTTP_SERVER_REQUEST_COUNT_METRIC.
 * @public
 */
export function serviceRequestRate(
  identity: TelemetryIdentity,
  range: string = '5m',
): string {
  const selector = promSelector(
    serviceMetricMatchers(identity),
    identity.requestMetric ?? HTTP_SERVER_REQUEST_COUNT_METRIC,
  );
  return `sum(rate(${selector}[${rangeOrThrow(range, 'PromQL')}]))`;
}
