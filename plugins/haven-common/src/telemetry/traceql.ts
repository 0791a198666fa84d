import { InputError } from '@backstage/errors';
import type { TelemetryIdentity } from '../annotations';
import { goQuotedString, serviceNameOrThrow, showValue } from './quoting';

/*
 * TraceQL for Tempo search (`GET /api/search?q=<TraceQL>`) and Grafana's
 * Tempo datasource, shared/reference/contracts.md 5.2 and 5.3. Tempo keeps
 * the OTel attribute names as they are, so the filter reads
 * `resource.service.name`, for example
 * `{ resource.service.name = "orders" }` (contracts.md 5.3).
 * Values go in only through `traceqlString`.
 */

/** A TraceQL duration such as `500ms` or `1s` (ns, us, ms, s, m, h). @public */
export const TRACEQL_DURATION = /^[0-9]{1,9}(ns|us|ms|s|m|h)$/;

/** A trace id: 1 to 32 hex digits. @public */
export const TRACE_ID = /^[0-9a-fA-F]{1,32}$/;

/**
 * A TraceQL double-quoted string literal holding exactly `value`.
 * @public
 */
export function traceqlString(value: string): string {
  return goQuotedString(value, 'TraceQL');
}

/** The conditions that pick the service's spans, without the braces. */
function serviceConditions(identity: TelemetryIdentity): string[] {
  const conditions = [
    `resource.service.name = ${traceqlString(
      serviceNameOrThrow(identity.serviceName),
    )}`,
  ];
  if (identity.serviceNamespace) {
    conditions.push(
      `resource.service.namespace = ${traceqlString(
        identity.serviceNamespace,
      )}`,
    );
  }
  return conditions;
}

function spanset(conditions: string[]): string {
  return `{ ${conditions.join(' && ')} }`;
}

/**
 * `{ resource.service.name = "<name>" [&& resource.service.namespace = "<ns>"] }`.
 * @public
 */
export function serviceTraceFilter(identity: TelemetryIdentity): string {
  return spanset(serviceConditions(identity));
}

/** Returns `threshold` when it is a positive TraceQL duration; throws otherwise. @public */
export function traceqlDurationOrThrow(threshold: string): string {
  if (
    typeof threshold !== 'string' ||
    !TRACEQL_DURATION.test(threshold) ||
    /^0+[a-z]+$/.test(threshold)
  ) {
    throw new InputError(
      `TraceQL duration ${showValue(
        String(threshold),
      )} must be a positive whole number followed by ns, us, ms, s, m or h (for example 1s)`,
    );
  }
  return threshold;
}

/**
 * Returns `traceId` when it is 1 to 32 hex digits (Tempo search returns
 * hex ids, contracts.md 5.2); throws InputError otherwise.
 * @public
 */
export function traceIdOrThrow(traceId: string): string {
  if (typeof traceId !== 'string' || !TRACE_ID.test(traceId)) {
    throw new InputError(
      `trace id ${showValue(String(traceId))} must be 1 to 32 hex digits`,
    );
  }
  return traceId;
}

/** The TraceQL searches the entity page runs or links to. @public */
export interface TraceQueries {
  /** Every span of the service. */
  all: string;
  /**
   * Every span of the service, each returned with its status:
   * `{ <service> } | select(status)`. Tempo returns the selected attributes
   * on the spans of each trace's `spanSets` (contracts.md 5.2 shows
   * `{"key":"status","value":{"stringValue":"error"}}`), at most `spss` of
   * them per trace, so one search finds the traces and whether they failed.
   */
  allWithStatus: string;
  /** The service's spans with `status = error`. */
  errors: string;
  /** The service's spans longer than `threshold`, for example `1s`. */
  slow: (threshold: string) => string;
}

/** The entity's TraceQL searches. @public */
export function traceQueries(identity: TelemetryIdentity): TraceQueries {
  const conditions = serviceConditions(identity);
  const all = spanset(conditions);
  return {
    all,
    allWithStatus: `${all} | select(status)`,
    errors: spanset([...conditions, 'status = error']),
    slow: threshold =>
      spanset([
        ...conditions,
        `duration > ${traceqlDurationOrThrow(threshold)}`,
      ]),
  };
}
