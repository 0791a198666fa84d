import type { PerTeamTenancy } from '../observability/tenancy';

/** One cluster apps are delivered to, with every default filled in. @public */
export interface HavenGitopsCluster {
  /** The cluster's name (a DNS-1123 label), as the template offers it. */
  name: string;
  /** The haven.vault environment of this cluster's apps. */
  environment: string;
  /** Folder of the app folders in the fleet repository. */
  appsPath: string;
  /** Folder with one Flux Kustomization per app and the kustomization.yaml that lists them. */
  fluxPath: string;
  /** Namespace of the cluster's Flux objects. */
  fluxNamespace: string;
  /** The fleet repository's Flux source the app Kustomizations read. */
  sourceRef: {
    kind: 'GitRepository' | 'OCIRepository' | 'Bucket';
    name: string;
  };
  /** Flux Kustomizations (in fluxNamespace) every app waits for. */
  dependsOn: string[];
  /** Vault's address as the cluster's External Secrets Operator reaches it. */
  vaultServer?: string;
  /** A platform-provided ClusterSecretStore used instead of a SecretStore per app. */
  clusterSecretStore?: string;
  /** The cluster's Alloy OTLP endpoint the apps send telemetry to. */
  otlpEndpoint?: string;
  /** The protocol of that endpoint. */
  otlpProtocol: 'http/protobuf' | 'grpc';
  /** The cluster's per-team telemetry tenants, when it has them. */
  telemetryTenancy?: PerTeamTenancy;
  /** Ingress defaults: IngressClass and cert-manager ClusterIssuer. */
  ingress: { className?: string; clusterIssuer?: string };
}

/** The `haven.gitops` configuration, read and checked once. @public */
export interface HavenGitopsConfig {
  /** The fleet repository every cluster's Flux reconciles. */
  fleetRepo: {
    /** Web URL without a trailing slash, e.g. https://github.com/haven-fleet/fleet. */
    url: string;
    host: string;
    /** Owner (GitHub) or group path (GitLab). */
    owner: string;
    repo: string;
    branch: string;
    provider: 'github' | 'gitlab';
  };
  /** The clusters apps can be delivered to, by name. */
  clusters: Record<string, HavenGitopsCluster>;
}
