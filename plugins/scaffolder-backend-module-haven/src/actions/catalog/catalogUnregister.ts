import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { CatalogClient } from '@backstage/catalog-client';
import {
  CustomErrorBase,
  NotAllowedError,
  ResponseError,
} from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { entityRefParts } from '../delivery/havenBackend';
import { examples } from './catalogUnregister.examples';

/** The catalog answered an unregistration with something unexpected. @public */
export class CatalogRequestError extends CustomErrorBase {
  name = 'CatalogRequestError' as const;
}

/**
 * `haven:catalog:unregister`: removes the catalog location an entity was
 * registered from (what catalog:register made), so the entity and its
 * location go together, through the catalog's REST API
 * (Backstage's CatalogClient: `GET /locations/by-entity/{kind}/{namespace}/{name}`,
 * `DELETE /locations/{id}`) on behalf of the task's user, whose catalog permissions
 * apply. An entity or location that is already gone is success. A location
 * other than the expected one (e.g. a shared file with other entities) is
 * left alone, with a warning.
 * @public
 */
export function createCatalogUnregisterAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  /** @internal Test seam. */
  fetch?: typeof fetch;
}) {
  const { discovery, auth } = options;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  return createTemplateAction({
    id: 'haven:catalog:unregister',
    description:
      "Removes the catalog location an entity was registered from (the counterpart of catalog:register), on behalf of the task's user. Already gone is success; a location other than the expected one is left alone.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z.string().describe('The entity, e.g. component:default/orders'),
        expectedTarget: z =>
          z
            .string()
            .optional()
            .describe(
              "The URL it was registered from (e.g. haven:gitops:decommission's catalogInfoUrl): any other location is left alone",
            ),
      },
      output: {
        unregistered: z =>
          z.boolean().describe('True when this run removed the location'),
        target: z =>
          z.string().optional().describe('The location it was registered from'),
      },
    },
    async handler(ctx) {
      const parts = entityRefParts(ctx.input.entityRef);
      const ref = `${parts.kind}:${parts.namespace}/${parts.name}`;
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await ctx.getInitiatorCredentials(),
        targetPluginId: 'catalog',
      });
      const catalog = new CatalogClient({
        discoveryApi: discovery,
        fetchApi: { fetch: doFetch },
      });
      /** A refusal names the permission; anything else is a CatalogRequestError. */
      const refused = (error: unknown, doing: string, what: string) => {
        const status =
          error instanceof ResponseError ? error.response.status : undefined;
        if (status === 401 || status === 403) {
          return new NotAllowedError(
            `The catalog refused to ${doing} ${ref} (HTTP ${status}): you need the catalog.location.delete permission. The rest is done; ask a catalog admin to unregister it.`,
          );
        }
        return new CatalogRequestError(
          `${what} failed: ${status ? `HTTP ${status}` : String(error)}`,
        );
      };

      const location = await catalog
        .getLocationByEntity(ref, { token })
        .catch(error => {
          throw refused(error, 'look up', `Looking up the location of ${ref}`);
        });
      if (!location) {
        ctx.logger.info(`${ref} is not in the catalog: already unregistered`);
        ctx.output('unregistered', false);
        return;
      }
      ctx.output('target', location.target);
      const expected = ctx.input.expectedTarget;
      if (expected && location.target !== expected) {
        ctx.logger.warn(
          `${ref} comes from ${location.type} location ${location.target}, not ${expected}: that location may hold other entities and is left alone. Unregister ${ref} by hand if it should go.`,
        );
        ctx.output('unregistered', false);
        return;
      }
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would unregister ${ref} (location ${location.target})`,
        );
        ctx.output('unregistered', false);
        return;
      }
      await ctx.checkpoint({
        key: `haven-catalog-unregister-${location.id}`,
        fn: async () => {
          await catalog
            .removeLocationById(location.id, { token })
            .catch(error => {
              // 404: removed meanwhile, which is what was wanted.
              if (
                error instanceof ResponseError &&
                error.response.status === 404
              )
                return;
              throw refused(
                error,
                'unregister',
                `Unregistering ${ref} (location ${location.target})`,
              );
            });
        },
      });
      ctx.logger.info(`Unregistered ${ref} (location ${location.target})`);
      ctx.output('unregistered', true);
    },
  });
}
