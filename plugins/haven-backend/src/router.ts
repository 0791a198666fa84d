import express from 'express';
import Router from 'express-promise-router';
import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  havenEntityFluxReconcilePermission,
  havenEntitySecretsSyncPermission,
  havenEntityTelemetryReadPermission,
} from './permissions';
import {
  auditTarget,
  DELIVERY_ACTIONS,
  parseDeliveryTarget,
  type DeliveryAction,
  type DeliveryActions,
} from './delivery/DeliveryActions';
import type { EntityTelemetryService } from './service/EntityTelemetryService';
import { parseWindow } from './service/windows';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  telemetry: EntityTelemetryService;
  auditor: AuditorService;
  delivery: DeliveryActions;
}

/** Each Delivery card action, its permission and what a refusal says. */
const DELIVERY_PERMISSIONS: Record<
  DeliveryAction,
  { permission: ResourcePermission<'catalog-entity'>; what: string }
> = {
  sync: {
    permission: havenEntitySecretsSyncPermission,
    what: 'sync the ExternalSecrets of',
  },
  reconcile: {
    permission: havenEntityFluxReconcilePermission,
    what: 'reconcile the Flux objects of',
  },
};

/**
 * `GET /entities/:kind/:namespace/:name/telemetry?window=1h`, and
 * `POST /entities/:kind/:namespace/:name/delivery/sync` and `.../reconcile`
 * with `{ cluster, kind, namespace, name }` of the object.
 *
 * Order matters: the input is checked, then the entity is loaded with the
 * caller's own credentials (an entity they cannot see is a 404), then the
 * permission is checked (403), and only then is the cache read, an upstream
 * called or an object patched. Every delivery action, allowed or not, is an
 * audit event.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, telemetry, auditor, delivery } =
    options;
  const router = Router();
  router.use(express.json());

  const visibleEntity = async (
    params: { kind: string; namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<Entity> => {
    const { kind, namespace, name } = params;
    const entity = await catalog.getEntityByRef(
      { kind, namespace, name },
      { credentials },
    );
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef({
          kind,
          namespace,
          name,
        })} in the catalog, or you may not see it`,
      );
    }
    return entity;
  };

  // `authorize` with a resourceRef: the permission framework resolves a
  // conditional decision against the catalog entity itself, so the answer
  // is ALLOW or DENY. Anything but ALLOW is a 403.
  const requireAllowed = async (
    entityRef: string,
    permission: ResourcePermission<'catalog-entity'>,
    what: string,
    credentials: BackstageCredentials,
  ): Promise<void> => {
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not ${what} ${entityRef} (permission ${permission.name})`,
      );
    }
  };

  router.get('/entities/:kind/:namespace/:name/telemetry', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const window = parseWindow(req.query.window);
    const entity = await visibleEntity(req.params, credentials);
    await requireAllowed(
      stringifyEntityRef(entity),
      havenEntityTelemetryReadPermission,
      'read the telemetry of',
      credentials,
    );
    res.json(await telemetry.get(entity, window));
  });

  router.post(
    '/entities/:kind/:namespace/:name/delivery/:action',
    async (req, res) => {
      const action = req.params.action as DeliveryAction;
      if (!DELIVERY_ACTIONS.includes(action)) {
        throw new NotFoundError(
          `No delivery action "${
            req.params.action
          }"; there are ${DELIVERY_ACTIONS.join(' and ')}`,
        );
      }
      const { kind, namespace, name } = req.params;
      const event = await auditor.createEvent({
        eventId: `delivery-${action}`,
        severityLevel: 'medium',
        request: req,
        meta: { entityRef: stringifyEntityRef({ kind, namespace, name }) },
      });
      try {
        const credentials = await httpAuth.credentials(req, {
          allow: ['user', 'service'],
        });
        const target = parseDeliveryTarget(action, req.body);
        const entity = await visibleEntity(req.params, credentials);
        const { permission, what } = DELIVERY_PERMISSIONS[action];
        await requireAllowed(
          stringifyEntityRef(entity),
          permission,
          what,
          credentials,
        );
        const result = await delivery.request(action, entity, target);
        // A sync is asked for when Vault changed: the next view reads Vault
        // again instead of a cached version.
        if (action === 'sync') await telemetry.forget(entity);
        await event.success({ meta: { ...result } });
        res.status(202).json(result);
      } catch (error) {
        await event.fail({
          error: error instanceof Error ? error : new Error(String(error)),
          meta: { target: auditTarget(req.body) },
        });
        throw error;
      }
    },
  );

  return router;
}
