import express from 'express';
import Router from 'express-promise-router';
import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { havenEntityTelemetryReadPermission } from './permissions';
import type { EntityTelemetryService } from './service/EntityTelemetryService';
import { parseWindow } from './service/windows';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  telemetry: EntityTelemetryService;
}

/**
 * `GET /entities/:kind/:namespace/:name/telemetry?window=1h`.
 *
 * Order matters: the window is checked, then the entity is loaded with the
 * caller's own credentials (an entity they cannot see is a 404), then the
 * permission is checked (403), and only then is the cache read or an
 * upstream called.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, telemetry } = options;
  const router = Router();

  router.get('/entities/:kind/:namespace/:name/telemetry', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const window = parseWindow(req.query.window);
    const { kind, namespace, name } = req.params;
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
    const entityRef = stringifyEntityRef(entity);
    // `authorize` with a resourceRef: the permission framework resolves a
    // conditional decision against the catalog entity itself, so the
    // answer is ALLOW or DENY. Anything but ALLOW is a 403.
    const [decision] = await permissions.authorize(
      [
        {
          permission: havenEntityTelemetryReadPermission,
          resourceRef: entityRef,
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not read the telemetry of ${entityRef} (permission ${havenEntityTelemetryReadPermission.name})`,
      );
    }
    res.json(await telemetry.get(entity, window));
  });

  return router;
}
