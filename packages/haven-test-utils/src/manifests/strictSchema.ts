import type { SkippedRule } from './types';

/**
 * A Kubernetes structural schema (CRD `openAPIV3Schema`, OpenAPI v3.0 with
 * the x-kubernetes-* extensions), as read from YAML.
 */
export type K8sSchema = { [keyword: string]: unknown };

/** A JSON schema for ajv (draft-07 vocabulary). */
export type AjvSchema = { [keyword: string]: unknown } | boolean;

/** The formats the validator checks; any other format is ignored, as the API server ignores unknown formats. */
export const CHECKED_FORMATS = ['byte', 'date-time', 'int32', 'int64'];

/** Value keywords copied unchanged into the ajv schema. */
const COPIED = [
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'required',
] as const;

export interface StrictSchemaResult {
  schema: AjvSchema;
  /** x-kubernetes-validations (CEL), which ajv cannot evaluate, and patterns JavaScript cannot compile (dropped). */
  skippedRules: SkippedRule[];
}

export interface StrictSchemaOptions {
  /**
   * Replaces the root `metadata` schema with `true`: the caller validates
   * ObjectMeta itself (a CRD schema only says `metadata: {type: object}`).
   */
  skipRootMetadata?: boolean;
}

/**
 * Turns a Kubernetes structural schema into an ajv schema that is as strict
 * as the API server under `fieldValidation=Strict`, where the server would
 * otherwise prune unknown fields silently:
 *
 * - an object with `properties` and no `additionalProperties` gets
 *   `additionalProperties: false`, unless it has
 *   `x-kubernetes-preserve-unknown-fields: true`;
 * - an object with neither `properties` nor `additionalProperties` nor
 *   `x-kubernetes-preserve-unknown-fields` (a Go empty struct) keeps no field
 *   either: the API server prunes every field of it;
 * - `x-kubernetes-int-or-string: true` accepts an integer or a string;
 * - `x-kubernetes-preserve-unknown-fields: true` without a type allows any value;
 * - `nullable: true` allows null;
 * - `x-kubernetes-validations` (CEL) are listed, not evaluated;
 * - inside anyOf/allOf/oneOf/not (value validations only, in a structural
 *   schema) nothing is made strict: those branches never declare all fields.
 *
 * Sources: kubernetes/apiextensions-apiserver `pkg/apiserver/schema`
 * (structural.go, pruning/algorithm.go) and the CRD documentation
 * "Specifying a structural schema" and "Field pruning".
 */
export function toStrictSchema(
  root: K8sSchema,
  options: StrictSchemaOptions = {},
): StrictSchemaResult {
  const skippedRules: SkippedRule[] = [];

  const convert = (
    s: K8sSchema,
    path: string,
    inJunctor: boolean,
  ): AjvSchema => {
    const out: { [keyword: string]: unknown } = {};
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    const intOrString = s['x-kubernetes-int-or-string'] === true;

    for (const keyword of COPIED) {
      if (s[keyword] !== undefined) out[keyword] = s[keyword];
    }
    if (typeof out.pattern === 'string') {
      try {
        // ajv compiles patterns with the u flag
        // eslint-disable-next-line no-new
        new RegExp(out.pattern, 'u');
      } catch {
        skippedRules.push({ type: 'pattern', path, rule: out.pattern });
        delete out.pattern;
      }
    }
    // OpenAPI v3.0 booleans to draft-07 numbers
    if (s.exclusiveMinimum === true && typeof s.minimum === 'number') {
      out.exclusiveMinimum = s.minimum;
      delete out.minimum;
    }
    if (s.exclusiveMaximum === true && typeof s.maximum === 'number') {
      out.exclusiveMaximum = s.maximum;
      delete out.maximum;
    }
    if (typeof s.format === 'string' && CHECKED_FORMATS.includes(s.format)) {
      out.format = s.format;
    }

    let type: unknown = s.type;
    if (intOrString) type = ['integer', 'string'];
    if (type !== undefined) {
      if (s.nullable === true) {
        type = [...(Array.isArray(type) ? type : [type]), 'null'];
        if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
      }
      out.type = type;
    }

    if (Array.isArray(s['x-kubernetes-validations'])) {
      for (const v of s['x-kubernetes-validations'] as K8sSchema[]) {
        skippedRules.push({
          type: 'x-kubernetes-validations',
          path: path || '/',
          rule: String(v.rule),
          ...(typeof v.message === 'string' ? { message: v.message } : {}),
        });
      }
    }

    const properties = s.properties as Record<string, K8sSchema> | undefined;
    if (properties) {
      const props: Record<string, AjvSchema> = {};
      for (const [name, child] of Object.entries(properties)) {
        props[name] =
          options.skipRootMetadata && path === '' && name === 'metadata'
            ? true
            : convert(child, `${path}/${name}`, inJunctor);
      }
      out.properties = props;
    }
    if (s.additionalProperties !== undefined) {
      out.additionalProperties =
        typeof s.additionalProperties === 'object' &&
        s.additionalProperties !== null
          ? convert(s.additionalProperties as K8sSchema, `${path}/*`, inJunctor)
          : s.additionalProperties;
    } else if (!preserve && !inJunctor && (properties || s.type === 'object')) {
      out.additionalProperties = false;
    }
    if (s.items && typeof s.items === 'object') {
      out.items = convert(s.items as K8sSchema, `${path}/[]`, inJunctor);
    }

    for (const junctor of ['anyOf', 'allOf', 'oneOf'] as const) {
      const branches = s[junctor];
      if (!Array.isArray(branches)) continue;
      // the int-or-string idiom anyOf [{type: integer}, {type: string}] is covered by type
      if (intOrString && junctor === 'anyOf') continue;
      out[junctor] = (branches as K8sSchema[]).map(b => convert(b, path, true));
    }
    if (s.not && typeof s.not === 'object') {
      out.not = convert(s.not as K8sSchema, path, true);
    }
    return out;
  };

  return { schema: convert(root, '', false), skippedRules };
}
