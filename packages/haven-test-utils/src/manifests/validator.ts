import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
// yaml is only a devDependency of this package (the validator is for tests);
// moving it to dependencies would make this directive unnecessary.
import { parseAllDocuments } from 'yaml';
import { REFERENCE_DIR } from '../reference';
import { CORE_KINDS } from './coreSchemas';
import { KUSTOMIZATION_SCHEMA } from './kustomizeSchema';
import { validateObjectMeta, type NameRule } from './objectMeta';
import { ajvErrorsToProblems, describeValue } from './problems';
import { toStrictSchema, type K8sSchema } from './strictSchema';
import { typedModelProblems } from './typedModels';
import type {
  KnownKind,
  ManifestProblem,
  ManifestScope,
  ManifestValidator,
  SkippedRule,
  YamlManifestProblem,
} from './types';

export interface ManifestValidatorOptions {
  /**
   * The reference folder holding crds/: this package's reference/ (the
   * default), or an upstream folder of CRD YAML files.
   */
  referenceDir?: string;
}

interface ServedVersion {
  /** Compiled on first use: the two ESO store schemas take ~0.5 s each. */
  validator(): ValidateFunction;
  skippedRules: SkippedRule[];
}

interface KindEntry {
  /** '' for the core group */
  group: string;
  kind: string;
  scope: ManifestScope;
  name: NameRule;
  source: string;
  served: Map<string, ServedVersion>;
  /** Versions a CRD defines but does not serve, with why. */
  notServed: Map<string, string>;
}

interface Crd {
  kind: string;
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: { kind: string };
    versions: Array<{
      name: string;
      served: boolean;
      deprecated?: boolean;
      schema?: { openAPIV3Schema?: K8sSchema };
    }>;
  };
}

const KUSTOMIZE_GROUP = 'kustomize.config.k8s.io';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const apiVersionOf = (group: string, version: string) =>
  group ? `${group}/${version}` : version;

function splitApiVersion(apiVersion: string): {
  group: string;
  version: string;
} {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : {
        group: apiVersion.slice(0, slash),
        version: apiVersion.slice(slash + 1),
      };
}

function createAjv(): Ajv {
  return new Ajv({
    allErrors: true,
    strict: false,
    verbose: true,
    // the formats kube-openapi's strfmt checks for the types CRDs use
    formats: {
      // base64.StdEncoding
      byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
      // RFC 3339
      'date-time':
        /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/,
      int32: {
        type: 'number',
        validate: (n: number) =>
          Number.isInteger(n) && n >= -2147483648 && n <= 2147483647,
      },
      int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
    },
  });
}

function readCrds(crdDir: string): Array<{ file: string; crd: Crd }> {
  const out: Array<{ file: string; crd: Crd }> = [];
  for (const file of fs.readdirSync(crdDir).sort()) {
    // the extract's JSON (reference/crds) or the upstream YAML files
    if (!/\.(ya?ml|json)$/.test(file)) continue;
    const text = fs.readFileSync(path.join(crdDir, file), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        throw new Error(`${file}: ${doc.errors[0].message}`);
      }
      const crd = doc.toJS() as Crd | null;
      if (crd?.kind === 'CustomResourceDefinition') out.push({ file, crd });
    }
  }
  return out;
}

/**
 * A strict validator of the manifests the product generates: the custom
 * resources of every CRD in <reference>/crds (at their served versions;
 * by default the extract in this package's reference/crds), the
 * built-in kinds v1 Namespace, v1 ServiceAccount, networking.k8s.io/v1
 * Ingress, and kustomize's kustomization.yaml. Unknown fields are errors, as
 * under `kubectl apply --validate=strict`; CEL rules are not evaluated (see
 * KnownKind.skippedRules). Throws when the CRD folder is absent.
 */
