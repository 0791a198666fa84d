import type { K8sSchema } from './strictSchema';
import type { NameRule } from './objectMeta';

/**
 * Hand-written structural schemas of the built-in kinds the product renders,
 * with only the fields the API has. They go through the same strict
 * transformation as the CRD schemas (toStrictSchema).
 *
 * Why hand-written: kubernetes-models 5.x ships `_schemas/*.js` as ajv
 * *standalone compiled* validators (ESM code, no JSON schema), which do not
 * reject unknown fields and cannot be transformed.
 *
 * Sources: kubernetes/api `core/v1/types.go` (Namespace, NamespaceSpec,
 * NamespaceStatus, ServiceAccount, LocalObjectReference, ObjectReference,
 * TypedLocalObjectReference) and `networking/v1/types.go` (Ingress,
 * IngressSpec, IngressTLS, IngressRule, HTTPIngressRuleValue,
 * HTTPIngressPath, PathType, IngressBackend, IngressServiceBackend,
 * ServiceBackendPort), and the required fields of
 * kubernetes/kubernetes `pkg/apis/networking/validation/validation.go`.
 */

const str = { type: 'string' };
const strList = { type: 'array', items: str };

const typeMeta = (apiVersion: string, kind: string): K8sSchema => ({
  apiVersion: { type: 'string', enum: [apiVersion] },
  kind: { type: 'string', enum: [kind] },
  metadata: { type: 'object' },
});

/**
 * Status is written by controllers. The API server accepts it on create (and
 * ignores it), so it is allowed, unchecked.
 */
const anyStatus: K8sSchema = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
};

/** core/v1 LocalObjectReference */
const localObjectReference: K8sSchema = {
  type: 'object',
  properties: { name: str },
};

/** core/v1 ObjectReference */
const objectReference: K8sSchema = {
  type: 'object',
  properties: {
    apiVersion: str,
    fieldPath: str,
    kind: str,
    name: str,
    namespace: str,
    resourceVersion: str,
    uid: str,
  },
};

/** core/v1 TypedLocalObjectReference */
const typedLocalObjectReference: K8sSchema = {
  type: 'object',
  required: ['kind', 'name'],
  properties: { apiGroup: str, kind: str, name: str },
};

/** networking/v1 IngressBackend: service or resource */
const ingressBackend: K8sSchema = {
  type: 'object',
  properties: {
    service: {
      type: 'object',
      required: ['name'],
      properties: {
        name: str,
        port: {
          type: 'object',
          properties: {
            name: str,
            number: { type: 'integer', format: 'int32' },
          },
        },
      },
    },
    resource: typedLocalObjectReference,
  },
};

export interface CoreKind {
  apiVersion: string;
  kind: string;
  scope: 'Namespaced' | 'Cluster';
  name: NameRule;
  source: string;
  schema: K8sSchema;
}

export const CORE_KINDS: CoreKind[] = [
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    scope: 'Cluster',
    // ValidateNamespaceName = NameIsDNSLabel
    name: 'DNS1123Label',
    source: 'k8s.io/api core/v1/types.go Namespace (hand-written)',
    schema: {
      type: 'object',
      required: ['apiVersion', 'kind', 'metadata'],
      properties: {
        ...typeMeta('v1', 'Namespace'),
        spec: {
          type: 'object',
          properties: { finalizers: strList },
        },
        status: anyStatus,
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    scope: 'Namespaced',
    // ValidateServiceAccountName = NameIsDNSSubdomain
    name: 'DNS1123Subdomain',
    source: 'k8s.io/api core/v1/types.go ServiceAccount (hand-written)',
    schema: {
      type: 'object',
      required: ['apiVersion', 'kind', 'metadata'],
      properties: {
        ...typeMeta('v1', 'ServiceAccount'),
        automountServiceAccountToken: { type: 'boolean' },
        imagePullSecrets: { type: 'array', items: localObjectReference },
        secrets: { type: 'array', items: objectReference },
      },
    },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    scope: 'Namespaced',
    // ValidateIngressName = NameIsDNSSubdomain
    name: 'DNS1123Subdomain',
    source: 'k8s.io/api networking/v1/types.go Ingress (hand-written)',
    schema: {
      type: 'object',
      required: ['apiVersion', 'kind', 'metadata'],
      properties: {
        ...typeMeta('networking.k8s.io/v1', 'Ingress'),
        spec: {
          type: 'object',
          properties: {
            ingressClassName: str,
            defaultBackend: ingressBackend,
            tls: {
              type: 'array',
              items: {
                type: 'object',
                properties: { hosts: strList, secretName: str },
              },
            },
            rules: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  host: str,
                  http: {
                    type: 'object',
                    required: ['paths'],
                    properties: {
                      paths: {
                        type: 'array',
                        items: {
                          type: 'object',
                          required: ['pathType', 'backend'],
                          properties: {
                            // validateHTTPIngressPath: "must be an absolute path"
                            path: { type: 'string', pattern: '^/' },
                            pathType: {
                              type: 'string',
                              enum: [
                                'Exact',
                                'Prefix',
                                'ImplementationSpecific',
                              ],
                            },
                            backend: ingressBackend,
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        status: anyStatus,
      },
    },
  },
];
