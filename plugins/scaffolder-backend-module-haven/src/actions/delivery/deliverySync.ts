import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  parseErrorResponseBody,
} from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  assertDnsLabel,
  assertValid,
  dnsSubdomainProblems,
} from '@haven-plus/plugin-haven-common';
import { examples } from './deliverySync.examples';
import {
  entityRefParts,
  HavenBackendError,
  postToHavenBackend,
} from './havenBackend';

export { HavenBackendError } from './havenBackend';

/**
 * `haven:delivery:sync`: asks ESO to re-sync one ExternalSecret of an entity
 * now (its force-sync annotation), through the haven backend's Sync now
 * route, `POST /api/haven/entities/:kind/:namespace/:name/delivery/sync`, on
 * behalf of the task's initiator: a user without the
 * `haven.entity.secrets.sync` permission on the entity is refused, as on the
 * Delivery card. Dry-run says what it would ask and sends nothing.
 * @public
 */
export function createDeliverySyncAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
  /** The fetch to use (the test seam; default: the global one). */
  fetch?: typeof fetch;
}) {
  const { auth, discovery } = options;
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));

  return createTemplateAction({
    id: 'haven:delivery:sync',
    description:
      "Forces External Secrets Operator to re-sync an entity's ExternalSecret now (the Delivery card's Sync now), on behalf of the user who started the task and under their haven.entity.secrets.sync permission. Dry-run says what it would request.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The entity whose ExternalSecret it is, e.g. component:default/open-webui',
            ),
        cluster: z =>
          z
            .string()
            .describe(
              "The cluster's name in kubernetes.clusterLocatorMethods (e.g. haven-sandbox)",
            ),
        namespace: z => z.string().describe('Namespace of the ExternalSecret'),
        name: z =>
          z
            .string()
            .describe(
              'Name of the ExternalSecret (haven:gitops:render names it <component>-vault; haven:vault:rotate outputs it as externalSecret)',
            ),
      },
      output: {
        requestedAt: z =>
          z
            .string()
            .optional()
            .describe(
              'When the sync was requested (the force-sync annotation value); absent in a dry run',
            ),
        annotation: z =>
          z.string().optional().describe('The annotation that was set'),
      },
    },
    async handler(ctx) {
      const entity = entityRefParts(ctx.input.entityRef);
      const cluster = ctx.input.cluster;
      if (!cluster) {
        throw new InputError(
          'haven:delivery:sync needs "cluster": a name from kubernetes.clusterLocatorMethods',
        );
      }
      const target = {
        cluster,
        kind: 'ExternalSecret',
        namespace: assertDnsLabel(ctx.input.namespace, 'namespace'),
        name: assertValid(ctx.input.name, 'name', dnsSubdomainProblems),
      };
      const ref = `${entity.kind}:${entity.namespace}/${entity.name}`;
      const what = `ExternalSecret ${target.namespace}/${target.name} in cluster ${cluster}`;
      const route = `/entities/${[entity.kind, entity.namespace, entity.name]
        .map(encodeURIComponent)
        .join('/')}/delivery/sync`;

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Would ask the haven backend to sync ${what} of ${ref} (POST ${route}) on behalf of the user who starts the task; dry run: nothing is sent`,
        );
        return;
      }

      const response = await postToHavenBackend(
        { auth, discovery, fetch: fetchFn },
        await ctx.getInitiatorCredentials(),
        route,
        target,
        `sync ${what}`,
      );

      if (!response.ok) {
        // The backend's error body names the refusal ({ error: { message } });
        // it carries no secret (the route never reads Vault values).
        const said = await parseErrorResponseBody(response)
          .then(body => body.error?.message)
          .catch(() => undefined);
        const because = said ? `: ${said}` : '';
        const later =
          'ESO still reads the new version at its next refresh (the ExternalSecret refreshInterval)';
        switch (response.status) {
          case 400:
            throw new InputError(
              `The haven backend refused to sync ${what}${because}`,
            );
          case 401:
          case 403:
            throw new NotAllowedError(
              `You may not sync ${what} of ${ref}${because}. Ask a platform administrator for the haven.entity.secrets.sync permission on it; ${later}.`,
            );
          case 404:
            throw new NotFoundError(
              `The haven backend has no entity ${ref}, or you may not see it${because}`,
            );
          case 409:
            throw new ConflictError(
              `${what} cannot be synced${because}. Check that the app is delivered (its pull request merged and applied); ${later}.`,
            );
          default:
            throw new HavenBackendError(
              `The haven backend answered HTTP ${response.status} to the sync of ${what}${because}; ${later}.`,
            );
        }
      }

      const result = (await response.json().catch(() => ({}))) as {
        requestedAt?: unknown;
        annotation?: unknown;
      };
      const requestedAt =
        typeof result.requestedAt === 'string' ? result.requestedAt : undefined;
      const annotation =
        typeof result.annotation === 'string' ? result.annotation : undefined;
      ctx.logger.info(
        `Asked ESO to sync ${what} of ${ref}${
          requestedAt ? ` (${annotation}=${requestedAt})` : ''
        }`,
      );
      if (requestedAt) ctx.output('requestedAt', requestedAt);
      if (annotation) ctx.output('annotation', annotation);
    },
  });
}
