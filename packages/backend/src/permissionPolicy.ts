import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  havenEntityFluxReconcilePermission,
  havenEntitySecretsSyncPermission,
} from '@haven-plus/plugin-haven-common';

/**
 * The sandbox's permission policy: everything is allowed, except the Delivery
 * card's two cluster writes, "Sync now" (`haven.entity.secrets.sync`) and
 * "Reconcile" (`haven.entity.flux.reconcile`), which only the entity's owners
 * may use (the catalog's isEntityOwner rule against the user's ownership
 * claims). A starting point, not a production policy: see README.md,
 * "Permissions".
 */
export class OwnersActOnDeliveryPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    for (const permission of [
      havenEntitySecretsSyncPermission,
      havenEntityFluxReconcilePermission,
    ]) {
      if (isPermission(request.permission, permission)) {
        return createCatalogConditionalDecision(
          permission,
          catalogConditions.isEntityOwner({
            claims: user?.info.ownershipEntityRefs ?? [],
          }),
        );
      }
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link OwnersActOnDeliveryPolicy} as the permission backend's policy. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'haven-owners-act-on-delivery',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new OwnersActOnDeliveryPolicy());
      },
    });
  },
});
