/**
 * The resource types the Kubernetes double serves, as a real API server
 * advertises them: group, the versions it serves, plural, kind, scope.
 *
 * Sources:
 * - Built-in types: the Kubernetes API reference (v1.31+); these are the list
 *   calls Backstage's Kubernetes backend makes for an entity (its default object
 *   types) plus the metrics API it calls unless `skipMetricsLookup` is set.
 * - Custom resources: the CRDs in shared/reference/crds (`spec.group`,
 *   `spec.names.{plural,kind}`, `spec.scope`, versions with `served: true`).
 *   ESO 2.9 serves only `external-secrets.io/v1` (v1beta1 has `served: false`);
 *   Flux 2.9 serves helm `v2`, kustomize/source/image `v1`. A request for a
 *   version that is not served answers 404, exactly as an API server does
 *   (contracts.md 6.4: that becomes a NOT_FOUND fetch error in Backstage).
 *   resources.test.ts checks this table against those CRD files.
 */
export interface ResourceType {
  /** '' for the core group, served under /api/v1 */
  group: string;
  versions: string[];
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Custom resources keep apiVersion/kind on list items; built-ins omit them. */
  custom: boolean;
}

const builtIn = (
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced = true,
): ResourceType => ({
  group,
  versions: [version],
  plural,
  kind,
  namespaced,
  custom: false,
});

const crd = (
  group: string,
  versions: string[],
  plural: string,
  kind: string,
  namespaced = true,
): ResourceType => ({
  group,
  versions,
  plural,
  kind,
  namespaced,
  custom: true,
});

export const RESOURCE_TYPES: readonly ResourceType[] = [
  builtIn('', 'v1', 'pods', 'Pod'),
  builtIn('', 'v1', 'services', 'Service'),
  builtIn('', 'v1', 'configmaps', 'ConfigMap'),
  builtIn('', 'v1', 'secrets', 'Secret'),
  builtIn('', 'v1', 'events', 'Event'),
  builtIn('', 'v1', 'limitranges', 'LimitRange'),
  builtIn('', 'v1', 'resourcequotas', 'ResourceQuota'),
  builtIn('', 'v1', 'serviceaccounts', 'ServiceAccount'),
  builtIn('', 'v1', 'namespaces', 'Namespace', false),
  builtIn('apps', 'v1', 'deployments', 'Deployment'),
  builtIn('apps', 'v1', 'replicasets', 'ReplicaSet'),
  builtIn('apps', 'v1', 'statefulsets', 'StatefulSet'),
  builtIn('apps', 'v1', 'daemonsets', 'DaemonSet'),
  builtIn(
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
  ),
  builtIn('batch', 'v1', 'jobs', 'Job'),
  builtIn('batch', 'v1', 'cronjobs', 'CronJob'),
  builtIn('networking.k8s.io', 'v1', 'ingresses', 'Ingress'),
  builtIn('metrics.k8s.io', 'v1beta1', 'pods', 'PodMetrics'),
  crd('external-secrets.io', ['v1'], 'externalsecrets', 'ExternalSecret'),
  crd('external-secrets.io', ['v1'], 'secretstores', 'SecretStore'),
  crd(
    'external-secrets.io',
    ['v1'],
    'clustersecretstores',
    'ClusterSecretStore',
    false,
  ),
  crd('helm.toolkit.fluxcd.io', ['v2'], 'helmreleases', 'HelmRelease'),
  crd('kustomize.toolkit.fluxcd.io', ['v1'], 'kustomizations', 'Kustomization'),
  crd('source.toolkit.fluxcd.io', ['v1'], 'gitrepositories', 'GitRepository'),
  crd('source.toolkit.fluxcd.io', ['v1'], 'helmrepositories', 'HelmRepository'),
  crd('source.toolkit.fluxcd.io', ['v1'], 'ocirepositories', 'OCIRepository'),
  crd(
    'image.toolkit.fluxcd.io',
    ['v1'],
    'imagerepositories',
    'ImageRepository',
  ),
  crd('image.toolkit.fluxcd.io', ['v1'], 'imagepolicies', 'ImagePolicy'),
  crd(
    'image.toolkit.fluxcd.io',
    ['v1'],
    'imageupdateautomations',
    'ImageUpdateAutomation',
  ),
];

/** The type served at group/version/plural, if the double's API server knows it. */
export function findResourceType(
  group: string,
  version: string,
  plural: string,
): ResourceType | undefined {
  return RESOURCE_TYPES.find(
    t =>
      t.group === group && t.plural === plural && t.versions.includes(version),
  );
}

/** The type of a stored object, from its apiVersion and kind. */
export function resourceTypeOfObject(
  apiVersion: string,
  kind: string,
): ResourceType | undefined {
  const [group, version] = apiVersion.includes('/')
    ? apiVersion.split('/', 2)
    : ['', apiVersion];
  return RESOURCE_TYPES.find(
    t => t.group === group && t.kind === kind && t.versions.includes(version),
  );
}
