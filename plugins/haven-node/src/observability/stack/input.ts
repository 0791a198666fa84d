import type { DatasourceUids } from '@haven-plus/plugin-haven-common';
import type { HavenGitopsCluster } from '../../gitops/types';
import type { TeamTenant } from '../tenancy';

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

/** The Secret holding the object-storage keys, read by Loki, Tempo and Mimir. */
export const S3_SECRET = 'observability-s3';
/** The Secret holding Grafana's admin user and password. */
export const GRAFANA_SECRET = 'grafana-admin';

/** The bucket of one store: <bucketPrefix>-<suffix>. */
export function bucket(input: ObservabilityStackInput, suffix: string): string {
  return `${input.storage.bucketPrefix}-${suffix}`;
}
