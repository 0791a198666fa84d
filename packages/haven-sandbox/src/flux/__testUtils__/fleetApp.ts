/**
 * One app's files in a fleet branch, in the shape haven:gitops:render writes
 * them, for the tests of the Flux/ESO stand-in. Each object sits in the app's
 * namespace with the `backstage.io/kubernetes-id` label, except where said.
 */

const metadata = (app: string, name: string, namespace = app) => `metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    backstage.io/kubernetes-id: ${app}
`;

/** A kustomize.config.k8s.io Kustomization listing `resources`. */
export const kustomizeList = (resources: string[]) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
${resources.map(r => `  - ${r}\n`).join('')}`;

/** The Flux Kustomization that applies the app's folder `path`. */
export const fluxKustomization = (o: {
  app: string;
  namespace: string;
  path: string;
}) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
${metadata(o.app, o.app, o.namespace)}spec:
  interval: 10m
  path: ${o.path}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

/** The app's SecretStore `<app>-vault` on the KV v2 mount `kvMount`. */
export const secretStore = (o: {
  app: string;
  kvMount: string;
  role: string;
}) => `apiVersion: external-secrets.io/v1
kind: SecretStore
${metadata(o.app, `${o.app}-vault`)}spec:
  provider:
    vault:
      server: https://vault.example
      path: ${o.kvMount}
      version: v2
      auth:
        kubernetes:
          mountPath: kubernetes
          role: ${o.role}
          serviceAccountRef:
            name: ${o.app}
`;

/** The app's ExternalSecret `<app>-vault`: each secret key from `key`'s `value`. */
export const externalSecret = (o: {
  app: string;
  data: Array<{ secretKey: string; key: string }>;
}) => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
${metadata(o.app, `${o.app}-vault`)}spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: SecretStore
    name: ${o.app}-vault
  target:
    name: ${o.app}-vault
  data:
${o.data
  .map(
    d => `    - secretKey: ${d.secretKey}
      remoteRef:
        key: ${d.key}
        property: value
`,
  )
  .join('')}`;

/** The app's HelmRelease of `chart` at `version` from its HelmRepository. */
export const helmRelease = (o: {
  app: string;
  chart: string;
  version: string;
}) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
${metadata(o.app, o.app)}spec:
  interval: 30m
  chart:
    spec:
      chart: ${o.chart}
      version: ${o.version}
      sourceRef:
        kind: HelmRepository
        name: ${o.app}
`;
