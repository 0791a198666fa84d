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
 * Assumptions not covered by contracts.md [inf]:
 * - OTel names become Prometheus names with dots as underscores and the
 *   unit as a suffix (`add_metric_suffixes`, on by default in Alloy's
 *   otelcol.exporter.prometheus), so the stable HTTP semantic convention
 *   histogram `http.server.request.duration` (unit `s`) is queried as
 *   `http_server_request_duration_seconds_count`.
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
 * `sum(rate(http_server_request_duration_seconds_count{service_name="x"[, service_namespace="ns"]}[5m]))`.
 * @public
 */
export function serviceRequestRate(
  identity: TelemetryIdentity,
  range: string = '5m',
): string {
  const selector = promSelector(
    serviceMetricMatchers(identity),
    HTTP_SERVER_REQUEST_COUNT_METRIC,
  );
  return `sum(rate(${selector}[${rangeOrThrow(range, 'PromQL')}]))`;
}
