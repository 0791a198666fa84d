import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  CustomErrorBase,
  InputError,
  NotAllowedError,
} from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './catalogUnregister.examples';

/** The catalog answered an unregistration with something unexpected. @public */
export class CatalogRequestError extends CustomErrorBase {
  name = 'CatalogRequestError' as const;
}

/** `kind:namespace/name`, as the scaffolder's EntityPicker gives it. */
const ENTITY_REF = /^([A-Za-z0-9][\w.-]*):(?:([a-z0-9][\w.-]*)\/)?([\w.-]+)$/;

interface Location {
  id: string;
  type: string;
  target: string;
}

/**
 * `haven:catalog:unregister`: removes the catalog location an entity was
 * registered from (what catalog:register made), so the entity and its
 * location go together, through the catalog's REST API
 * (`GET /locations/by-entity/{kind}/{namespace}/{name}`, `DELETE
 * /locations/{id}`) on behalf of the task's user, whose catalog permissions
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
      const match = ENTITY_REF.exec(ctx.input.entityRef);
      if (!match) {
        throw new InputError(
          `Invalid entityRef ${JSON.stringify(
            ctx.input.entityRef.slice(0, 200),
          )}: expected kind:namespace/name, e.g. component:default/orders`,
        );
      }
      const [, kind, namespace = 'default', name] = match;
      const ref = `${kind.toLocaleLowerCase('en-US')}:${namespace}/${name}`;
      const base = await discovery.getBaseUrl('catalog');
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await ctx.getInitiatorCredentials(),
        targetPluginId: 'catalog',
      });
      const call = async (method: string, path: string) => {
        const res = await doFetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}` },
        });
        if (res.status === 401 || res.status === 403) {
          throw new NotAllowedError(
            `The catalog refused to ${
              method === 'DELETE' ? 'unregister' : 'look up'
            } ${ref} (HTTP ${
              res.status
            }): you need the catalog.location.delete permission. The rest is done; ask a catalog admin to unregister it.`,
          );
        }
        return res;
      };

      const found = await call(
        'GET',
        `/locations/by-entity/${[kind, namespace, name]
          .map(encodeURIComponent)
          .join('/')}`,
      );
      if (found.status === 404) {
        ctx.logger.info(`${ref} is not in the catalog: already unregistered`);
        ctx.output('unregistered', false);
        return;
      }
      if (!found.ok) {
        throw new CatalogRequestError(
          `Looking up the location of ${ref} failed: HTTP ${found.status}`,
        );
      }
      const location = (await found.json()) as Location;
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
          const removed = await call(
            'DELETE',
            `/locations/${encodeURIComponent(location.id)}`,
          );
          // 404: removed meanwhile, which is what was wanted.
          if (!removed.ok && removed.status !== 404) {
            throw new CatalogRequestError(
              `Unregistering ${ref} (location ${location.target}) failed: HTTP ${removed.status}`,
            );
          }
        },
      });
      ctx.logger.info(`Unregistered ${ref} (location ${location.target})`);
      ctx.output('unregistered', true);
    },
  });
}
