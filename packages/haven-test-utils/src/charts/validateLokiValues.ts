import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import {
  describeValue,
  formatValuePath,
  isPlainObject,
} from '@haven-plus/plugin-haven-node';

/** One way the values break the chart's values.schema.json. */
export interface SchemaProblem {
  /** e.g. `singleBinary.replicas`; `(top level)` for the root. */
  path: string;
  message: string;
}

export interface ValidateLokiValuesOptions {
  /**
   * The chart's values.yaml. When given, the values are validated the way
   * Helm does: coalesced onto these defaults first (maps merge, null deletes a
   * key, lists and scalars replace).
   */
  defaults?: Record<string, unknown>;
}

/** Helm's coalescing of user values onto chart defaults. */
export function coalesceValues(defaults: unknown, values: unknown): unknown {
  if (!isPlainObject(defaults) || !isPlainObject(values)) {
    return values === undefined ? defaults : values;
  }
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(values)) {
    if (value === null) delete out[key];
    else out[key] = coalesceValues(defaults[key], value);
  }
  return out;
}

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * The ajv class for the schema's `$schema`: draft-07 (and older drafts ajv 8
 * understands the same way: 06) → Ajv; 2019-09 → Ajv2019; 2020-12 → Ajv2020.
 * Loki's values.schema.json says draft-07.
 */
function compile(schema: Record<string, unknown>): ValidateFunction {
  const cached = compiled.get(schema);
  if (cached) return cached;
  const draft = typeof schema.$schema === 'string' ? schema.$schema : '';
  // Formats are not checked: ajv-formats is not a dependency of this package
  // (Loki's schema uses none).
  const options = {
    strict: false,
    allErrors: true,
    verbose: true,
    validateFormats: false,
  };
  let ajv: Ajv;
  if (draft.includes('2020-12')) ajv = new Ajv2020(options);
  else if (draft.includes('2019-09')) ajv = new Ajv2019(options);
  else if (draft === '' || /draft-0[67]/.test(draft)) ajv = new Ajv(options);
  else {
    throw new Error(
      `values.schema.json uses ${draft}, which this check does not support (draft-07, 2019-09 and 2020-12 are)`,
    );
  }
  // The $schema and $id of a chart's schema are informative; ajv would try
  // to resolve a foreign meta-schema and register the $id globally.
  const { $schema: _draft, $id: _id, ...body } = schema;
  const validate = ajv.compile(body);
  compiled.set(schema, validate);
  return validate;
}

function pathOf(instancePath: string, extra?: string): string {
  const keys = instancePath
    .split('/')
    .slice(1)
    .map(k => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map(k => (/^\d+$/.test(k) ? Number(k) : k));
  return formatValuePath(extra === undefined ? keys : [...keys, extra]);
}

function toProblem(e: ErrorObject): SchemaProblem {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': {
      const types = Array.isArray(params.type)
        ? (params.type as string[])
        : String(params.type).split(',');
      return {
        path: pathOf(e.instancePath),
        message: `must be ${types.join(' or ')}, got ${describeValue(e.data)}`,
      };
    }
    case 'enum':
      return {
        path: pathOf(e.instancePath),
        message: `must be one of ${(params.allowedValues as unknown[])
          .map(v => JSON.stringify(v))
          .join(', ')}, got ${describeValue(e.data)}`,
      };
    case 'additionalProperties':
      return {
        path: pathOf(e.instancePath, String(params.additionalProperty)),
        message: 'not allowed by the schema (additionalProperties: false)',
      };
    case 'required':
      return {
        path: pathOf(e.instancePath, String(params.missingProperty)),
        message: 'required by the schema, missing',
      };
    default:
      return {
        path: pathOf(e.instancePath),
        message: `${e.message ?? e.keyword} (${e.keyword})`,
      };
  }
}

/**
 * Validates Loki Helm values against the chart's values.schema.json with ajv
 * (strict: false, allErrors: true), returning readable problems (empty when
 * valid). `anyOf`/`oneOf` failures are reported once, at their own path,
 * rather than once per branch.
 */
export function validateLokiValues(
  values: unknown,
  schema: Record<string, unknown>,
  options: ValidateLokiValuesOptions = {},
): SchemaProblem[] {
  const validate = compile(schema);
  const data = options.defaults
    ? coalesceValues(options.defaults, values)
    : values;
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const combinators = errors.filter(
    e => e.keyword === 'anyOf' || e.keyword === 'oneOf',
  );
  const problems = errors
    .filter(
      e =>
        e.keyword === 'anyOf' ||
        e.keyword === 'oneOf' ||
        !combinators.some(c => e.schemaPath.startsWith(`${c.schemaPath}/`)),
    )
    .map(toProblem);
  const seen = new Set<string>();
  return problems.filter(p => {
    const key = `${p.path}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
