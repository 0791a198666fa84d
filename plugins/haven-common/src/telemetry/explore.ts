import { InputError } from '@backstage/errors';
import { showValue } from './quoting';

/*
 * Grafana Explore deep links, shared/reference/contracts.md 5.3.
 *
 * - `panes` (schema v1, the current format, the default):
 *   `<grafana>/explore?schemaVersion=1&orgId=1&panes=<JSON>` with
 *   `{ "a": { datasource: <uid>, queries: [{ refId: "A",
 *   datasource: { type, uid }, ...ds-specific }], range: { from, to } } }`.
 * - `legacy` (schema v0): `<grafana>/explore?orgId=1&left=<JSON>` with the
 *   object form `{ datasource, queries: [{ refId: "A", ... }], range }`.
 *   Grafana still migrates it to v1; generate it only when asked.
 *
 * The URL is assembled with `URL` and `URLSearchParams`, so the JSON is
 * always percent-encoded. Spaces are written `%20`, not `+`, so the link
 * reads the same to a form decoder and to `decodeURIComponent`.
 */

/** The Explore URL formats. @public */
export type ExploreUrlFormat = 'panes' | 'legacy';

/** An Explore time range: `now`, `now-1h`, a millisecond epoch or an ISO date. @public */
export interface ExploreRange {
  /** Start, e.g. `now-1h`. */
  from: string;
  /** End, e.g. `now`. */
  to: string;
}

/** Loki query fields (contracts.md 5.3): `queryType` defaults to `range`. @public */
export interface LokiExploreQuery {
  /** The LogQL query. */
  expr: string;
  /** Default `range`. */
  queryType?: 'range' | 'instant';
}

/** Tempo query fields (contracts.md 5.3): TraceQL search or a trace id. @public */
export interface TempoExploreQuery {
  /** A TraceQL query or a trace id. */
  query: string;
  /** `traceql` for a TraceQL search. */
  queryType?: 'traceql';
}

/** Prometheus (Mimir) query fields. @public */
export interface PrometheusExploreQuery {
  /** The PromQL query. */
  expr: string;
}

/** The datasource and its query. @public */
export type ExploreTarget =
  | { datasource: { uid: string; type: 'loki' }; query: LokiExploreQuery }
  | { datasource: { uid: string; type: 'tempo' }; query: TempoExploreQuery }
  | {
      datasource: { uid: string; type: 'prometheus' };
      query: PrometheusExploreQuery;
    };

/** Options of {@link exploreUrl}. @public */
export type ExploreUrlOptions = ExploreTarget & {
  /** Grafana's root URL, http(s), without query or fragment; a subpath is kept. */
  baseUrl: string;
  /** Default 1. */
  orgId?: number;
  /** Default `now-1h` to `now`. */
  range?: ExploreRange;
  /** Default `panes`. */
  format?: ExploreUrlFormat;
};

/** What {@link decodeExploreUrl} reads back from a link. @public */
export interface DecodedExploreUrl {
  /** Which URL format the link uses. */
  format: ExploreUrlFormat;
  /** The `orgId` parameter, when the link has one. */
  orgId?: number;
  /** The datasource the link opens. */
  datasourceUid: string;
  /** The datasource's type (`loki`, `tempo`, `prometheus`), when the link names it. */
  datasourceType?: string;
  /** The datasource-specific query fields, without `refId` and `datasource`. */
  query: Record<string, unknown>;
  /** The link's time range. */
  range: ExploreRange;
}

/** The range links use unless told otherwise. @public */
export const DEFAULT_EXPLORE_RANGE: ExploreRange = {
  from: 'now-1h',
  to: 'now',
};

const RANGE_VALUE =
  /^(now(-[0-9]{1,9}(ms|s|m|h|d|w|M|y))?(\/(s|m|h|d|w|M|y))?|[0-9]{1,15}|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+(Z|[+-][0-9]{2}:?[0-9]{2})?)?)$/;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Parses and checks Grafana's base URL: http(s), no query, fragment or credentials. */
function baseUrlOrThrow(baseUrl: string): URL {
  if (typeof baseUrl !== 'string' || baseUrl.length === 0) {
    throw new InputError('Grafana baseUrl must be a non-empty string');
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new InputError(
      `Grafana baseUrl ${showValue(baseUrl)} is not an absolute URL`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(
      `Grafana baseUrl ${showValue(baseUrl)} must use http or https`,
    );
  }
  if (baseUrl.includes('?') || baseUrl.includes('#')) {
    throw new InputError(
      `Grafana baseUrl ${showValue(
        baseUrl,
      )} must not have a query string or fragment`,
    );
  }
  if (url.username || url.password) {
    throw new InputError(
      `Grafana baseUrl ${showValue(baseUrl)} must not carry credentials`,
    );
  }
  return url;
}

function uidOrThrow(uid: string): string {
  if (
    typeof uid !== 'string' ||
    uid.length === 0 ||
    uid.length > 100 ||
    CONTROL.test(uid)
  ) {
    throw new InputError(
      `Grafana datasource uid ${showValue(
        String(uid),
      )} must be 1 to 100 characters without control characters`,
    );
  }
  return uid;
}

function rangeOrThrow(range: ExploreRange): ExploreRange {
  for (const key of ['from', 'to'] as const) {
    const value = range?.[key];
    if (typeof value !== 'string' || !RANGE_VALUE.test(value)) {
      throw new InputError(
        `Explore range.${key} ${showValue(
          String(value),
        )} must be now, now-<n><unit>, a millisecond epoch or an ISO date`,
      );
    }
  }
  return { from: range.from, to: range.to };
}

function nonEmpty(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InputError(`Explore query ${field} must be a non-empty string`);
  }
  return value;
}

