import type { CompoundEntityRef } from '@backstage/catalog-model';

/**
 * The Delivery card's actions: `sync` asks External Secrets Operator to
 * refresh an ExternalSecret now, `reconcile` asks Flux to reconcile a
 * Kustomization or HelmRelease outside its interval.
 * @public
 */
export type DeliveryAction = 'sync' | 'reconcile';

/** One of the entity's objects, as the card names it. @public */
export interface DeliveryActionTarget {
  /** The cluster's name in kubernetes.clusterLocatorMethods. */
  cluster: string;
  kind: string;
  namespace: string;
  name: string;
}

/** haven-backend's answer: the object and the annotation it set. @public */
export interface DeliveryActionResult extends DeliveryActionTarget {
  action: DeliveryAction;
  annotation: string;
  requestedAt: string;
}

/** The haven-backend calls behind the Delivery card's buttons. @public */
export interface HavenDeliveryApi {
  /** Sets the annotation that makes ESO or Flux act on the object now. */
  requestDeliveryAction(
    entityRef: CompoundEntityRef,
    action: DeliveryAction,
    target: DeliveryActionTarget,
  ): Promise<DeliveryActionResult>;
}
