import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IClusterSecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore';
import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import type { IHelmRelease } from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2/HelmRelease';
import type { IHelmRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/HelmRepository';
import type { IOCIRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/OCIRepository';
import type { HavenGitopsCluster } from '../../gitops/types';
import {
  fluxKustomization,
  folderKustomization,
  vaultStoreProvider,
  type DeliveryFile,
} from '../../gitops/manifests';
import { alloyValues } from './alloyValues';
import { OBSERVABILITY_CHARTS } from './charts';
import { grafanaValues } from './grafanaValues';
import {
  GRAFANA_SECRET,
  S3_SECRET,
  type ObservabilityStackInput,
} from './input';
import { lokiValues } from './lokiValues';
import { mimirValues } from './mimirValues';
import { tempoValues } from './tempoValues';

/*
 * The cluster's telemetry stack as typed Flux and ESO objects: Loki, Tempo
 * and Mimir on S3-compatible object storage, Alloy receiving OTLP, Grafana
 * with fixed datasource UIDs (a set per tenant under per-team tenancy, see
 * observability/tenancy.ts and observability/clusterPipeline.ts). Chart
 * homes and versions follow shared/reference/README.md ("Where the charts
 * live now", charts.ts); each chart's values are built in its own file
 * (lokiValues.ts, tempoValues.ts, mimirValues.ts, alloyValues.ts,
 * grafanaValues.ts), and every value key is checked against the chart's own
 * values in the tests.
 */

const LABEL = 'app.kubernetes.io/part-of';
const PART_OF = 'haven-observability';
const STORE = 'haven-vault';

function meta(name: string, namespace?: string) {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { [LABEL]: PART_OF },
  };
}

function release(
  input: ObservabilityStackInput,
  name: string,
  chart:
    | { kind: 'OCIRepository'; source: string }
    | {
        kind: 'HelmRepository';
        chart: string;
        version: string;
        source: string;
      },
  values: Record<string, unknown>,
  dependsOn: string[] = [],
): IHelmRelease {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: meta(name, input.namespace),
    spec: {
      interval: '30m',
      ...(chart.kind === 'OCIRepository'
        ? {
            chartRef: {
              kind: 'OCIRepository',
              name: chart.source,
              namespace: input.namespace,
            },
          }
        : {
            chart: {
              spec: {
                chart: chart.chart,
                version: chart.version,
                sourceRef: {
                  kind: 'HelmRepository',
                  name: chart.source,
                  namespace: input.namespace,
                },
                interval: '12h',
              },
            },
          }),
      releaseName: name,
      ...(dependsOn.length > 0
        ? { dependsOn: dependsOn.map(d => ({ name: d })) }
        : {}),
      install: { remediation: { retries: 3 } },
      upgrade: { remediation: { retries: 3, remediateLastFailure: true } },
      values,
    },
  };
}

/**
 * Builds the fleet-repository files of one cluster's observability stack:
 * namespace, chart sources, a ClusterSecretStore for Vault, the S3 and
 * Grafana credentials as ExternalSecrets, the five HelmReleases in
 * dependency order, kustomization.yaml, and the Flux Kustomization that
 * applies the folder.
 * @public
 */
