import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading an entity's Vault metadata and Loki/Tempo summaries on its page. A
 * resource permission on the catalog entity, so a policy can decide per
 * entity (for example with the catalog's `isEntityOwner` rule).
 *
 * @public
 */
export const havenEntityTelemetryReadPermission = createPermission({
  name: 'haven.entity.telemetry.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * "Sync now" on the entity page's Delivery card: asks External Secrets
 * Operator to refresh one of the entity's ExternalSecrets at once (an
 * annotation change on the object). A resource permission on the catalog
 * entity.
 *
 * @public
 */
export const havenEntitySecretsSyncPermission = createPermission({
  name: 'haven.entity.secrets.sync',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * "Reconcile" on the entity page's Delivery card: asks Flux to reconcile one
 * of the entity's Kustomizations or HelmReleases outside its interval. A
 * resource permission on the catalog entity.
 *
 * @public
 */
export const havenEntityFluxReconcilePermission = createPermission({
  name: 'haven.entity.flux.reconcile',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Every permission the haven plugins declare. @public */
export const havenPermissions = [
  havenEntityTelemetryReadPermission,
  havenEntitySecretsSyncPermission,
  havenEntityFluxReconcilePermission,
];
