import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IClusterSecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore';
import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import type { IHelmRelease } from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2/HelmRelease';
import type { IHelmRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/HelmRepository';
import type { IOCIRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/OCIRepository';
import { InputError } from '@backstage/errors';
import {
  MIMIR_OTEL_METRIC_SUFFIXES,
  tenantDatasourceUids,
  type DatasourceUids,
} from '@haven-plus/plugin-haven-common';
import type { HavenGitopsCluster } from './types';
import { planTenantRoutes, type TeamTenant } from '../observability/tenancy';
import {
  fluxKustomization,
  type DeliveryFile,
  type KustomizeFile,
} from './manifests';

/*
 * The cluster's telemetry stack as typed Flux and ESO objects: Loki, Tempo
 * and Mimir on S3-compatible object storage, Alloy receiving OTLP, Grafana
 * with fixed datasource UIDs (a set per tenant under per-team tenancy, see
 * observability/tenancy.ts and observability/clusterPipeline.ts). Chart homes and versions follow
 * shared/reference/README.md ("Where the charts live now"); every value key
 * is checked against the chart's own values in the tests.
 */

/** How the stack's backends separate data (X-Scope-OrgID). @public */
export type ObservabilityTenancy =
  | { mode: 'single' }
  | { mode: 'multi'; tenant: string }
  | {
      mode: 'per-team';
      teams: readonly TeamTenant[];
      /** Tenant of namespaces no team lists; its datasources keep the configured UIDs. */
      defaultTenant: string;
    };

/** One tenant's set of datasources: the header they send and their UIDs. @public */
export interface TenantDatasources {
  /** undefined: no X-Scope-OrgID (single tenancy). */
  tenant?: string;
  /** The Loki, Tempo and Mimir datasource UIDs of this set. */
  uids: DatasourceUids;
  /** Appended to the datasource names ("Loki (team-a)"); undefined for the default set. */
  nameSuffix?: string;
}

/**
 * The Grafana datasource sets the stack provisions: one for single and
 * multi tenancy (the configured UIDs), one per tenant for per-team tenancy,
 * the default tenant first with the configured UIDs. Throws InputError on
 * invalid teams (planTenantRoutes) or clashing UIDs.
 * @public
 */
export function observabilityDatasources(
  tenancy: ObservabilityTenancy,
  uids: DatasourceUids,
): TenantDatasources[] {
  if (tenancy.mode === 'single') return [{ uids }];
  if (tenancy.mode === 'multi') return [{ tenant: tenancy.tenant, uids }];
  const sets = planTenantRoutes(tenancy).map(route =>
    route.isDefault
      ? { tenant: route.tenant, uids }
      : {
          tenant: route.tenant,
          uids: tenantDatasourceUids(uids, route.tenant),
          nameSuffix: ` (${route.tenant})`,
        },
  );
  const seen = new Map<string, string>();
  for (const set of sets) {
    for (const uid of Object.values(set.uids)) {
      const other = seen.get(uid);
      if (other !== undefined) {
        throw new InputError(
          `Tenants ${JSON.stringify(other)} and ${JSON.stringify(
            set.tenant,
          )} would share the Grafana datasource UID ${JSON.stringify(
            uid,
          )}; rename one of them`,
        );
      }
      seen.set(uid, set.tenant);
    }
  }
  return sets;
}

/** Chart sources and pinned versions. @public */
export const OBSERVABILITY_CHARTS = {
  // grafana-community/helm-charts, OCI preferred (reference README).
  loki: {
    url: 'oci://ghcr.io/grafana-community/helm-charts/loki',
    version: '18.11.0',
  },
  tempo: {
    url: 'oci://ghcr.io/grafana-community/helm-charts/tempo',
    version: '2.2.4',
  },
  'tempo-distributed': {
    url: 'oci://ghcr.io/grafana-community/helm-charts/tempo-distributed',
    version: '3.3.0',
  },
  grafana: {
    url: 'oci://ghcr.io/grafana-community/helm-charts/grafana',
    version: '12.11.1',
  },
  // Still published to grafana.github.io (reference README).
  alloy: {
    repository: 'https://grafana.github.io/helm-charts',
    version: '1.11.1',
  },
  'mimir-distributed': {
    repository: 'https://grafana.github.io/helm-charts',
    // 6.x needs kubeVersion >= 1.29 (reference README); no exact release is
    // in the reference data, so the range follows the major version.
    version: '>=6.0.0 <7.0.0',
  },
} as const;

/** Everything one cluster's stack is made of. @public */
export interface ObservabilityStackInput {
  /** The cluster the stack runs on. */
  cluster: HavenGitopsCluster;
  /** Folder of the stack in the fleet repository (e.g. infrastructure/<cluster>/observability). */
  folder: string;
  /** The Kubernetes namespace of the stack. */
  namespace: string;
  /** The S3-compatible object storage of logs, traces and metrics. */
  storage: {
    /** S3 endpoint host, e.g. s3.nl-ams.scw.cloud. */
    endpoint: string;
    region: string;
    /** Bucket name prefix; buckets are <prefix>-loki-chunks, -loki-ruler, -tempo, -mimir-blocks, -mimir-ruler, -mimir-alertmanager. */
    bucketPrefix: string;
    forcePathStyle: boolean;
  };
  /** How long logs, metrics and traces are kept, as durations (e.g. `744h`). */
  retention: { logs: string; metrics: string; traces: string };
  /**
   * One tenant for everyone (auth off); multi-tenant backends with one
   * shared tenant; or a tenant per team, its namespaces routed there by
   * Alloy and a set of Grafana datasources per tenant.
   */
  tenancy: ObservabilityTenancy;
  /** How Loki and Tempo are deployed. */
  modes: {
    loki: 'monolithic' | 'distributed';
    tempo: 'monolithic' | 'distributed';
  };
  /** Grafana's Ingress, when it gets a hostname. */
  grafana: {
    hostname?: string;
    ingressClassName?: string;
    clusterIssuer?: string;
  };
  /** Where the stack's secrets are in Vault and how External Secrets signs in. */
  vault: {
    server: string;
    namespace?: string;
    kvMount: string;
    kubernetesAuthMount: string;
    /** The Vault role External Secrets signs in with for platform secrets. */
    role: string;
    /** Path under the KV mount holding the stack's secrets (s3, grafana-admin). */
    path: string;
    audience: string;
  };
  /** The UIDs of the default tenant's Grafana datasources. */
  datasourceUids: DatasourceUids;
  /** The Alloy configuration text (rendered from typed components). */
  alloyConfig: string;
}

/** Resource attributes Mimir copies onto every series it takes in over OTLP. */
const MIMIR_PROMOTED_ATTRIBUTES =
  'service.name,service.namespace,deployment.environment.name';

const LABEL = 'app.kubernetes.io/part-of';
const PART_OF = 'haven-observability';
const S3_SECRET = 'observability-s3';
const GRAFANA_SECRET = 'grafana-admin';
const STORE = 'haven-vault';

/** Service addresses inside the cluster, as the charts name their services. @public */
export function observabilityEndpoints(input: {
  namespace: string;
  modes: ObservabilityStackInput['modes'];
}) {
  const svc = (name: string) => `${name}.${input.namespace}.svc.cluster.local`;
  return {
    // The Loki chart fronts every mode with its gateway (values: gateway.enabled).
    loki: `http://${svc('loki-gateway')}`,
    // mimir-distributed serves through its gateway (nginx in older releases).
    mimir: `http://${svc('mimir-gateway')}`,
    tempoOtlpGrpc:
      input.modes.tempo === 'monolithic'
        ? `${svc('tempo')}:4317`
        : `${svc('tempo-distributor')}:4317`,
    tempoQuery:
      input.modes.tempo === 'monolithic'
        ? `http://${svc('tempo')}:3200`
        : `http://${svc('tempo-query-frontend')}:3200`,
    alloyOtlpHttp: `http://${svc('alloy')}:4318`,
  };
}

function bucket(input: ObservabilityStackInput, suffix: string): string {
  return `${input.storage.bucketPrefix}-${suffix}`;
}

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

/** Loki: logs in S3, retention by the compactor, OTLP labels (contracts.md 4). */
function lokiValues(input: ObservabilityStackInput): Record<string, unknown> {
  const mono = input.modes.loki === 'monolithic';
  return {
    deploymentMode: mono ? 'Monolithic' : 'Distributed',
    loki: {
      auth_enabled: input.tenancy.mode !== 'single',
      commonConfig: { replication_factor: mono ? 1 : 3 },
      schemaConfig: {
        configs: [
          {
            from: '2024-04-01',
            store: 'tsdb',
            object_store: 's3',
            schema: 'v13',
            index: { prefix: 'loki_index_', period: '24h' },
          },
        ],
      },
      storage: {
        type: 's3',
        bucketNames: {
          chunks: bucket(input, 'loki-chunks'),
          // The chart (18.x) takes only these two (its values and schema).
          ruler: bucket(input, 'loki-ruler'),
        },
        s3: {
          endpoint: input.storage.endpoint,
          region: input.storage.region,
          // Expanded by Loki from the synced Secret (-config.expand-env=true).
          accessKeyId: '${S3_ACCESS_KEY_ID}',
          secretAccessKey: '${S3_SECRET_ACCESS_KEY}',
          s3ForcePathStyle: input.storage.forcePathStyle,
        },
      },
      limits_config: {
        retention_period: input.retention.logs,
        allow_structured_metadata: true,
      },
      compactor: { retention_enabled: true, delete_request_store: 's3' },
    },
    defaults: {
      extraArgs: ['-config.expand-env=true'],
      extraEnvFrom: [{ secretRef: { name: S3_SECRET } }],
    },
    minio: { enabled: false },
    ...(mono
      ? {
          singleBinary: { replicas: 1 },
          backend: { replicas: 0 },
          read: { replicas: 0 },
          write: { replicas: 0 },
        }
      : {}),
  };
}

/** Tempo: traces in S3 with retention; OTLP gRPC and HTTP receivers. */
function tempoValues(input: ObservabilityStackInput): Record<string, unknown> {
  const s3 = {
    bucket: bucket(input, 'tempo'),
    endpoint: input.storage.endpoint,
    access_key: '${S3_ACCESS_KEY_ID}',
    secret_key: '${S3_SECRET_ACCESS_KEY}',
    insecure: false,
  };
  if (input.modes.tempo === 'monolithic') {
    return {
      tempo: {
        retention: input.retention.traces,
        multitenancyEnabled: input.tenancy.mode !== 'single',
        storage: { trace: { backend: 's3', s3 } },
        receivers: {
          otlp: {
            protocols: {
              grpc: { endpoint: '0.0.0.0:4317' },
              http: { endpoint: '0.0.0.0:4318' },
            },
          },
        },
        extraArgs: { 'config.expand-env': 'true' },
        extraEnvFrom: [{ secretRef: { name: S3_SECRET } }],
      },
    };
  }
  return {
    multitenancyEnabled: input.tenancy.mode !== 'single',
    storage: { trace: { backend: 's3', s3 } },
    // Tempo 3: retention is a job of the backend scheduler (chart 3.3.0 values).
    backendScheduler: {
      config: {
        provider: {
          compaction: {
            compaction: { block_retention: input.retention.traces },
          },
        },
      },
    },
    traces: { otlp: { grpc: { enabled: true }, http: { enabled: true } } },
    global: {
      extraArgs: ['-config.expand-env=true'],
      extraEnvFrom: [{ secretRef: { name: S3_SECRET } }],
    },
  };
}

/** Mimir: metrics blocks, ruler and alertmanager in S3 (structuredConfig). */
function mimirValues(input: ObservabilityStackInput): Record<string, unknown> {
  return {
    minio: { enabled: false },
    global: {
      extraArgs: { 'config.expand-env': 'true' },
      extraEnvFrom: [{ secretRef: { name: S3_SECRET } }],
    },
    mimir: {
      structuredConfig: {
        multitenancy_enabled: input.tenancy.mode !== 'single',
        common: {
          storage: {
            backend: 's3',
            s3: {
              endpoint: input.storage.endpoint,
              region: input.storage.region,
              access_key_id: '${S3_ACCESS_KEY_ID}',
              secret_access_key: '${S3_SECRET_ACCESS_KEY}',
            },
          },
        },
        blocks_storage: { s3: { bucket_name: bucket(input, 'mimir-blocks') } },
        ruler_storage: { s3: { bucket_name: bucket(input, 'mimir-ruler') } },
        alertmanager_storage: {
          s3: { bucket_name: bucket(input, 'mimir-alertmanager') },
        },
        limits: {
          compactor_blocks_retention_period: input.retention.metrics,
          // Mimir's OTLP endpoint maps service.name and service.namespace to
          // `job` and keeps other resource attributes only in target_info;
          // promoted ones become labels of every series. Experimental,
          // a comma-separated string (flagext.StringSliceCSV): grafana/mimir
          // pkg/util/validation/limits.go, `promote_otel_resource_attributes`,
          // -distributor.otel-promote-resource-attributes.
          promote_otel_resource_attributes: MIMIR_PROMOTED_ATTRIBUTES,
          // Unit and _total suffixes on OTLP metric names, as Prometheus
          // names them (http_server_requests_total); Mimir's default is off
          // (limits.go, -distributor.otel-metric-suffixes-enabled). The
          // entity page's metric names follow this (haven-common promql.ts).
          otel_metric_suffixes_enabled: MIMIR_OTEL_METRIC_SUFFIXES,
        },
      },
    },
  };
}

/** Alloy: the OTLP pipeline (typed, rendered elsewhere) and its OTLP ports. */
function alloyValues(input: ObservabilityStackInput): Record<string, unknown> {
  return {
    alloy: {
      configMap: { content: input.alloyConfig },
      extraPorts: [
        { name: 'otlp-grpc', port: 4317, targetPort: 4317, protocol: 'TCP' },
        { name: 'otlp-http', port: 4318, targetPort: 4318, protocol: 'TCP' },
      ],
    },
    // One Deployment is enough for OTLP and Kubernetes API log collection.
    controller: { type: 'deployment' },
  };
}

/**
 * One tenant's Loki, Tempo and Mimir datasources, linked to each other only:
 * logs -> trace, trace -> logs, service map and exemplars stay inside the
 * tenant. With a tenant, every datasource sends it as X-Scope-OrgID (Grafana
 * provisioning: jsonData.httpHeaderName1 + secureJsonData.httpHeaderValue1).
 */
function tenantDatasources(
  set: TenantDatasources,
  e: ReturnType<typeof observabilityEndpoints>,
): Array<Record<string, unknown>> {
  const { uids } = set;
  const ds = (
    name: string,
    type: string,
    uid: string,
    url: string,
    jsonData: Record<string, unknown>,
  ) => ({
    name: `${name}${set.nameSuffix ?? ''}`,
    type,
    uid,
    url,
    access: 'proxy',
    editable: false,
    jsonData: {
      ...(set.tenant !== undefined ? { httpHeaderName1: 'X-Scope-OrgID' } : {}),
      ...jsonData,
    },
    ...(set.tenant !== undefined
      ? { secureJsonData: { httpHeaderValue1: set.tenant } }
      : {}),
  });
  return [
    ds('Loki', 'loki', uids.loki, e.loki, {
      // Logs -> trace: the trace id Loki keeps as structured metadata.
      derivedFields: [
        {
          name: 'TraceID',
          matcherType: 'label',
          matcherRegex: 'trace_id',
          datasourceUid: uids.tempo,
          url: '$${__value.raw}',
          urlDisplayLabel: 'Trace',
        },
      ],
    }),
    ds('Tempo', 'tempo', uids.tempo, e.tempoQuery, {
      // Trace -> logs of the same service.
      tracesToLogsV2: {
        datasourceUid: uids.loki,
        spanStartTimeShift: '-5m',
        spanEndTimeShift: '5m',
        filterByTraceID: true,
        customQuery: false,
        tags: [{ key: 'service.name', value: 'service_name' }],
      },
      serviceMap: { datasourceUid: uids.mimir },
      nodeGraph: { enabled: true },
    }),
    ds('Mimir', 'prometheus', uids.mimir, `${e.mimir}/prometheus`, {
      exemplarTraceIdDestinations: [
        { name: 'trace_id', datasourceUid: uids.tempo },
      ],
    }),
  ];
}

/** Grafana: datasources with fixed UIDs and trace <-> log links, per tenant. */
function grafanaValues(
  input: ObservabilityStackInput,
): Record<string, unknown> {
  const e = observabilityEndpoints(input);
  const datasources = observabilityDatasources(
    input.tenancy,
    input.datasourceUids,
  ).flatMap(set => tenantDatasources(set, e));
  const g = input.grafana;
  return {
    admin: {
      existingSecret: GRAFANA_SECRET,
      userKey: 'admin-user',
      passwordKey: 'admin-password',
    },
    datasources: {
      'datasources.yaml': { apiVersion: 1, datasources },
    },
    ...(g.hostname
      ? {
          ingress: {
            enabled: true,
            ...(g.ingressClassName
              ? { ingressClassName: g.ingressClassName }
              : {}),
            ...(g.clusterIssuer
              ? {
                  annotations: {
                    'cert-manager.io/cluster-issuer': g.clusterIssuer,
                  },
                }
              : {}),
            hosts: [g.hostname],
            tls: [{ secretName: 'grafana-tls', hosts: [g.hostname] }],
          },
        }
      : {}),
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
        vault: {
          server: input.vault.server,
          path: input.vault.kvMount,
          version: 'v2',
          ...(input.vault.namespace
            ? { namespace: input.vault.namespace }
            : {}),
          auth: {
            kubernetes: {
              mountPath: input.vault.kubernetesAuthMount,
              role: input.vault.role,
              serviceAccountRef: {
                name: 'external-secrets',
                namespace: 'external-secrets',
                audiences: [input.vault.audience],
              },
            },
          },
        },
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

  const kustomize: KustomizeFile = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: files.map(f => f.path.slice(folder.length + 1)),
  };
  files.push({
    path: `${folder}/kustomization.yaml`,
    purpose: `What Flux applies for ${cluster.name}'s telemetry stack.`,
    objects: [kustomize],
  });

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