/** Only the known fields of each datasource's query, with their defaults. */
function queryFields(target: ExploreTarget): Record<string, string> {
  const type: unknown = target.datasource?.type;
  if (type === 'loki') {
    const query = target.query as LokiExploreQuery;
    const queryType = query.queryType ?? 'range';
    if (queryType !== 'range' && queryType !== 'instant') {
      throw new InputError('Loki queryType must be range or instant');
    }
    return { expr: nonEmpty(query.expr, 'expr'), queryType };
  }
  if (type === 'tempo') {
    const query = target.query as TempoExploreQuery;
    if (query.queryType !== undefined && query.queryType !== 'traceql') {
      throw new InputError('Tempo queryType must be traceql');
    }
    return { queryType: 'traceql', query: nonEmpty(query.query, 'query') };
  }
  if (type === 'prometheus') {
    const query = target.query as PrometheusExploreQuery;
    return { expr: nonEmpty(query.expr, 'expr') };
  }
  throw new InputError(
    `Explore datasource type ${showValue(
      String(type),
    )} must be loki, tempo or prometheus`,
  );
}

/**
 * A Grafana Explore link showing one query on one datasource.
 * @public
 */
export function exploreUrl(options: ExploreUrlOptions): string {
  const url = baseUrlOrThrow(options.baseUrl);
  const orgId = options.orgId ?? 1;
  if (!Number.isSafeInteger(orgId) || orgId < 1) {
    throw new InputError('Grafana orgId must be a positive integer');
  }
  const format = options.format ?? 'panes';
  const uid = uidOrThrow(options.datasource?.uid);
  const fields = queryFields(options);
  const range = rangeOrThrow(options.range ?? DEFAULT_EXPLORE_RANGE);

  const params = new URLSearchParams();
  if (format === 'panes') {
    const panes = {
      a: {
        datasource: uid,
        queries: [
          {
            refId: 'A',
            datasource: { type: options.datasource.type, uid },
            ...fields,
          },
        ],
        range,
      },
    };
    params.set('schemaVersion', '1');
    params.set('orgId', String(orgId));
    params.set('panes', JSON.stringify(panes));
  } else if (format === 'legacy') {
    const left = {
      datasource: uid,
      queries: [{ refId: 'A', ...fields }],
      range,
    };
    params.set('orgId', String(orgId));
    params.set('left', JSON.stringify(left));
  } else {
    throw new InputError('Explore format must be panes or legacy');
  }

  url.pathname = `${url.pathname.replace(/\/+$/, '')}/explore`;
  // URLSearchParams writes a literal '+' as %2B, so every '+' left is a space.
  url.search = params.toString().replace(/\+/g, '%20');
  return url.toString();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonParam(value: string, name: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new InputError(`Explore URL parameter ${name} is not JSON`);
  }
}

function decodedRange(value: unknown): ExploreRange {
  if (!isRecord(value)) throw new InputError('Explore URL has no range');
  return { from: String(value.from), to: String(value.to) };
}

function splitQuery(query: unknown): {
  fields: Record<string, unknown>;
  uid?: string;
  type?: string;
} {
  if (!isRecord(query)) throw new InputError('Explore URL has no query');
  const { refId: _refId, datasource, ...fields } = query;
  return {
    fields,
    uid: isRecord(datasource) ? String(datasource.uid) : undefined,
    type:
      isRecord(datasource) && datasource.type !== undefined
        ? String(datasource.type)
        : undefined,
  };
}

/**
 * Reads an Explore link in either format back into its datasource uid,
 * first query and range. The query's own datasource wins over the pane's.
 * @public
 */
export function decodeExploreUrl(link: string): DecodedExploreUrl {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new InputError(`${showValue(link)} is not an absolute URL`);
  }
  const orgIdParam = url.searchParams.get('orgId');
  const orgId = orgIdParam === null ? undefined : Number(orgIdParam);
  const panesParam = url.searchParams.get('panes');
  const leftParam = url.searchParams.get('left');

  if (panesParam !== null) {
    const panes = parseJsonParam(panesParam, 'panes');
    const pane = isRecord(panes) ? Object.values(panes)[0] : undefined;
    if (!isRecord(pane) || !Array.isArray(pane.queries)) {
      throw new InputError('Explore URL panes has no pane with queries');
    }
    const { fields, uid, type } = splitQuery(pane.queries[0]);
    const datasourceUid =
      uid ?? (pane.datasource !== undefined ? String(pane.datasource) : '');
    return {
      format: 'panes',
      orgId,
      datasourceUid,
      datasourceType: type,
      query: fields,
      range: decodedRange(pane.range),
    };
  }

  if (leftParam !== null) {
    const left = parseJsonParam(leftParam, 'left');
    if (Array.isArray(left)) {
      // Compact form: [from, to, datasource, ...queries] (contracts.md 5.3).
      const [from, to, datasource, ...queries] = left;
      const { fields, uid, type } = splitQuery(queries.find(isRecord));
      return {
        format: 'legacy',
        orgId,
        datasourceUid: uid ?? String(datasource),
        datasourceType: type,
        query: fields,
        range: { from: String(from), to: String(to) },
      };
    }
    if (!isRecord(left) || !Array.isArray(left.queries)) {
      throw new InputError('Explore URL left has no queries');
    }
    const { fields, uid, type } = splitQuery(left.queries[0]);
    return {
      format: 'legacy',
      orgId,
      datasourceUid: uid ?? String(left.datasource),
      datasourceType: type,
      query: fields,
      range: decodedRange(left.range),
    };
  }

  throw new InputError('Explore URL has neither a panes nor a left parameter');
}
