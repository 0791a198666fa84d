import { parse } from 'yaml';
import { readReferenceCrds } from '../reference';
import { expectValidManifests } from './expectValid';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from './k8sNames';
import { toStrictSchema } from './strictSchema';
import type { ManifestValidator } from './types';
import { loadManifestValidator } from './validator';
import { TYPED_MODEL_KINDS, typedModelProblems } from './typedModels';

/**
 * A valid minimal object of every CRD kind: contracts.md 2.2 (SecretStore,
 * ClusterSecretStore), 2.3 (ExternalSecret), 3.2 (Flux); ImageRepository and
 * ImageUpdateAutomation, which 3.2 does not show, with the `required` fields
 * of their CRDs.
 */
const MINIMAL: Record<string, string> = {
  SecretStore: `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: { name: vault-team-a, namespace: team-a }
spec:
  provider:
    vault:
      server: "https://vault.example.com:8200"
      path: "kv-apps"
      version: "v2"
      auth:
        kubernetes:
          mountPath: "kubernetes"
          role: "orders"
          serviceAccountRef: { name: "orders", audiences: ["vault"] }
`,
  ClusterSecretStore: `
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: { name: vault-team-a }
spec:
  provider:
    vault:
      server: "https://vault.example.com:8200"
      path: "kv-apps"
      version: "v2"
      namespace: "admin/team-a"
      auth:
        kubernetes:
          mountPath: "kubernetes"
          role: "orders"
          serviceAccountRef: { name: "orders", namespace: "team-a", audiences: ["vault"] }
`,
  ExternalSecret: `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: orders-db, namespace: team-a }
spec:
  refreshInterval: "1h"
  refreshPolicy: Periodic
  secretStoreRef: { name: vault-team-a, kind: SecretStore }
  target:
    name: orders-db
    creationPolicy: Owner
    deletionPolicy: Retain
  data:
    - secretKey: DB_PASSWORD
      remoteRef: { key: team-a/orders, property: DB_PASSWORD }
  dataFrom:
    - extract: { key: team-a/orders }
`,
  GitRepository: `
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: { name: podinfo, namespace: flux-system }
spec: { interval: 5m, url: https://github.com/org/repo, ref: { branch: main } }
`,
  HelmRepository: `
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: { name: podinfo, namespace: flux-system }
spec: { interval: 15m, url: https://stefanprodan.github.io/podinfo }
`,
  OCIRepository: `
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: { name: podinfo, namespace: flux-system }
spec: { interval: 5m, url: oci://ghcr.io/stefanprodan/manifests/podinfo, ref: { tag: latest } }
`,
  Kustomization: `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: { name: orders, namespace: flux-system }
spec:
  interval: 10m
  prune: true
  sourceRef: { kind: GitRepository, name: podinfo }
  path: ./apps/orders
  targetNamespace: team-a
  timeout: 1m
  dependsOn: [ { name: external-secrets } ]
`,
  HelmRelease: `
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: orders, namespace: team-a }
spec:
  interval: 15m
  chart:
    spec: { chart: podinfo, version: "6.5.*", sourceRef: { kind: HelmRepository, name: podinfo, namespace: flux-system } }
  install: { remediation: { retries: 3 } }
  upgrade: { remediation: { retries: 3 } }
  values: { replicaCount: 2 }
`,
  ImagePolicy: `
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: { name: podinfo, namespace: flux-system }
spec: { imageRepositoryRef: { name: podinfo }, policy: { semver: { range: 5.1.x } } }
`,
  ImageRepository: `
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: { name: podinfo, namespace: flux-system }
spec: { image: ghcr.io/stefanprodan/podinfo, interval: 5m }
`,
  ImageUpdateAutomation: `
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: { name: podinfo, namespace: flux-system }
spec:
  interval: 30m
  sourceRef: { kind: GitRepository, name: podinfo }
  git:
    commit:
      author: { name: fluxcdbot, email: fluxcdbot@users.noreply.github.com }
  update: { path: ./clusters/my-cluster, strategy: Setters }
`,
};

const CORE: Record<string, string> = {
  Namespace: `
apiVersion: v1
kind: Namespace
metadata: { name: team-a, labels: { app.kubernetes.io/managed-by: haven-plus } }
`,
  ServiceAccount: `
apiVersion: v1
kind: ServiceAccount
metadata: { name: orders, namespace: team-a }
automountServiceAccountToken: false
`,
  Ingress: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: orders, namespace: team-a, annotations: { nginx.ingress.kubernetes.io/rewrite-target: / } }
