import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ManifestProblem } from './types';

/*
 * A second opinion from the typed Kubernetes models the product's builders
 * are typed with (kubernetes-models, @kubernetes-models/flux-cd,
 * @kubernetes-models/external-secrets): each ships a validator compiled from
 * the same upstream OpenAPI/CRD schemas. Those validators check types,
 * required fields, enums and formats, but accept unknown fields (a field
 * the CRD does not define passes), so they add to the strict check and do
 * not replace it.
 */

interface TypedModel {
  validate(): void;
}
type ModelClass = new (data: any) => TypedModel;

/** apiVersion/kind -> [package, module below it]. */
const MODEL_MODULES: Record<string, [string, string]> = {
  'helm.toolkit.fluxcd.io/v2 HelmRelease': [
    '@kubernetes-models/flux-cd',
    'helm.toolkit.fluxcd.io/v2/HelmRelease',
  ],
  'kustomize.toolkit.fluxcd.io/v1 Kustomization': [
    '@kubernetes-models/flux-cd',
    'kustomize.toolkit.fluxcd.io/v1/Kustomization',
  ],
  'source.toolkit.fluxcd.io/v1 GitRepository': [
    '@kubernetes-models/flux-cd',
    'source.toolkit.fluxcd.io/v1/GitRepository',
  ],
  'source.toolkit.fluxcd.io/v1 HelmRepository': [
    '@kubernetes-models/flux-cd',
    'source.toolkit.fluxcd.io/v1/HelmRepository',
  ],
  'source.toolkit.fluxcd.io/v1 OCIRepository': [
    '@kubernetes-models/flux-cd',
    'source.toolkit.fluxcd.io/v1/OCIRepository',
  ],
  'image.toolkit.fluxcd.io/v1 ImageRepository': [
    '@kubernetes-models/flux-cd',
    'image.toolkit.fluxcd.io/v1/ImageRepository',
  ],
  'image.toolkit.fluxcd.io/v1 ImagePolicy': [
    '@kubernetes-models/flux-cd',
    'image.toolkit.fluxcd.io/v1/ImagePolicy',
  ],
  'image.toolkit.fluxcd.io/v1 ImageUpdateAutomation': [
    '@kubernetes-models/flux-cd',
    'image.toolkit.fluxcd.io/v1/ImageUpdateAutomation',
  ],
  'external-secrets.io/v1 ExternalSecret': [
    '@kubernetes-models/external-secrets',
    'external-secrets.io/v1/ExternalSecret',
  ],
  'external-secrets.io/v1 SecretStore': [
    '@kubernetes-models/external-secrets',
    'external-secrets.io/v1/SecretStore',
  ],
  'external-secrets.io/v1 ClusterSecretStore': [
    '@kubernetes-models/external-secrets',
    'external-secrets.io/v1/ClusterSecretStore',
  ],
  'v1 Namespace': ['kubernetes-models', 'v1/Namespace'],
  'v1 ServiceAccount': ['kubernetes-models', 'v1/ServiceAccount'],
  'networking.k8s.io/v1 Ingress': [
    'kubernetes-models',
    'networking.k8s.io/v1/Ingress',
  ],
};

/**
 * Where a model is older than the reference CRD and refuses what the CRD
 * accepts: [apiVersion kind, JSON pointer, why]. Problems at these paths are
 * not reported (the strict check against the CRD has the last word there).
 */
export const TYPED_MODEL_LAGS: Array<[string, string, string]> = [
  [
    'external-secrets.io/v1 SecretStore',
    '/spec/refreshInterval',
    '@kubernetes-models/external-secrets 2.0.0 types it integer; the ESO 2.9 CRD takes an integer or a duration string (x-kubernetes-int-or-string)',
  ],
  [
    'external-secrets.io/v1 ClusterSecretStore',
    '/spec/refreshInterval',
    'as for SecretStore',
  ],
];

/** The apiVersion/kind pairs a typed model checks too. */
export const TYPED_MODEL_KINDS = Object.keys(MODEL_MODULES);

/*
 * The model packages are ES modules with `import`-only exports. Test runners
 * that load this file as CommonJS cannot resolve them, so they are loaded
 * with Node's own require (require(esm), Node 22.12+) from their files.
 */
const nodeRequire = (
  (
    process as unknown as {
      getBuiltinModule?: (id: 'node:module') => typeof import('node:module');
    }
  ).getBuiltinModule?.('node:module')?.createRequire ?? createRequire
)(__filename);
const loaded = new Map<string, ModelClass>();

function packageDir(pkg: string): string {
  for (const base of nodeRequire.resolve.paths(pkg) ?? []) {
    const dir = path.join(base, pkg);
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`${pkg} is not installed`);
}

function modelFor(pair: string): ModelClass | undefined {
  const where = MODEL_MODULES[pair];
  if (!where) return undefined;
  let Model = loaded.get(pair);
  if (!Model) {
    const [pkg, file] = where;
    const mod = nodeRequire(path.join(packageDir(pkg), `${file}.js`));
    Model = mod[path.basename(file)] as ModelClass;
    loaded.set(pair, Model);
  }
  return Model;
}

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/**
 * The typed model's problems with one document (`[]` when it passes, or
 * when no model covers its apiVersion/kind), each prefixed "typed model:".
 */
export function typedModelProblems(
  doc: Record<string, unknown>,
): ManifestProblem[] {
  const pair = `${doc.apiVersion} ${doc.kind}`;
  const Model = modelFor(pair);
  if (!Model) return [];
  try {
    new Model(doc).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: AjvLikeError[] }).errors;
    if (!Array.isArray(errors) || errors.length === 0) {
      return [{ path: '', message: `typed model: ${(e as Error).message}` }];
    }
    const lagging = new Set(
      TYPED_MODEL_LAGS.filter(([p]) => p === pair).map(([, at]) => at),
    );
    return errors
      .filter(err => !lagging.has(err.instancePath ?? ''))
      .map(err => ({
        path: err.instancePath ?? '',
        message: `typed model: ${err.message ?? err.keyword ?? 'invalid'}`,
      }));
  }
}
