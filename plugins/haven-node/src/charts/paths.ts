/** One step into Helm values: a map key, or an index into a list. @public */
export type ValuePathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * A values path as people write it: `loki.storage.s3.bucketNames`, with list
 * indexes as `[0]` and keys that are not plain words quoted:
 * `datasources["datasources.yaml"].apiVersion`, `grafana["grafana.ini"]`.
 * @public
 */
export function formatValuePath(path: readonly ValuePathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out || '(top level)';
}

/** True for a map (a non-null object that is not a list), as YAML or JSON parses one. @public */
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export type ValueKind = 'map' | 'list' | 'scalar' | 'null';

export function kindOf(value: unknown): ValueKind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'map' : 'scalar';
}

/** A short description of a value for messages. @public */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'an empty map {}';
    const shown = keys.slice(0, 6).join(', ');
    return `a map (keys: ${shown}${keys.length > 6 ? ', …' : ''})`;
  }
  if (typeof value === 'string') {
    const s = value.length <= 40 ? value : `${value.slice(0, 37)}...`;
    return `the string ${JSON.stringify(s)}`;
  }
  return `the ${typeof value} ${String(value)}`;
}
