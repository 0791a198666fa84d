import type { K8sSchema } from './strictSchema';

/**
 * The kustomize file kustomization.yaml (`kustomize.config.k8s.io/v1beta1`
 * Kustomization), hand-written from kubernetes-sigs/kustomize
 * `api/types/kustomization.go` (master, Aug 2026, after v5.8.1) and the
 * types it uses in `api/types/` (labels.go, patch.go, patchargs.go,
 * selector.go, image.go, replacement.go, replacementfield.go, replica.go,
 * var.go, sortoptions.go, configmapargs.go, secretargs.go, generatorargs.go,
 * kvpairsources.go, generatoroptions.go, helmchartargs.go, fieldspec.go,
 * objectmeta.go) and `kyaml/resid` (Gvk, ResId).
 *
 * kustomize itself decodes the file with `DisallowUnknownFields`
 * (Kustomization.Unmarshal), so an unknown field is an error there too:
 * `invalid Kustomization: json: unknown field "resourcez"`.
 * apiVersion and kind may be omitted (FixKustomization fills them in).
 */

const str = { type: 'string' };
const bool = { type: 'boolean' };
const int = { type: 'integer' };
const strList = { type: 'array', items: str };
const strMap = { type: 'object', additionalProperties: str };
const anyMap = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
};

/** kyaml/resid Gvk */
const gvk = { group: str, version: str, kind: str };
/** kyaml/resid ResId: Gvk inline, name, namespace */
const resId = { ...gvk, name: str, namespace: str };

/** api/types/selector.go Selector */
const selector: K8sSchema = {
  type: 'object',
  properties: { ...resId, annotationSelector: str, labelSelector: str },
};

/** api/types/fieldspec.go FieldSpec */
const fieldSpec: K8sSchema = {
  type: 'object',
  properties: { ...gvk, path: str, create: bool },
};

/** api/types/patch.go Patch, patchargs.go PatchArgs */
const patch: K8sSchema = {
  type: 'object',
  properties: {
    path: str,
    patch: str,
    target: selector,
    options: {
      type: 'object',
      properties: { allowNameChange: bool, allowKindChange: bool },
    },
  },
};

/** api/types/image.go Image */
const image: K8sSchema = {
  type: 'object',
  properties: {
    name: str,
    newName: str,
    tagSuffix: str,
    newTag: str,
    digest: str,
  },
};

/** api/types/replacement.go FieldOptions */
const fieldOptions: K8sSchema = {
  type: 'object',
  properties: { delimiter: str, index: int, encoding: str, create: bool },
};

/** api/types/generatoroptions.go GeneratorOptions */
const generatorOptions: K8sSchema = {
  type: 'object',
  properties: {
    labels: strMap,
    annotations: strMap,
    disableNameSuffixHash: bool,
    immutable: bool,
  },
};

/** api/types/generatorargs.go GeneratorArgs with kvpairsources.go KvPairSources inline */
const generatorArgs = {
  namespace: str,
  name: str,
  // generationbehavior.go NewGenerationBehavior
  behavior: { type: 'string', enum: ['create', 'replace', 'merge'] },
  literals: strList,
  files: strList,
  envs: strList,
  env: str,
  options: generatorOptions,
};

export const KUSTOMIZATION_SCHEMA: K8sSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string', enum: ['kustomize.config.k8s.io/v1beta1'] },
    kind: { type: 'string', enum: ['Kustomization'] },
    // objectmeta.go ObjectMeta (kustomize's own, four fields)
    metadata: {
      type: 'object',
      properties: {
        name: str,
        namespace: str,
        labels: strMap,
        annotations: strMap,
      },
    },
    openapi: strMap,
    namePrefix: str,
    nameSuffix: str,
    namespace: str,
    commonLabels: strMap,
    labels: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          pairs: strMap,
          includeSelectors: bool,
          includeTemplates: bool,
          includeVolumeClaimTemplates: bool,
          fields: { type: 'array', items: fieldSpec },
        },
      },
    },
    commonAnnotations: strMap,
    patchesStrategicMerge: strList,
    patchesJson6902: { type: 'array', items: patch },
    patches: { type: 'array', items: patch },
    images: { type: 'array', items: image },
    imageTags: { type: 'array', items: image },
    replacements: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: str,
          source: {
            type: 'object',
            properties: { ...resId, fieldPath: str, options: fieldOptions },
          },
          targets: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                select: selector,
                reject: { type: 'array', items: selector },
                fieldPaths: strList,
                options: fieldOptions,
              },
            },
          },
          sourceValue: str,
        },
      },
    },
    replicas: {
      type: 'array',
      items: {
        type: 'object',
        required: ['count'],
        properties: { name: str, count: int },
      },
    },
    vars: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'objref'],
        properties: {
          name: str,
          objref: {
            type: 'object',
            properties: { apiVersion: str, ...gvk, name: str, namespace: str },
          },
          fieldref: { type: 'object', properties: { fieldPath: str } },
        },
      },
    },
    sortOptions: {
      type: 'object',
      properties: {
        order: { type: 'string', enum: ['legacy', 'fifo'] },
        legacySortOptions: {
          type: 'object',
          properties: { orderFirst: strList, orderLast: strList },
        },
      },
    },
    resources: strList,
    components: strList,
    crds: strList,
    bases: strList,
    configMapGenerator: {
      type: 'array',
      items: { type: 'object', properties: generatorArgs },
    },
    secretGenerator: {
      type: 'array',
      items: { type: 'object', properties: { ...generatorArgs, type: str } },
    },
    helmGlobals: {
      type: 'object',
      properties: { chartHome: str, configHome: str },
    },
    helmCharts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: str,
          version: str,
          repo: str,
          releaseName: str,
          namespace: str,
          additionalValuesFiles: strList,
          valuesFile: str,
          valuesInline: anyMap,
          valuesMerge: str,
          includeCRDs: bool,
          skipHooks: bool,
          apiVersions: strList,
          kubeVersion: str,
          nameTemplate: str,
          skipTests: bool,
          debug: bool,
          devel: bool,
        },
      },
    },
    helmChartInflationGenerator: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          chartName: str,
          chartVersion: str,
          chartRepoUrl: str,
          chartHome: str,
          chartRepoName: str,
          helmBin: str,
          helmHome: str,
          values: str,
          valuesLocal: anyMap,
          valuesMerge: str,
          releaseName: str,
          releaseNamespace: str,
          extraArgs: strList,
        },
      },
    },
    generatorOptions,
    configurations: strList,
    generators: strList,
    transformers: strList,
    validators: strList,
    buildMetadata: {
      type: 'array',
      // kustomization.go BuildMetadataOptions
      items: {
        type: 'string',
        enum: ['originAnnotations', 'transformerAnnotations', 'managedByLabel'],
      },
    },
  },
};
