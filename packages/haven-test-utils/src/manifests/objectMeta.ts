import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  maskTrailingDash,
} from './k8sNames';
import { describeValue, pointer } from './problems';
import type { ManifestProblem } from './types';

/** How metadata.name of a kind is checked (apimachinery `pkg/api/validation/generic.go`). */
export type NameRule = 'DNS1123Subdomain' | 'DNS1123Label';

export interface ObjectMetaRules {
  kind: string;
  /** Namespaced: metadata.namespace is required; Cluster: it is forbidden. */
  scope: 'Namespaced' | 'Cluster';
  /**
   * NameIsDNSSubdomain for custom resources (apiextensions-apiserver
   * `pkg/registry/customresource/validator.go`), ServiceAccount and Ingress;
   * NameIsDNSLabel for Namespace (ValidateNamespaceName).
   */
  name: NameRule;
}

/**
 * apimachinery `pkg/api/validation/objectmeta.go` TotalAnnotationSizeLimitB.
 */
const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * (1 << 10);

/** Fields of an OwnerReference (apimachinery `pkg/apis/meta/v1/types.go`). */
const OWNER_REFERENCE_FIELDS = [
  'apiVersion',
  'kind',
  'name',
  'uid',
  'controller',
  'blockOwnerDeletion',
];

/**
 * The fields of ObjectMeta a manifest may set on create. The others
 * (uid, resourceVersion, generation, creationTimestamp, deletionTimestamp,
 * deletionGracePeriodSeconds, managedFields, selfLink) are written by the API
 * server; in a generated manifest they are a mistake, reported as unknown.
 */
const METADATA_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'labels',
  'annotations',
  'finalizers',
  'ownerReferences',
];

const SERVER_SET_FIELDS = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
];

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks `metadata` as the API server does on create: ValidateObjectMeta in
 * apimachinery `pkg/api/validation/objectmeta.go`, and ValidateLabels in
 * `pkg/apis/meta/v1/validation/validation.go`.
 */
export function validateObjectMeta(
  metadata: unknown,
  rules: ObjectMetaRules,
): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const add = (path: string, message: string) =>
    problems.push({ path, message });

  if (metadata === undefined) {
    add('/metadata', 'required field "metadata" is missing');
    return problems;
  }
  if (!isPlainObject(metadata)) {
    add('/metadata', `must be object (got ${describeValue(metadata)})`);
    return problems;
  }

  for (const key of Object.keys(metadata)) {
    if (!METADATA_FIELDS.includes(key)) {
      add(
        pointer('/metadata', key),
        SERVER_SET_FIELDS.includes(key)
          ? `unknown field "${key}" (set by the API server, not by a manifest)`
          : `unknown field "${key}"`,
      );
    }
  }

  const checkName = (value: string): string[] =>
    rules.name === 'DNS1123Label'
      ? isDNS1123Label(value)
      : isDNS1123Subdomain(value);

  const { name, generateName, namespace } = metadata;
  if (name === undefined && generateName === undefined) {
    add('/metadata/name', 'required field "name" is missing');
  }
  if (name !== undefined) {
    if (typeof name !== 'string') {
      add('/metadata/name', `must be string (got ${describeValue(name)})`);
    } else {
      for (const m of checkName(name)) {
        add('/metadata/name', `invalid name "${name}": ${m}`);
      }
    }
  }
  if (generateName !== undefined) {
    if (typeof generateName !== 'string') {
      add(
        '/metadata/generateName',
        `must be string (got ${describeValue(generateName)})`,
      );
    } else {
      for (const m of checkName(maskTrailingDash(generateName))) {
        add(
          '/metadata/generateName',
          `invalid name prefix "${generateName}": ${m}`,
        );
      }
    }
  }

  if (rules.scope === 'Namespaced') {
    if (namespace === undefined) {
      add(
        '/metadata/namespace',
        `required field "namespace" is missing (${rules.kind} is namespaced)`,
      );
    }
  } else if (namespace !== undefined) {
    add('/metadata/namespace', `not allowed: ${rules.kind} is cluster-scoped`);
  }
  if (namespace !== undefined && rules.scope === 'Namespaced') {
    if (typeof namespace !== 'string') {
      add(
        '/metadata/namespace',
        `must be string (got ${describeValue(namespace)})`,
      );
    } else {
      for (const m of isDNS1123Label(namespace)) {
        add('/metadata/namespace', `invalid namespace "${namespace}": ${m}`);
      }
    }
  }

  problems.push(...validateLabels(metadata.labels, '/metadata/labels'));
  problems.push(
    ...validateAnnotations(metadata.annotations, '/metadata/annotations'),
  );
  problems.push(...validateFinalizers(metadata.finalizers));
  problems.push(...validateOwnerReferences(metadata.ownerReferences));
  return problems;
}

