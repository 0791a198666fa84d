/*
 * The read side of the Kubernetes objects the delivery card shows, as the
 * Kubernetes backend returns them (shared/reference/contracts.md 2.4, 2.5,
 * 3.3). Every field is optional: these come off the wire untyped, and an
 * object Flux or ESO has not reconciled yet has no status at all.
 */

/** A status condition (metav1.Condition, or ESO's own with the same fields). @public */
export interface KubernetesCondition {
  /** The condition type, e.g. `Ready`. */
  type: string;
  /** `True`, `False` or `Unknown`. */
  status: string;
  /** A machine-readable CamelCase reason. */
  reason?: string;
  /** The controller's human-readable message. */
  message?: string;
  /** When `status` last changed (RFC 3339). */
  lastTransitionTime?: string;
  /** The `metadata.generation` the condition was set for. */
  observedGeneration?: number;
}

/** The metadata fields the status functions read. @public */
export interface KubernetesObjectMetadata {
  /** The object's name. */
  name?: string;
  /** Its namespace. */
  namespace?: string;
  /** Bumped by the API server on every spec change. */
  generation?: number;
  /** Set once the object is being deleted. */
  deletionTimestamp?: string;
  /** Its labels, e.g. `backstage.io/kubernetes-id`. */
  labels?: Record<string, string>;
}

/** One entry of a HelmRelease's `status.history`, newest first. @public */
export interface HelmReleaseHistoryEntry {
  /** The chart's name. */
  chartName?: string;
  /** The chart version installed. */
  chartVersion?: string;
  /** The chart's appVersion. */
  appVersion?: string;
  /** Helm's release status, e.g. `deployed` or `failed`. */
  status?: string;
  /** The Helm release revision. */
  version?: number;
  /** When this revision was deployed (RFC 3339). */
  lastDeployed?: string;
}

/**
 * A Flux object: HelmRelease (`helm.toolkit.fluxcd.io/v2`), Kustomization
 * (`kustomize.toolkit.fluxcd.io/v1`) or a source.
 * @public
 */
export interface FluxObject {
  /** The group/version, e.g. `helm.toolkit.fluxcd.io/v2`. */
  apiVersion?: string;
  /** The kind, e.g. `HelmRelease`. */
  kind?: string;
  /** The metadata the status functions read. */
  metadata?: KubernetesObjectMetadata;
  /** The spec fields read: only `suspend`. */
  spec?: { suspend?: boolean };
  /** What the controller reports. */
  status?: {
    observedGeneration?: number;
    conditions?: KubernetesCondition[];
    /** Kustomization only. */
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    /** HelmRelease only. */
    history?: HelmReleaseHistoryEntry[];
  };
}

/** An ExternalSecret (`external-secrets.io/v1`). @public */
export interface ExternalSecretObject {
  /** The group/version, e.g. `helm.toolkit.fluxcd.io/v2`. */
  apiVersion?: string;
  /** The kind, e.g. `HelmRelease`. */
  kind?: string;
  /** The metadata the status functions read. */
  metadata?: KubernetesObjectMetadata;
  /** The spec fields the card reads. */
  spec?: {
    /** A Go duration such as `1h` or `1h0m0s`; `0s` fetches once. */
    refreshInterval?: string;
    refreshPolicy?: 'CreatedOnce' | 'Periodic' | 'OnChange' | string;
    secretStoreRef?: { name?: string; kind?: string };
    target?: {
      name?: string;
      creationPolicy?: string;
      deletionPolicy?: string;
    };
    data?: Array<{
      secretKey?: string;
      remoteRef?: { key?: string; property?: string };
    }>;
    dataFrom?: Array<{ extract?: { key?: string } }>;
  };
  /** What the External Secrets controller reports. */
  status?: {
    refreshTime?: string | null;
    /** `<metadata.generation>-<hash>`. */
    syncedResourceVersion?: string;
    conditions?: KubernetesCondition[];
    binding?: { name?: string };
  };
}

/** A SecretStore or ClusterSecretStore (`external-secrets.io/v1`). @public */
export interface SecretStoreObject {
  /** The group/version, e.g. `helm.toolkit.fluxcd.io/v2`. */
  apiVersion?: string;
  /** The kind, e.g. `HelmRelease`. */
  kind?: string;
  /** The metadata the status functions read. */
  metadata?: KubernetesObjectMetadata;
  /** What the External Secrets controller reports. */
  status?: {
    conditions?: KubernetesCondition[];
    capabilities?: string;
  };
}

/** One state word, why, and (when there is one) what to do next. @public */
export interface StateResult<TState extends string> {
  /** The state word shown. */
  state: TState;
  /** The controller's reason and message, or what the state was derived from. */
  reason: string;
  /** Where to look next. */
  hint?: string;
}

/** Flux object states (contracts.md 3.3, suggested UI mapping). @public */
export type FluxState =
  | 'Suspended'
  | 'Failed (stalled)'
  | 'Failed'
  | 'Reconciling'
  | 'Ready'
  | 'Pending';

/** ExternalSecret states. @public */
export type ExternalSecretState =
  | 'Synced'
  | 'Stale'
  | 'Error'
  | 'Reconciling'
  | 'Missing';

/** SecretStore and ClusterSecretStore states. @public */
export type SecretStoreState = 'Valid' | 'Unverified' | 'Error' | 'Pending';

/** Any state word the delivery card shows. @public */
export type DeliveryState = FluxState | ExternalSecretState | SecretStoreState;