export function loadManifestValidator(
  options: ManifestValidatorOptions = {},
): ManifestValidator {
  const referenceDir = options.referenceDir ?? REFERENCE_DIR;
  const crdDir = referenceDir && path.join(referenceDir, 'crds');
  if (!crdDir || !fs.existsSync(crdDir)) {
    throw new Error(
      `no CRD folder at ${
        crdDir ?? 'reference/crds'
      }: pass a referenceDir that holds crds/`,
    );
  }

  const ajv = createAjv();
  const entries = new Map<string, KindEntry>();
  // identical strict schemas (SecretStore and ClusterSecretStore) compile once
  const compiled = new Map<string, ValidateFunction>();
  const compile = (
    schema: K8sSchema,
    skipRootMetadata: boolean,
  ): ServedVersion => {
    const strict = toStrictSchema(schema, { skipRootMetadata });
    let validateFn: ValidateFunction | undefined;
    return {
      validator: () => {
        if (!validateFn) {
          const key = JSON.stringify(strict.schema);
          validateFn =
            compiled.get(key) ?? ajv.compile(strict.schema as object);
          compiled.set(key, validateFn);
        }
        return validateFn;
      },
      skippedRules: strict.skippedRules,
    };
  };

  for (const { file, crd } of readCrds(crdDir)) {
    const { group, scope, names, versions } = crd.spec;
    const entry: KindEntry = {
      group,
      kind: names.kind,
      scope,
      name: 'DNS1123Subdomain',
      source: file,
      served: new Map(),
      notServed: new Map(),
    };
    for (const v of versions) {
      if (!v.served) {
        entry.notServed.set(
          v.name,
          `in the CRD with served: false${v.deprecated ? ', deprecated' : ''}`,
        );
        continue;
      }
      const schema = v.schema?.openAPIV3Schema ?? {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
      };
      entry.served.set(v.name, compile(schema, true));
    }
    entries.set(`${group}/${names.kind}`, entry);
  }

  for (const core of CORE_KINDS) {
    const { group, version } = splitApiVersion(core.apiVersion);
    entries.set(`${group}/${core.kind}`, {
      group,
      kind: core.kind,
      scope: core.scope,
      name: core.name,
      source: core.source,
      served: new Map([[version, compile(core.schema, true)]]),
      notServed: new Map(),
    });
  }

  const kustomization: KindEntry = {
    group: KUSTOMIZE_GROUP,
    kind: 'Kustomization',
    scope: 'File',
    name: 'DNS1123Subdomain',
    source:
      'kubernetes-sigs/kustomize api/types/kustomization.go (hand-written)',
    served: new Map([['v1beta1', compile(KUSTOMIZATION_SCHEMA, false)]]),
    notServed: new Map(),
  };
  entries.set(`${KUSTOMIZE_GROUP}/Kustomization`, kustomization);

  const knownKinds = (): KnownKind[] =>
    [...entries.values()].flatMap(e =>
      [...e.served.entries()].map(([version, served]) => ({
        apiVersion: apiVersionOf(e.group, version),
        kind: e.kind,
        scope: e.scope,
        source: e.source,
        skippedRules: served.skippedRules,
      })),
    );

  const validateAs = (
    entry: KindEntry,
    served: ServedVersion,
    doc: Record<string, unknown>,
  ): ManifestProblem[] => {
    const problems: ManifestProblem[] = [];
    if (entry.scope !== 'File') {
      problems.push(
        ...validateObjectMeta(doc.metadata, {
          kind: entry.kind,
          scope: entry.scope,
          name: entry.name,
        }),
      );
    }
    const validateFn = served.validator();
    if (!validateFn(doc)) {
      problems.push(...ajvErrorsToProblems(validateFn.errors));
    }
    // A document the strict check passes is also put to the typed model's
    // own validator: any problem it finds is a disagreement to look at.
    if (problems.length === 0) problems.push(...typedModelProblems(doc));
    return problems;
  };

  const validate = (doc: unknown): ManifestProblem[] => {
    if (!isPlainObject(doc)) {
      return [
        {
          path: '',
          message: `must be object (a Kubernetes manifest), got ${describeValue(
            doc,
          )}`,
        },
      ];
    }
    const problems: ManifestProblem[] = [];
    for (const field of ['apiVersion', 'kind']) {
      if (doc[field] === undefined) {
        problems.push({
          path: `/${field}`,
          message: `required field "${field}" is missing`,
        });
      } else if (typeof doc[field] !== 'string') {
        problems.push({
          path: `/${field}`,
          message: `must be string (got ${describeValue(doc[field])})`,
        });
      }
    }
    if (problems.length > 0) return problems;

    const apiVersion = doc.apiVersion as string;
    const kind = doc.kind as string;
    const { group, version } = splitApiVersion(apiVersion);
    const entry = entries.get(`${group}/${kind}`);
    if (!entry) {
      const sameKind = knownKinds().filter(k => k.kind === kind);
      const hint =
        sameKind.length > 0
          ? ` (did you mean ${sameKind
              .map(k => `${k.apiVersion} ${k.kind}`)
              .join(' or ')}?)`
          : '';
      return [
        {
          path: '',
          message: `unknown apiVersion/kind "${apiVersion} ${kind}"${hint}; known kinds: ${knownKinds()
            .map(k => `${k.apiVersion} ${k.kind}`)
            .join(', ')}`,
        },
      ];
    }
    const served = entry.served.get(version);
    if (!served) {
      const why = entry.notServed.get(version) ?? 'not defined in the CRD';
      return [
        {
          path: '/apiVersion',
          message: `${apiVersion} is not served for ${kind} (${version} is ${why}); served: ${[
            ...entry.served.keys(),
          ]
            .map(v => apiVersionOf(entry.group, v))
            .join(', ')}`,
        },
      ];
    }
    return validateAs(entry, served, doc);
  };

  const validateYaml = (
    text: string,
    fileName?: string,
  ): YamlManifestProblem[] => {
    const file = fileName ?? 'yaml';
    const isKustomizationFile =
      fileName !== undefined &&
      /^(kustomization\.ya?ml|Kustomization)$/.test(path.basename(fileName));
    const problems: YamlManifestProblem[] = [];
    parseAllDocuments(text).forEach((yamlDoc, index) => {
      if (yamlDoc.errors.length > 0) {
        for (const e of yamlDoc.errors) {
          problems.push({
            document: index,
            where: `${file}#${index}`,
            path: '',
            message: `YAML syntax error: ${e.message
              .split('\n')[0]
              .replace(/:$/, '')}`,
          });
        }
        return;
      }
      const doc: unknown = yamlDoc.toJS();
      if (doc === null || doc === undefined) return; // an empty document
      let where = `${file}#${index}`;
      if (isPlainObject(doc)) {
        const meta = isPlainObject(doc.metadata) ? doc.metadata : {};
        const name = [meta.namespace, meta.name]
          .filter(p => typeof p === 'string')
          .join('/');
        where = [where, typeof doc.kind === 'string' ? doc.kind : '', name]
          .filter(Boolean)
          .join(' ');
      }
      const docProblems =
        isKustomizationFile &&
        isPlainObject(doc) &&
        doc.apiVersion === undefined &&
        (doc.kind === undefined || doc.kind === 'Kustomization')
          ? validateAs(kustomization, kustomization.served.get('v1beta1')!, doc)
          : validate(doc);
      for (const p of docProblems) {
        problems.push({ document: index, where, ...p });
      }
    });
    return problems;
  };

  return { validate, validateYaml, knownKinds };
}
