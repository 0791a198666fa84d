import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { ISecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
import type { IClusterSecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore';
import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import type { IHelmRelease } from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2/HelmRelease';
import type { IHelmRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/HelmRepository';
import type { IOCIRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/OCIRepository';
import type { IKustomization as IFluxKustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import type { IImageRepository } from '@kubernetes-models/flux-cd/image.toolkit.fluxcd.io/v1/ImageRepository';
import type { IImagePolicy } from '@kubernetes-models/flux-cd/image.toolkit.fluxcd.io/v1/ImagePolicy';
import type { IImageUpdateAutomation } from '@kubernetes-models/flux-cd/image.toolkit.fluxcd.io/v1/ImageUpdateAutomation';
import { InputError } from '@backstage/errors';
import { ANNOTATION_KUBERNETES_ID } from '@haven-plus/plugin-haven-common';
import type { HavenGitopsCluster } from './types';
import {
  APP_PROFILE_ANNOTATION,
  expandProfileTemplate,
  type AppProfile,
} from './appProfiles';

/*
 * Typed builders of everything one app needs on one cluster. Each object is a
 * typed model (kubernetes-models, @kubernetes-models/flux-cd and
 * /external-secrets, generated from the upstream CRDs), built from inputs the
 * caller has already validated, and only then serialised (yamlWriter.ts).
 * API versions are the ones current controllers serve
 * (shared/reference/contracts.md 2.1, 3.1): ESO external-secrets.io/v1, Flux
 * helm v2, kustomize v1, source v1, image v1.
 */

/** The kustomize file (kustomization.yaml) of the app folder. @public */
export interface KustomizeFile {
  /** kustomize's own API version. */
  apiVersion: 'kustomize.config.k8s.io/v1beta1';
  /** Always `Kustomization`. */
  kind: 'Kustomization';
  /** The files the folder applies, relative to it. */
  resources: string[];
}

/** Any object the builders produce. @public */
export type DeliveryObject =
  | INamespace
  | IServiceAccount
  | IIngress
  | ISecretStore
  | IClusterSecretStore
  | IExternalSecret
  | IHelmRelease
  | IHelmRepository
  | IOCIRepository
  | IFluxKustomization
  | IImageRepository
  | IImagePolicy
  | IImageUpdateAutomation
  | KustomizeFile;

/** Where the app's chart comes from. @public */
export interface AppChart {
  /** `https://` Helm repository or `oci://` registry prefix (the chart name is appended). */
  repositoryUrl: string;
  /** The chart's name. */
  name: string;
  /** Version or SemVer range. */
  version: string;
}

/** One secret the app reads: a Vault KV entry mapped to one key of the synced Secret. @public */
export interface AppSecret {
  /** The Vault path segment under the app path (as haven:vault:provision seeded it). */
  name: string;
  /** Key in the synced Kubernetes Secret and name of the environment variable. */
  key: string;
}

/** Where the app's Vault data lives and how ESO signs in (haven:vault:provision's outputs). @public */
export interface AppVaultBinding {
  /** Vault address as the cluster reaches it. */
  server: string;
  /** Vault Enterprise / OpenBao namespace. */
  namespace?: string;
  /** The KV v2 mount. */
  kvMount: string;
  /** The app path inside the mount; each secret is at `<kvPath>/<name>`, property "value". */
  kvPath: string;
  /** The Kubernetes-auth role ESO signs in with. */
  role: string;
  /** The Kubernetes auth mount of the cluster. */
  kubernetesAuthMount: string;
  /** The `aud` of the service-account token ESO presents. */
  audience: string;
}

/** The Vault provider of an ESO SecretStore or ClusterSecretStore. */
export type VaultStoreProvider = NonNullable<
  NonNullable<ISecretStore['spec']>['provider']['vault'] &
    NonNullable<IClusterSecretStore['spec']>['provider']['vault']
>;

/**
 * The Vault provider block of an ESO SecretStore or ClusterSecretStore
 * (shared/reference/contracts.md 2.2): KV v2 at `vault.kvMount`, signing in
 * with Kubernetes auth at `vault.kubernetesAuthMount` as `vault.role`, with a
 * token of `serviceAccount` for `vault.audience` (ESO's Vault provider,
 * `auth.kubernetes.serviceAccountRef`). The service account's namespace is
 * needed only in a ClusterSecretStore.
 */
export function vaultStoreProvider(
  vault: Omit<AppVaultBinding, 'kvPath'>,
  serviceAccount: { name: string; namespace?: string },
): VaultStoreProvider {
  return {
    server: vault.server,
    path: vault.kvMount,
    version: 'v2',
    ...(vault.namespace ? { namespace: vault.namespace } : {}),
    auth: {
      kubernetes: {
        mountPath: vault.kubernetesAuthMount,
        role: vault.role,
        serviceAccountRef: {
          name: serviceAccount.name,
          ...(serviceAccount.namespace
            ? { namespace: serviceAccount.namespace }
            : {}),
          audiences: [vault.audience],
        },
      },
    },
  };
}

/** Everything the builders need for one app on one cluster. @public */
export interface AppDeliveryInput {
  /** The app's name (a DNS-1123 label): folder, release and kubernetes-id. */
  app: string;
  /** The Kubernetes namespace the app runs in. */
  namespace: string;
  /** The service account External Secrets signs in to Vault as. */
  serviceAccount: string;
  /** deployment.environment of the telemetry (the cluster's environment). */
  environment: string;
  /** The cluster the app is delivered to. */
  cluster: HavenGitopsCluster;
  /** The fleet-repository branch the pull request comes from. */
  fleetBranch: string;
  /** Where the app's Vault data lives. */
  vault: AppVaultBinding;
  /** The app's chart. */
  chart: AppChart;
  /** What the chart and app need for telemetry, secrets and labels (appProfiles.ts). */
  profile: AppProfile;
  /** Dotted path of the chart value holding a list of EnvVar objects (e.g. "extraEnvVars"). */
  envValuesPath: string;
  /** Dotted path of the chart value holding the pods' extra labels; none when undefined. */
  podLabelsPath?: string;
  /** The app's secrets. */
  secrets: AppSecret[];
  /** ExternalSecret refresh interval, e.g. "1h". */
  refreshInterval: string;
  /** OTLP resource attributes, when the app exports telemetry to the cluster's Alloy. */
  observability?: { serviceName: string; serviceNamespace: string };
  /** An Ingress with TLS for the app's Service, when it has a hostname. */
  ingress?: { host: string; serviceName: string; servicePort: number };
  /** Flux image automation for the app's image tag, when wanted. */
  imageAutomation?: {
    /** Image without tag, e.g. ghcr.io/open-webui/open-webui. */
    image: string;
    /** Tag deployed until the policy picks one. */
    tag: string;
    /** SemVer range the policy follows, e.g. `>=0.6.0 <1.0.0`. */
    semverRange: string;
    /** Dotted path of the chart's image values holding `repository` and `tag` (e.g. "image"). */
    valuesPath: string;
  };
}

/** One file of the fleet repository, as objects. @public */
export interface DeliveryFile {
  /** Path inside the fleet repository. */
  path: string;
  /** One line saying what the file is for (written as a YAML comment). */
  purpose: string;
  /** The file's objects, written as YAML documents in this order. */
  objects: DeliveryObject[];
  /** Image-policy setter markers: the value path inside objects[index] that carries one. */
  setters?: Array<{ index: number; path: string[]; marker: string }>;
}

/** The synced Secret's name (also the ExternalSecret's and the SecretStore's). @public */
export function syncedSecretName(app: string): string {
  return `${app}-vault`;
}

function meta(input: AppDeliveryInput, name: string, namespace?: string) {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { [ANNOTATION_KUBERNETES_ID]: input.app },
  };
}

function setPath(
  target: Record<string, unknown>,
  path: string[],
  value: unknown,
): void {
  let node = target;
  path.slice(0, -1).forEach(key => {
    const next = node[key];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      node = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  });
  node[path[path.length - 1]] = value;
}

/** The `${...}` values of the profile's templates for this app. */
function profileVars(input: AppDeliveryInput): Record<string, string> {
  const o = input.observability;
  const endpoint = (input.cluster.otlpEndpoint ?? '').replace(/\/+$/, '');
  return {
    endpoint,
    insecure: endpoint.startsWith('http://') ? 'true' : 'false',
    serviceName: o?.serviceName ?? input.app,
    // deployment.environment.name is the current semantic convention and a
    // default Loki index label (contracts.md 4); deployment.environment is
    // kept for SDKs and dashboards that still read the older key.
    resourceAttributes: [
      `service.namespace=${o?.serviceNamespace ?? input.namespace}`,
      `deployment.environment.name=${input.environment}`,
      `deployment.environment=${input.environment}`,
      `k8s.cluster.name=${input.cluster.name}`,
    ].join(','),
    secretName: syncedSecretName(input.app),
  };
}

/**
 * The container environment (secrets the chart does not take through its
 * own values, then the profile's OTLP settings) and the chart values the
 * profile sets. Throws InputError when a name would be set twice.
 */
function appValues(input: AppDeliveryInput): {
  env: IEnvVar[];
  values: Array<{ path: string; value: unknown }>;
} {
  const { profile } = input;
  const vars = profileVars(input);
  const expand = (v: unknown, extra: Record<string, string> = {}) =>
    typeof v === 'string' ? expandProfileTemplate(v, { ...vars, ...extra }) : v;
  const values = profile.values.map(v => ({
    path: v.path,
    value: expand(v.value),
  }));
  const env: IEnvVar[] = [];
  for (const s of input.secrets) {
    const viaValues = profile.secretValues.find(x => x.key === s.key);
    if (viaValues) {
      viaValues.values.forEach(v =>
        values.push({
          path: v.path,
          value: expand(v.value, { secretKey: s.key }),
        }),
      );
      continue;
    }
    env.push({
      name: s.key,
      valueFrom: {
        secretKeyRef: { name: syncedSecretName(input.app), key: s.key },
      },
    });
  }
  if (input.observability && input.cluster.otlpEndpoint) {
    // OTLP settings as the app reads them (the profile's facts).
    const t = profile.telemetry;
    for (const v of [...t.env, ...t.protocols[input.cluster.otlpProtocol]]) {
      env.push({ name: v.name, value: expand(v.value) as string });
    }
  }
  const seen = new Set<string>();
  for (const e of env) {
    if (profile.chartEnv.includes(e.name)) {
      throw new InputError(
        `The ${profile.title} chart sets ${
          e.name
        } itself; a secret or variable of that name would be a second entry. Use another key${
          profile.secretValues.length > 0
            ? ` (the chart takes ${profile.secretValues
                .map(x => x.key)
                .join(', ')} from the synced Secret through its own values)`
            : ''
        }`,
      );
    }
    if (seen.has(e.name)) {
      throw new InputError(
        `${e.name} would be set twice in ${input.app}'s environment: a secret's key clashes with a telemetry variable of the ${profile.title} profile; use another key`,
      );
    }
    seen.add(e.name);
  }
  return { env, values };
}

function chartSource(input: AppDeliveryInput): {
  source: IHelmRepository | IOCIRepository;
  chartFields: Pick<NonNullable<IHelmRelease['spec']>, 'chart' | 'chartRef'>;
} {
  const { app, namespace, chart } = input;
  if (chart.repositoryUrl.startsWith('oci://')) {
    // OCIRepository is the current way to consume an OCI chart; HelmRepository
    // type "oci" is in maintenance mode (contracts.md 3.1).
    const source: IOCIRepository = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      metadata: meta(input, app, namespace),
      spec: {
        interval: '12h',
        url: `${chart.repositoryUrl.replace(/\/+$/, '')}/${chart.name}`,
        ref: /^[0-9]+\.[0-9]+\.[0-9]+$/.test(chart.version)
          ? { tag: chart.version }
          : { semver: chart.version },
        layerSelector: {
          mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
          operation: 'copy',
        },
      },
    };
    return {
      source,
      chartFields: {
        chartRef: { kind: 'OCIRepository', name: app, namespace },
      },
    };
  }
  const source: IHelmRepository = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: meta(input, app, namespace),
    spec: { interval: '12h', url: chart.repositoryUrl },
  };
  return {
    source,
    chartFields: {
      chart: {
        spec: {
          chart: chart.name,
          version: chart.version,
          sourceRef: { kind: 'HelmRepository', name: app, namespace },
          interval: '12h',
        },
      },
    },
  };
}

/**
 * The folder's kustomization.yaml: every file written so far into `folder`,
 * relative to it and in order, as kustomize `resources`.
 */
export function folderKustomization(
  folder: string,
  files: readonly DeliveryFile[],
  purpose: string,
): DeliveryFile {
  const kustomize: KustomizeFile = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: files.map(f => f.path.slice(folder.length + 1)),
  };
  return {
    path: `${folder}/kustomization.yaml`,
    purpose,
    objects: [kustomize],
  };
}

/**
 * The Flux Kustomization (contracts.md 3.2) that makes a cluster apply one
 * folder of the fleet repository: prune, wait, the cluster's source and
 * dependsOn.
 * @public
 */
export function fluxKustomization(
  cluster: HavenGitopsCluster,
  options: {
    name: string;
    folder: string;
    labels: Record<string, string>;
    timeout: string;
  },
): IFluxKustomization {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: {
      name: options.name,
      namespace: cluster.fluxNamespace,
      labels: options.labels,
    },
    spec: {
      interval: '10m',
      retryInterval: '2m',
      timeout: options.timeout,
      path: `./${options.folder}`,
      prune: true,
      wait: true,
      sourceRef: { kind: cluster.sourceRef.kind, name: cluster.sourceRef.name },
      ...(cluster.dependsOn.length > 0
        ? { dependsOn: cluster.dependsOn.map(name => ({ name })) }
        : {}),
    },
  };
}

