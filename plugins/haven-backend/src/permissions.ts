import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

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

/** Every permission the haven backend plugin declares. @public */
export const havenPermissions = [havenEntityTelemetryReadPermission];