export function buildObservabilityStack(
  input: ObservabilityStackInput,
): DeliveryFile[] {
  const { folder, namespace, cluster } = input;
  const files: DeliveryFile[] = [];

  const ns: INamespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta(namespace),
  };
  files.push({
    path: `${folder}/namespace.yaml`,
    purpose: `Namespace of ${cluster.name}'s telemetry stack.`,
    objects: [ns],
  });

  const tempoChart =
    input.modes.tempo === 'monolithic' ? 'tempo' : 'tempo-distributed';
  const oci = (
    name: 'loki' | 'tempo' | 'tempo-distributed' | 'grafana',
  ): IOCIRepository => ({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'OCIRepository',
    metadata: meta(name, namespace),
    spec: {
      interval: '12h',
      url: OBSERVABILITY_CHARTS[name].url,
      ref: { tag: OBSERVABILITY_CHARTS[name].version },
      layerSelector: {
        mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
        operation: 'copy',
      },
    },
  });
  const grafanaRepo: IHelmRepository = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: meta('grafana', namespace),
    spec: { interval: '12h', url: OBSERVABILITY_CHARTS.alloy.repository },
  };
  files.push({
    path: `${folder}/sources.yaml`,
    purpose:
      'Where the charts live: Loki, Tempo and Grafana from grafana-community (OCI), Mimir and Alloy from grafana.github.io.',
    objects: [oci('loki'), oci(tempoChart), oci('grafana'), grafanaRepo],
  });

  // contracts.md 2.2: a ClusterSecretStore limited to this namespace.
  const store: IClusterSecretStore = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: meta(STORE),
    spec: {
      provider: {
        // ESO's own service account, in its namespace.
        vault: vaultStoreProvider(input.vault, {
          name: 'external-secrets',
          namespace: 'external-secrets',
        }),
      },
      conditions: [{ namespaces: [namespace] }],
    },
  };
  const externalSecret = (
    name: string,
    data: Array<[string, string]>,
  ): IExternalSecret => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: meta(name, namespace),
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: STORE },
      target: { name, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: data.map(([secretKey, key]) => {
        const [path, property] = key.split('#');
        return { secretKey, remoteRef: { key: path, property } };
      }),
    },
  });
  files.push({
    path: `${folder}/secrets.yaml`,
    purpose: `Vault ${input.vault.kvMount}/${input.vault.path}: object-storage keys and Grafana's admin, synced by External Secrets (never inline).`,
    objects: [
      store,
      externalSecret(S3_SECRET, [
        ['S3_ACCESS_KEY_ID', `${input.vault.path}/s3#access_key_id`],
        ['S3_SECRET_ACCESS_KEY', `${input.vault.path}/s3#secret_access_key`],
      ]),
      externalSecret(GRAFANA_SECRET, [
        ['admin-user', `${input.vault.path}/grafana-admin#user`],
        ['admin-password', `${input.vault.path}/grafana-admin#password`],
      ]),
    ],
  });

  const releases: Array<[string, IHelmRelease]> = [
    [
      'loki',
      release(
        input,
        'loki',
        { kind: 'OCIRepository', source: 'loki' },
        lokiValues(input),
      ),
    ],
    [
      'tempo',
      release(
        input,
        'tempo',
        { kind: 'OCIRepository', source: tempoChart },
        tempoValues(input),
      ),
    ],
    [
      'mimir',
      release(
        input,
        'mimir',
        {
          kind: 'HelmRepository',
          chart: 'mimir-distributed',
          version: OBSERVABILITY_CHARTS['mimir-distributed'].version,
          source: 'grafana',
        },
        mimirValues(input),
      ),
    ],
    [
      'alloy',
      release(
        input,
        'alloy',
        {
          kind: 'HelmRepository',
          chart: 'alloy',
          version: OBSERVABILITY_CHARTS.alloy.version,
          source: 'grafana',
        },
        alloyValues(input),
        ['loki', 'tempo', 'mimir'],
      ),
    ],
    [
      'grafana',
      release(
        input,
        'grafana',
        { kind: 'OCIRepository', source: 'grafana' },
        grafanaValues(input),
        ['loki', 'tempo', 'mimir'],
      ),
    ],
  ];
  for (const [name, object] of releases) {
    files.push({
      path: `${folder}/${name}.yaml`,
      purpose: `${name[0].toUpperCase()}${name.slice(1)} of ${cluster.name}.`,
      objects: [object],
    });
  }

  files.push(
    folderKustomization(
      folder,
      files,
      `What Flux applies for ${cluster.name}'s telemetry stack.`,
    ),
  );

  const flux = fluxKustomization(cluster, {
    name: 'observability',
    folder,
    labels: { [LABEL]: PART_OF },
    timeout: '15m',
  });
  files.push({
    path: `${clusterRoot(cluster)}/observability.yaml`,
    purpose: `Makes ${cluster.name} apply its telemetry stack.`,
    objects: [flux],
  });
  return files;
}

/** The folder the cluster's Flux syncs (the parent of its apps folder). @public */
export function clusterRoot(cluster: HavenGitopsCluster): string {
  const parts = cluster.fluxPath.split('/');
  return parts.length > 1 ? parts.slice(0, -1).join('/') : cluster.fluxPath;
}