/** ValidateLabels: keys IsQualifiedName, values IsValidLabelValue, all strings. */
export function validateLabels(
  labels: unknown,
  path: string,
): ManifestProblem[] {
  if (labels === undefined) return [];
  if (!isPlainObject(labels)) {
    return [{ path, message: `must be object (got ${describeValue(labels)})` }];
  }
  const problems: ManifestProblem[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const at = pointer(path, key);
    for (const m of isQualifiedName(key)) {
      problems.push({ path: at, message: `invalid label key "${key}": ${m}` });
    }
    if (typeof value !== 'string') {
      problems.push({
        path: at,
        message: `label value must be string (got ${describeValue(
          value,
        )}); quote it in YAML`,
      });
      continue;
    }
    for (const m of isValidLabelValue(value)) {
      problems.push({
        path: at,
        message: `invalid label value "${value}": ${m}`,
      });
    }
  }
  return problems;
}

/**
 * ValidateAnnotations: keys IsQualifiedName (of the lower-cased key), values
 * strings, total size of keys and values at most 256 KiB.
 */
export function validateAnnotations(
  annotations: unknown,
  path: string,
): ManifestProblem[] {
  if (annotations === undefined) return [];
  if (!isPlainObject(annotations)) {
    return [
      { path, message: `must be object (got ${describeValue(annotations)})` },
    ];
  }
  const problems: ManifestProblem[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const at = pointer(path, key);
    for (const m of isQualifiedName(key.toLowerCase())) {
      problems.push({
        path: at,
        message: `invalid annotation key "${key}": ${m}`,
      });
    }
    if (typeof value !== 'string') {
      problems.push({
        path: at,
        message: `annotation value must be string (got ${describeValue(
          value,
        )}); quote it in YAML`,
      });
      continue;
    }
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT_B) {
    problems.push({
      path,
      message: `annotations may not exceed ${TOTAL_ANNOTATION_SIZE_LIMIT_B} bytes in total (got ${size})`,
    });
  }
  return problems;
}

/** ValidateFinalizers / ValidateFinalizerName: each IsQualifiedName. */
function validateFinalizers(finalizers: unknown): ManifestProblem[] {
  const path = '/metadata/finalizers';
  if (finalizers === undefined) return [];
  if (!Array.isArray(finalizers)) {
    return [
      { path, message: `must be array (got ${describeValue(finalizers)})` },
    ];
  }
  const problems: ManifestProblem[] = [];
  finalizers.forEach((f, i) => {
    const at = `${path}/${i}`;
    if (typeof f !== 'string') {
      problems.push({
        path: at,
        message: `must be string (got ${describeValue(f)})`,
      });
      return;
    }
    for (const m of isQualifiedName(f)) {
      problems.push({ path: at, message: `invalid finalizer "${f}": ${m}` });
    }
  });
  return problems;
}

/**
 * ValidateOwnerReferences (apimachinery `pkg/api/validation/objectmeta.go`):
 * apiVersion, kind, name and uid required, at most one controller.
 */
function validateOwnerReferences(refs: unknown): ManifestProblem[] {
  const path = '/metadata/ownerReferences';
  if (refs === undefined) return [];
  if (!Array.isArray(refs)) {
    return [{ path, message: `must be array (got ${describeValue(refs)})` }];
  }
  const problems: ManifestProblem[] = [];
  let controllers = 0;
  refs.forEach((ref, i) => {
    const at = `${path}/${i}`;
    if (!isPlainObject(ref)) {
      problems.push({
        path: at,
        message: `must be object (got ${describeValue(ref)})`,
      });
      return;
    }
    for (const key of Object.keys(ref)) {
      if (!OWNER_REFERENCE_FIELDS.includes(key)) {
        problems.push({
          path: pointer(at, key),
          message: `unknown field "${key}"`,
        });
      }
    }
    for (const key of ['apiVersion', 'kind', 'name', 'uid']) {
      const value = ref[key];
      if (value === undefined || value === '') {
        problems.push({
          path: pointer(at, key),
          message: `required field "${key}" is missing`,
        });
      } else if (typeof value !== 'string') {
        problems.push({
          path: pointer(at, key),
          message: `must be string (got ${describeValue(value)})`,
        });
      }
    }
    for (const key of ['controller', 'blockOwnerDeletion']) {
      const value = ref[key];
      if (value !== undefined && typeof value !== 'boolean') {
        problems.push({
          path: pointer(at, key),
          message: `must be boolean (got ${describeValue(value)})`,
        });
      }
    }
    if (ref.controller === true) controllers++;
  });
  if (controllers > 1) {
    problems.push({
      path,
      message: `only one reference can have controller set to true (found ${controllers})`,
    });
  }
  return problems;
}