/** Repository-relative folder of the app's manifests. @public */
export function appFolder(cluster: HavenGitopsCluster, app: string): string {
  return `${cluster.appsPath}/${app}`;
}

/**
 * Builds the fleet-repository files of one app: its folder (namespace,
 * service account, secret store, external secret, chart source, Helm
 * release, optional ingress and image automation, kustomization.yaml) and the
 * Flux Kustomization that makes the cluster apply that folder.
 * @public
 */
export function buildAppDelivery(input: AppDeliveryInput): DeliveryFile[] {
  const { app, namespace, cluster } = input;
  const folder = appFolder(cluster, app);
  const files: DeliveryFile[] = [];

  const ns: INamespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      ...meta(input, namespace),
      // Several apps may share a namespace: removing one app's Flux
      // Kustomization must not delete it for the others (Flux kustomize
      // controller, "prune" docs: kustomize.toolkit.fluxcd.io/prune: disabled).
      annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
    },
  };
  files.push({
    path: `${folder}/namespace.yaml`,
    purpose: `Namespace of ${app}; kept when the app is removed, other apps may live in it.`,
    objects: [ns],
  });

  const sa: IServiceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(input, input.serviceAccount, namespace),
  };
  files.push({
    path: `${folder}/serviceaccount.yaml`,
    purpose: `Identity ${app} signs in to Vault with (Kubernetes auth role ${input.vault.role}).`,
    objects: [sa],
  });

  const storeName = syncedSecretName(app);
  if (input.secrets.length > 0) {
    if (!cluster.clusterSecretStore) {
      // contracts.md 2.2: Vault provider, KV v2, Kubernetes auth with the
      // app's own service account and audience.
      const store: ISecretStore = {
        apiVersion: 'external-secrets.io/v1',
        kind: 'SecretStore',
        metadata: meta(input, storeName, namespace),
        spec: {
          provider: {
            vault: vaultStoreProvider(input.vault, {
              name: input.serviceAccount,
            }),
          },
        },
      };
      files.push({
        path: `${folder}/secretstore.yaml`,
        purpose: `How External Secrets reads ${app}'s Vault path: KV v2 mount ${input.vault.kvMount}, role ${input.vault.role}.`,
        objects: [store],
      });
    }
    // contracts.md 2.3: each secret is { value } at <kvPath>/<name>.
    const externalSecret: IExternalSecret = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: meta(input, storeName, namespace),
      spec: {
        refreshInterval: input.refreshInterval,
        secretStoreRef: cluster.clusterSecretStore
          ? { kind: 'ClusterSecretStore', name: cluster.clusterSecretStore }
          : { kind: 'SecretStore', name: storeName },
        target: {
          name: storeName,
          creationPolicy: 'Owner',
          deletionPolicy: 'Retain',
        },
        data: input.secrets.map(s => ({
          secretKey: s.key,
          remoteRef: {
            key: `${input.vault.kvPath}/${s.name}`,
            property: 'value',
          },
        })),
      },
    };
    files.push({
      path: `${folder}/externalsecret.yaml`,
      purpose: `Syncs ${app}'s Vault secrets into Secret ${storeName} (keys only here, never values).`,
      objects: [externalSecret],
    });
  }

  const { source, chartFields } = chartSource(input);
  files.push({
    path: `${folder}/source.yaml`,
    purpose: `Where the ${input.chart.name} chart comes from.`,
    objects: [source],
  });

  const values: Record<string, unknown> = {};
  const settings = appValues(input);
  const { env } = settings;
  settings.values.forEach(v => setPath(values, v.path.split('.'), v.value));
  if (input.podLabelsPath) {
    // commonMetadata labels the objects' own metadata only; the pods get
    // the kubernetes-id through the chart's pod-label value, so the
    // Kubernetes tab and the pod-log service_name find them.
    setPath(values, input.podLabelsPath.split('.'), {
      [ANNOTATION_KUBERNETES_ID]: app,
    });
  }
  if (env.length > 0) setPath(values, input.envValuesPath.split('.'), env);
  const setters: DeliveryFile['setters'] = [];
  const ia = input.imageAutomation;
  if (ia) {
    const imagePath = ia.valuesPath.split('.');
    setPath(values, imagePath, { repository: ia.image, tag: ia.tag });
    // Image automation setter marker (fluxcd.io/flux/guides/image-update:
    // `# {"$imagepolicy": "<namespace>:<policy>:tag"}` on the tag line).
    setters.push({
      index: 0,
      path: ['spec', 'values', ...imagePath, 'tag'],
      marker: JSON.stringify({ $imagepolicy: `${namespace}:${app}:tag` }),
    });
  }
  const release: IHelmRelease = {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: {
      ...meta(input, app, namespace),
      annotations: { [APP_PROFILE_ANNOTATION]: input.profile.id },
    },
    spec: {
      interval: '30m',
      ...chartFields,
      releaseName: app,
      install: { remediation: { retries: 3 } },
      upgrade: { remediation: { retries: 3, remediateLastFailure: true } },
      // Everything the chart renders carries the kubernetes-id too, so the
      // Kubernetes plugin finds the app's workloads.
      commonMetadata: { labels: { [ANNOTATION_KUBERNETES_ID]: app } },
      ...(Object.keys(values).length > 0 ? { values } : {}),
    },
  };
  files.push({
    path: `${folder}/helmrelease.yaml`,
    purpose: `${app} itself: chart ${input.chart.name} ${input.chart.version}${
      env.length > 0
        ? ', with its secrets and OTLP settings as environment'
        : ''
    }.`,
    objects: [release],
    ...(setters.length > 0 ? { setters } : {}),
  });

  if (input.ingress) {
    const ingress: IIngress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        ...meta(input, app, namespace),
        ...(cluster.ingress.clusterIssuer
          ? {
              annotations: {
                'cert-manager.io/cluster-issuer': cluster.ingress.clusterIssuer,
              },
            }
          : {}),
      },
      spec: {
        ...(cluster.ingress.className
          ? { ingressClassName: cluster.ingress.className }
          : {}),
        tls: [{ hosts: [input.ingress.host], secretName: `${app}-tls` }],
        rules: [
          {
            host: input.ingress.host,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: {
                    service: {
                      name: input.ingress.serviceName,
                      port: { number: input.ingress.servicePort },
                    },
                  },
                },
              ],
            },
          },
        ],
      },
    };
    files.push({
      path: `${folder}/ingress.yaml`,
      purpose: `https://${input.ingress.host} for ${app}, with a TLS certificate.`,
      objects: [ingress],
    });
  }

  if (ia) {
    const repo: IImageRepository = {
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImageRepository',
      metadata: meta(input, app, namespace),
      spec: { image: ia.image, interval: '1h' },
    };
    const policy: IImagePolicy = {
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImagePolicy',
      metadata: meta(input, app, namespace),
      spec: {
        imageRepositoryRef: { name: app },
        policy: { semver: { range: ia.semverRange } },
      },
    };
    const automation: IImageUpdateAutomation = {
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImageUpdateAutomation',
      metadata: meta(input, app, cluster.fluxNamespace),
      spec: {
        interval: '30m',
        sourceRef: { kind: 'GitRepository', name: cluster.sourceRef.name },
        git: {
          checkout: { ref: { branch: input.fleetBranch } },
          commit: {
            author: { name: 'Flux image automation', email: 'flux@localhost' },
            messageTemplate: `${app}: image update`,
          },
          push: { branch: input.fleetBranch },
        },
        update: { path: `./${folder}`, strategy: 'Setters' },
      },
    };
    files.push({
      path: `${folder}/image-automation.yaml`,
      purpose: `Moves ${app} to new ${ia.image} tags within ${ia.semverRange}.`,
      objects: [repo, policy, automation],
    });
  }

  files.push(
    folderKustomization(folder, files, `What Flux applies for ${app}.`),
  );

  // contracts.md 3.2: the Flux Kustomization that applies the app folder.
  const flux = fluxKustomization(cluster, {
    name: app,
    folder,
    labels: { [ANNOTATION_KUBERNETES_ID]: app },
    timeout: '5m',
  });
  files.push({
    path: `${cluster.fluxPath}/${app}.yaml`,
    purpose: `Makes ${cluster.name} apply ${folder} once its infrastructure is ready.`,
    objects: [flux],
  });
  return files;
}
