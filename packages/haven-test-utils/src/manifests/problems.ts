import type { ErrorObject } from 'ajv';
import type { ManifestProblem, YamlManifestProblem } from './types';

/** Appends one key to a JSON pointer, escaping '~' and '/' (RFC 6901). */
export function pointer(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** A short description of a value for messages: its type, and the value when short. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') {
    return value.length <= 60
      ? `string ${JSON.stringify(value)}`
      : `string ${JSON.stringify(`${value.slice(0, 57)}...`)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return `${typeof value} ${String(value)}`;
  }
  return typeof value;
}

const quoted = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : String(value);

/** One ajv error (with verbose: true) as a readable problem. */
function ajvErrorToProblem(e: ErrorObject): ManifestProblem | undefined {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      return {
        path: pointer(e.instancePath, field),
        message: `unknown field "${field}"`,
      };
    }
    case 'required': {
      const field = String(params.missingProperty);
      return {
        path: pointer(e.instancePath, field),
        message: `required field "${field}" is missing`,
      };
    }
    case 'enum':
      return {
        path: e.instancePath,
        message: `must be one of ${(params.allowedValues as unknown[])
          .map(v => (v === null ? 'null' : String(v)))
          .join(', ')} (got ${quoted(e.data)})`,
      };
    case 'type': {
      const types = Array.isArray(params.type)
        ? (params.type as string[])
        : String(params.type).split(',');
      return {
        path: e.instancePath,
        message: `must be ${types.join(' or ')} (got ${describeValue(e.data)})`,
      };
    }
    case 'pattern':
      return {
        path: e.instancePath,
        message: `must match ${String(params.pattern)} (got ${quoted(e.data)})`,
      };
    case 'format':
      return {
        path: e.instancePath,
        message: `must be a valid ${String(params.format)} (got ${quoted(
          e.data,
        )})`,
      };
    case 'anyOf':
    case 'oneOf':
      // the failing branches are reported on their own
      return {
        path: e.instancePath,
        message: `${e.message ?? 'is invalid'}`,
      };
    default:
      return { path: e.instancePath, message: e.message ?? e.keyword };
  }
}

/** ajv errors as problems, without duplicates, in document order of their paths. */
export function ajvErrorsToProblems(
  errors: ErrorObject[] | null | undefined,
): ManifestProblem[] {
  const seen = new Set<string>();
  const problems: ManifestProblem[] = [];
  for (const e of errors ?? []) {
    const p = ajvErrorToProblem(e);
    if (!p) continue;
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(p);
  }
  return problems;
}

/** One problem as a line: `where path: message`. */
export function formatManifestProblem(
  p: ManifestProblem | YamlManifestProblem,
): string {
  const where = 'where' in p ? `${p.where} ` : '';
  return `${where}${p.path || '/'}: ${p.message}`;
}