spec:
  ingressClassName: nginx
  tls: [ { hosts: [orders.example.com], secretName: orders-tls } ]
  rules:
    - host: orders.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: { service: { name: orders, port: { number: 80 } } }
`,
};

const KUSTOMIZATION_YAML = `
resources: [namespace.yaml, release.yaml]
namespace: team-a
commonLabels: { app.kubernetes.io/part-of: orders }
labels: [ { pairs: { team: a }, includeSelectors: false } ]
namePrefix: team-a-
patches:
  - path: patch.yaml
    target: { kind: HelmRelease, name: orders }
images: [ { name: podinfo, newTag: 6.5.0 } ]
configMapGenerator: [ { name: settings, literals: [LOG_LEVEL=info] } ]
secretGenerator: [ { name: creds, envs: [creds.env], type: Opaque } ]
generatorOptions: { disableNameSuffixHash: true }
components: [../components/monitoring]
commonAnnotations: { owner: team-a }
buildMetadata: [originAnnotations]
`;

/** One document of a fixture, parsed, with `edit` applied to a copy. */
function docOf(
  yaml: string,
  edit: (doc: any) => void = () => {},
): Record<string, any> {
  const doc = parse(yaml);
  edit(doc);
  return doc;
}

describe('Kubernetes name checks (apimachinery ports)', () => {
  it('accepts and rejects DNS-1123 labels and subdomains as the API server does', () => {
    expect(isDNS1123Label('team-a')).toEqual([]);
    expect(isDNS1123Label('team.a')).toHaveLength(1);
    expect(isDNS1123Label('a'.repeat(64))).toEqual([
      'must be no more than 63 characters',
    ]);
    expect(isDNS1123Subdomain('vault.team-a')).toEqual([]);
    expect(isDNS1123Subdomain('Vault')).toHaveLength(1);
    expect(isDNS1123Subdomain(`${'a'.repeat(63)}.`.repeat(4))).toHaveLength(2);
  });

  it('checks qualified names (label keys) and label values', () => {
    expect(isQualifiedName('app.kubernetes.io/name')).toEqual([]);
    expect(isQualifiedName('MyName')).toEqual([]);
    expect(isQualifiedName('a/b/c')).toHaveLength(1);
    expect(isQualifiedName('/name')).toEqual(['prefix part must be non-empty']);
    expect(isQualifiedName('Example.com/name')[0]).toMatch(
      /^prefix part a lowercase RFC 1123 subdomain/,
    );
    expect(isQualifiedName(`x/${'a'.repeat(64)}`)).toEqual([
      'name part must be no more than 63 characters',
    ]);
    expect(isValidLabelValue('')).toEqual([]);
    expect(isValidLabelValue('v1.2_3-a')).toEqual([]);
    expect(isValidLabelValue('-a')).toHaveLength(1);
  });
});

describe('the strict schema transformation', () => {
  it('closes objects with properties, keeps preserve-unknown-fields and additionalProperties open', () => {
    const { schema, skippedRules } = toStrictSchema({
      type: 'object',
      properties: {
        a: { type: 'object', properties: { b: { type: 'string' } } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        map: { type: 'object', additionalProperties: { type: 'string' } },
        port: {
          'x-kubernetes-int-or-string': true,
          anyOf: [{ type: 'integer' }, { type: 'string' }],
        },
        maybe: { type: 'string', nullable: true, enum: ['x'] },
        empty: { type: 'object' },
      },
      'x-kubernetes-validations': [
        { rule: 'has(self.a)', message: 'a is required' },
      ],
    });
    expect(schema).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        a: {
          type: 'object',
          additionalProperties: false,
          properties: { b: { type: 'string' } },
        },
        free: { type: 'object' },
        map: { type: 'object', additionalProperties: { type: 'string' } },
        port: { type: ['integer', 'string'] },
        maybe: { type: ['string', 'null'], enum: ['x', null] },
        empty: { type: 'object', additionalProperties: false },
      },
    });
    expect(skippedRules).toEqual([
      {
        type: 'x-kubernetes-validations',
        path: '/',
        rule: 'has(self.a)',
        message: 'a is required',
      },
    ]);
  });
});

describe('the manifest validator, with the real CRDs', () => {
  let validator: ManifestValidator;
  beforeAll(() => {
    validator = loadManifestValidator();
  });

  const crdKinds = (): string[] =>
    readReferenceCrds()
      .map(c => c.crd.spec.names.kind)
      .sort();

  it('knows every CRD kind at its served version, the core kinds and kustomization.yaml, with scope', () => {
    const known = validator.knownKinds();
    expect(known.map(k => k.kind).sort()).toEqual(
      [
        ...crdKinds(),
        'Namespace',
        'ServiceAccount',
        'Ingress',
        'Kustomization',
      ].sort(),
    );
    const pick = (apiVersion: string, kind: string) =>
      known.find(k => k.apiVersion === apiVersion && k.kind === kind);
    expect(pick('external-secrets.io/v1', 'ClusterSecretStore')?.scope).toBe(
      'Cluster',
    );
    expect(pick('external-secrets.io/v1', 'ExternalSecret')?.scope).toBe(
      'Namespaced',
    );
    expect(pick('helm.toolkit.fluxcd.io/v2', 'HelmRelease')?.scope).toBe(
      'Namespaced',
    );
    expect(pick('v1', 'Namespace')?.scope).toBe('Cluster');
    expect(
      pick('kustomize.config.k8s.io/v1beta1', 'Kustomization')?.scope,
    ).toBe('File');
    expect(
      known.some(k => k.apiVersion === 'external-secrets.io/v1beta1'),
    ).toBe(false);
  });

  it('lists the CEL rules it skipped, and drops no pattern', () => {
    const hr = validator.knownKinds().find(k => k.kind === 'HelmRelease');
    expect(hr?.skippedRules).toContainEqual({
      type: 'x-kubernetes-validations',
      path: '/spec',
      rule: expect.stringContaining('has(self.chart)'),
      message: 'either chart or chartRef must be set',
    });
    const all = validator.knownKinds().flatMap(k => k.skippedRules);
    expect(all.filter(r => r.type === 'pattern')).toEqual([]);
    expect(all.length).toBeGreaterThan(0);
  });

  it('has a minimal fixture for every CRD kind', () => {
    expect(Object.keys(MINIMAL).sort()).toEqual(crdKinds());
  });

  it.each(Object.entries(MINIMAL))('accepts a minimal %s', (_kind, yaml) => {
    expect(validator.validate(parse(yaml))).toEqual([]);
  });

  it.each(Object.entries(CORE))('accepts a minimal %s', (_kind, yaml) => {
    expect(validator.validate(parse(yaml))).toEqual([]);
  });

  it('accepts a kustomization.yaml, with or without apiVersion and kind', () => {
    expect(
      validator.validateYaml(
        KUSTOMIZATION_YAML,
        'apps/orders/kustomization.yaml',
      ),
    ).toEqual([]);
    expect(
      validator.validate({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        ...parse(KUSTOMIZATION_YAML),
      }),
    ).toEqual([]);
  });

  it('reports an unknown field deep in a spec', () => {
    const doc = docOf(MINIMAL.HelmRelease, d => {
      d.spec.chart.spec.sourceRef.knd = 'HelmRepository';
    });
    expect(validator.validate(doc)).toEqual([
      {
        path: '/spec/chart/spec/sourceRef/knd',
        message: 'unknown field "knd"',
      },
    ]);
  });

  it('reports a misspelt field for the real one (unknown, and the required one missing)', () => {
    const doc = docOf(MINIMAL.HelmRelease, d => {
      const { kind, ...rest } = d.spec.chart.spec.sourceRef;
      d.spec.chart.spec.sourceRef = { ...rest, knd: kind };
    });
    expect(validator.validate(doc)).toEqual([
      {
        path: '/spec/chart/spec/sourceRef/kind',
        message: 'required field "kind" is missing',
      },
      {
        path: '/spec/chart/spec/sourceRef/knd',
        message: 'unknown field "knd"',
      },
    ]);
  });

  it('reports a typo at the top level of a spec', () => {
    const doc = docOf(MINIMAL.ExternalSecret, d => {
      d.spec.refreshIntervall = d.spec.refreshInterval;
      delete d.spec.refreshInterval;
    });
    expect(validator.validate(doc)).toEqual([
      {
        path: '/spec/refreshIntervall',
        message: 'unknown field "refreshIntervall"',
      },
    ]);
  });

  it('reports a typo in a provider block of a store', () => {
    const doc = docOf(MINIMAL.SecretStore, d => {
      d.spec.provider.vault.auth.kubernetes.serviceAccountRef.audience = [
        'vault',
      ];
    });
    expect(validator.validate(doc)).toEqual([
      {
        path: '/spec/provider/vault/auth/kubernetes/serviceAccountRef/audience',
        message: 'unknown field "audience"',
      },
    ]);
  });

  it('reports a wrong enum value with the allowed values', () => {
    const doc = docOf(MINIMAL.HelmRelease, d => {
      d.spec.chart.spec.sourceRef.kind = 'HelmRepo';
    });
    expect(validator.validate(doc)).toEqual([
      {
        path: '/spec/chart/spec/sourceRef/kind',
        message:
          'must be one of HelmRepository, GitRepository, Bucket (got "HelmRepo")',
      },
    ]);
  });

  it('reports a missing required field', () => {
    const doc = docOf(MINIMAL.Kustomization, d => {
      delete d.spec.prune;
    });
    expect(validator.validate(doc)).toEqual([
      { path: '/spec/prune', message: 'required field "prune" is missing' },
    ]);
  });

  it('reports a pattern and a type mismatch', () => {
    const doc = docOf(MINIMAL.GitRepository, d => {
      d.spec.interval = '5 minutes';
      d.spec.ref.branch = 3;
    });
    expect(validator.validate(doc)).toEqual([
      {
        path: '/spec/interval',
        message:
          'must match ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$ (got "5 minutes")',
      },
      { path: '/spec/ref/branch', message: 'must be string (got number 3)' },
    ]);
  });

  it('rejects ESO v1beta1, which the CRD keeps but does not serve', () => {
    const doc = docOf(MINIMAL.ExternalSecret, d => {
      d.apiVersion = 'external-secrets.io/v1beta1';
    });
    expect(validator.validate(doc)).toEqual([
      {
        path: '/apiVersion',
        message:
          'external-secrets.io/v1beta1 is not served for ExternalSecret (v1beta1 is in the CRD with served: false, deprecated); served: external-secrets.io/v1',
      },
    ]);
  });

  it('rejects HelmRelease v2beta2, removed from the CRD', () => {
    const doc = docOf(MINIMAL.HelmRelease, d => {
      d.apiVersion = 'helm.toolkit.fluxcd.io/v2beta2';
    });
    expect(validator.validate(doc)).toEqual([
      {
        path: '/apiVersion',
        message:
          'helm.toolkit.fluxcd.io/v2beta2 is not served for HelmRelease (v2beta2 is not defined in the CRD); served: helm.toolkit.fluxcd.io/v2',
      },
    ]);
  });

  it('reports an unknown apiVersion/kind once, listing the known kinds', () => {
    const problems = validator.validate({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRelease',
      metadata: { name: 'x', namespace: 'y' },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe('');
    expect(problems[0].message).toMatch(
      /^unknown apiVersion\/kind "source.toolkit.fluxcd.io\/v1 HelmRelease" \(did you mean helm.toolkit.fluxcd.io\/v2 HelmRelease\?\); known kinds: .*external-secrets.io\/v1 ExternalSecret.*v1 Namespace.*kustomize.config.k8s.io\/v1beta1 Kustomization/,
    );
  });

  it('reports a bad label key, and a label value YAML read as a number', () => {
    const doc = docOf(MINIMAL.HelmRelease, d => {
      d.metadata.labels = {
        'app kubernetes.io/name': 'orders',
        version: 1.5,
      };
    });
    expect(validator.validate(doc)).toEqual([
      {
        path: '/metadata/labels/app kubernetes.io~1name',
        message:
          "invalid label key \"app kubernetes.io/name\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      },
      {
        path: '/metadata/labels/version',
        message:
          'label value must be string (got number 1.5); quote it in YAML',
      },
    ]);
  });

  it('requires a namespace on a namespaced kind and forbids it on a cluster-scoped one', () => {
    const namespaced = docOf(MINIMAL.ExternalSecret, d => {
      delete d.metadata.namespace;
    });
    expect(validator.validate(namespaced)).toEqual([
      {
        path: '/metadata/namespace',
        message:
          'required field "namespace" is missing (ExternalSecret is namespaced)',
      },
    ]);
    const cluster = docOf(MINIMAL.ClusterSecretStore, d => {
      d.metadata.namespace = 'team-a';
    });
    expect(validator.validate(cluster)).toEqual([
      {
        path: '/metadata/namespace',
        message: 'not allowed: ClusterSecretStore is cluster-scoped',
      },
    ]);
  });

  it('reports unknown metadata fields, and server-set ones as such', () => {
    const doc = docOf(MINIMAL.GitRepository, d => {
      d.metadata.label = { a: 'b' };
      d.metadata.resourceVersion = '1';
    });
    expect(validator.validate(doc)).toEqual([
      { path: '/metadata/label', message: 'unknown field "label"' },
      {
        path: '/metadata/resourceVersion',
        message:
          'unknown field "resourceVersion" (set by the API server, not by a manifest)',
      },
    ]);
  });

  it('checks names: DNS-1123 subdomain for custom resources, label for Namespace', () => {
    const hr = docOf(MINIMAL.HelmRelease, d => {
      d.metadata.name = 'orders.v2';
    });
    expect(validator.validate(hr)).toEqual([]);
    const ns = docOf(CORE.Namespace, d => {
      d.metadata.name = 'team.a';
    });
    expect(validator.validate(ns)).toEqual([
      {
        path: '/metadata/name',
        message: expect.stringMatching(
          /^invalid name "team.a": a lowercase RFC 1123 label/,
        ),
      },
    ]);
  });

  it('lets HelmRelease spec.values (x-kubernetes-preserve-unknown-fields) hold anything', () => {
    const doc = docOf(MINIMAL.HelmRelease, d => {
      d.spec.values = {
        anyKey: { nested: [1, 'two', { three: null }] },
        'dotted.key': true,
      };
    });
    expect(validator.validate(doc)).toEqual([]);
  });

  it('accepts an integer or a string for x-kubernetes-int-or-string, nothing else', () => {
    const ok = [300, '5m'].map(refreshInterval =>
      validator.validate(
        docOf(MINIMAL.SecretStore, d => {
          d.spec.refreshInterval = refreshInterval;
        }),
      ),
    );
    expect(ok).toEqual([[], []]);
    const bad = docOf(MINIMAL.SecretStore, d => {
      d.spec.refreshInterval = true;
    });
    expect(validator.validate(bad)).toEqual([
      {
        path: '/spec/refreshInterval',
        message: 'must be integer or string (got boolean true)',
      },
    ]);
  });

  it('checks format: byte (base64)', () => {
    const doc = docOf(MINIMAL.SecretStore, d => {
      d.spec.provider.vault.caBundle = '-----BEGIN CERTIFICATE-----';
    });
    expect(validator.validate(doc)).toEqual([
      {
        path: '/spec/provider/vault/caBundle',
        message: 'must be a valid byte (got "-----BEGIN CERTIFICATE-----")',
      },
    ]);
  });

  it('validates the core kinds strictly', () => {
    const ingress = docOf(CORE.Ingress, d => {
      d.spec.rules[0].http.paths[0].pathType = 'prefix';
      d.spec.rules[0].http.paths[0].backend.service.port.numbr = 80;
      d.spec.tls[0].secret = 'x';
    });
    expect(validator.validate(ingress)).toEqual([
      { path: '/spec/tls/0/secret', message: 'unknown field "secret"' },
      {
        path: '/spec/rules/0/http/paths/0/pathType',
        message:
          'must be one of Exact, Prefix, ImplementationSpecific (got "prefix")',
      },
      {
        path: '/spec/rules/0/http/paths/0/backend/service/port/numbr',
        message: 'unknown field "numbr"',
      },
    ]);
    const sa = docOf(CORE.ServiceAccount, d => {
      d.automountServiceAccountToken = 'false';
      d.spec = {};
    });
    expect(validator.validate(sa)).toEqual([
      { path: '/spec', message: 'unknown field "spec"' },
      {
        path: '/automountServiceAccountToken',
        message: 'must be boolean (got string "false")',
      },
    ]);
  });

  it('validates kustomization.yaml strictly', () => {
    const problems = validator.validateYaml(
      'resourcez: [a.yaml]\nimages: [ { name: x, tag: "1" } ]\nbuildMetadata: [managedBy]\n',
      'kustomization.yaml',
    );
    expect(
      problems.map(({ path: p, message }) => ({ path: p, message })),
    ).toEqual([
      { path: '/resourcez', message: 'unknown field "resourcez"' },
      { path: '/images/0/tag', message: 'unknown field "tag"' },
      {
        path: '/buildMetadata/0',
        message:
          'must be one of originAnnotations, transformerAnnotations, managedByLabel (got "managedBy")',
      },
    ]);
  });

  it('reports YAML syntax errors and says which document each problem is in', () => {
    const text = [
      MINIMAL.GitRepository,
      '---',
      MINIMAL.HelmRelease.replace('interval: 15m', 'intervall: 15m'),
      '---',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [team-a\n',
      '---',
      '',
    ].join('\n');
    expect(validator.validateYaml(text, 'release.yaml')).toEqual([
      {
        document: 1,
        where: 'release.yaml#1 HelmRelease team-a/orders',
        path: '/spec/interval',
        message: 'required field "interval" is missing',
      },
      {
        document: 1,
        where: 'release.yaml#1 HelmRelease team-a/orders',
        path: '/spec/intervall',
        message: 'unknown field "intervall"',
      },
      {
        document: 2,
        where: 'release.yaml#2',
        path: '',
        message:
          'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] at line 26, column 1',
      },
    ]);
  });

  it('expectValidManifests passes valid manifests and throws listing every problem', () => {
    expect(() =>
      expectValidManifests(validator, Object.values(MINIMAL).join('\n---\n')),
    ).not.toThrow();
    expect(() =>
      expectValidManifests(validator, [
        parse(MINIMAL.GitRepository),
        parse(CORE.Namespace),
      ]),
    ).not.toThrow();
    const bad = [
      docOf(MINIMAL.HelmRelease, d => {
        d.spec.chart.spec.sourceRef.knd = 'x';
      }),
      docOf(MINIMAL.ExternalSecret, d => {
        d.apiVersion = 'external-secrets.io/v1beta1';
      }),
    ];
    expect(() => expectValidManifests(validator, bad, 'out.yaml')).toThrow(
      [
        '2 manifest problem(s) in 2 document(s):',
        '  - out.yaml#0 /spec/chart/spec/sourceRef/knd: unknown field "knd"',
        '  - out.yaml#1 /apiVersion: external-secrets.io/v1beta1 is not served for ExternalSecret (v1beta1 is in the CRD with served: false, deprecated); served: external-secrets.io/v1',
      ].join('\n'),
    );
  });

  it('rejects documents that are not objects or lack apiVersion/kind', () => {
    expect(validator.validate(['a'])).toEqual([
      {
        path: '',
        message: 'must be object (a Kubernetes manifest), got array',
      },
    ]);
    expect(validator.validate({ kind: 'Namespace' })).toEqual([
      {
        path: '/apiVersion',
        message: 'required field "apiVersion" is missing',
      },
    ]);
  });
});

describe('the typed models as a second opinion', () => {
  const validator = loadManifestValidator();
  const release = {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'web', namespace: 'team-a' },
    spec: {
      interval: '10m',
      chart: {
        spec: {
          chart: 'open-webui',
          sourceRef: { kind: 'HelmRepository', name: 'open-webui' },
        },
      },
    },
  };

  it('covers the 14 kinds the product writes', () => {
    expect(TYPED_MODEL_KINDS).toHaveLength(14);
    for (const pair of TYPED_MODEL_KINDS) {
      const [apiVersion, kind] = pair.split(' ');
      expect(validator.knownKinds()).toContainEqual(
        expect.objectContaining({ apiVersion, kind }),
      );
    }
  });

  it('leaves out only the documented lag: a duration string refreshInterval on a SecretStore', () => {
    const store = (refreshInterval: unknown) => ({
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: 'vault', namespace: 'team-a' },
      spec: { refreshInterval, provider: { fake: { data: [] } } },
    });
    expect(typedModelProblems(store('5m'))).toEqual([]);
    expect(typedModelProblems(store(300))).toEqual([]);
    expect(
      typedModelProblems({ ...store(300), spec: { provider: 'vault' } }),
    ).toEqual([
      { path: '/spec/provider', message: 'typed model: must be object' },
    ]);
  });

  it('agrees on a valid HelmRelease and finds a wrong type itself', () => {
    expect(typedModelProblems(release)).toEqual([]);
    expect(
      typedModelProblems({
        ...release,
        spec: { ...release.spec, interval: 5 },
      }),
    ).toEqual([
      { path: '/spec/interval', message: 'typed model: must be string' },
    ]);
  });

  it('lets an unknown field through, which is why the strict check comes first', () => {
    const typo = {
      ...release,
      spec: { ...release.spec, intervall: '5m' },
    };
    expect(typedModelProblems(typo)).toEqual([]);
    expect(validator.validate(typo)).toEqual([
      { path: '/spec/intervall', message: 'unknown field "intervall"' },
    ]);
  });
});
