/*
 * The read side of the Kubernetes objects the delivery card shows, as the
 * Kubernetes backend returns them (shared/reference/contracts.md 2.4, 2.5,
 * 3.3). Every field is optional: these come off the wire untyped, and an
 * object Flux or ESO has not reconciled yet has no status at all.
 */

/** A status condition (metav1.Condition, or ESO's own with the same fields). @public */
export interface KubernetesCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** The metadata fields the status functions read. @public */
export interface KubernetesObjectMetadata {
  name?: string;
  namespace?: string;
  generation?: number;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
}

/** One entry of a HelmRelease's `status.history`, newest first. @public */
export interface HelmReleaseHistoryEntry {
  chartName?: string;
  chartVersion?: string;
  appVersion?: string;
  status?: string;
  version?: number;
  lastDeployed?: string;
}

/**
 * A Flux object: HelmRelease (`helm.toolkit.fluxcd.io/v2`), Kustomization
 * (`kustomize.toolkit.fluxcd.io/v1`) or a source.
 * @public
 */
export interface FluxObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubernetesObjectMetadata;
  spec?: { suspend?: boolean };
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
  apiVersion?: string;
  kind?: string;
  metadata?: KubernetesObjectMetadata;
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
  apiVersion?: string;
  kind?: string;
  metadata?: KubernetesObjectMetadata;
  status?: {
    conditions?: KubernetesCondition[];
    capabilities?: string;
  };
}

/** One state word, why, and (when there is one) what to do next. @public */
export interface StateResult<TState extends string> {
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
