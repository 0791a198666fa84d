import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseErrorResponseBody } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './deliveryFollow.examples';
import { entityRefParts, postToHavenBackend } from './havenBackend';

/**
 * `haven:delivery:follow`: asks the haven backend to follow a pull request
 * through to delivery (`POST /api/haven/follow-through`, on behalf of the
 * task's initiator): once it is merged and the app's Flux and External
 * Secrets objects are Ready and Synced, or fail, the owner and the initiator
 * get a Backstage notification, and the entity's Delivery card shows the
 * pull request as the first step of its chain.
 *
 * Not following is not a failed task: the pull request is open either way,
 * so a backend that cannot follow it is a warning in the log. An empty
 * `pullRequestUrl` (no pull request was needed) follows nothing.
 * @public
 */
export function createDeliveryFollowAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
  /** The fetch to use (the test seam; default: the global one). */
  fetch?: typeof fetch;
}) {
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const access = { ...options, fetch: fetchFn };

  return createTemplateAction({
    id: 'haven:delivery:follow',
    description:
      'Follows a fleet pull request through to delivery: once merged and Ready and Synced (or failed), the owner and the user who ran the task are notified, and the Delivery card shows the pull request step. Never fails the task; dry-run sends nothing.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The entity the pull request delivers, e.g. component:default/open-webui',
            ),
        pullRequestUrl: z =>
          z
            .string()
            .optional()
            .describe(
              "The pull request's web address (publish:github:pull-request's remoteUrl, haven:gitlab:merge-request's mergeRequestUrl); empty: nothing to follow",
            ),
        owner: z =>
          z
            .string()
            .optional()
            .describe(
              'Who to tell while the entity is not in the catalog yet, e.g. group:default/team-a (after that, its owner)',
            ),
      },
      output: {
        followed: z =>
          z.boolean().describe('Whether the backend follows the pull request'),
      },
    },
    async handler(ctx) {
      const entity = entityRefParts(ctx.input.entityRef);
      const entityRef = `${entity.kind}:${entity.namespace}/${entity.name}`;
      const url = ctx.input.pullRequestUrl?.trim();
      if (!url) {
        ctx.logger.info('No pull request was opened: nothing to follow');
        ctx.output('followed', false);
        return;
      }
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Would ask the haven backend to follow ${url} for ${entityRef}; dry run: nothing is sent`,
        );
        ctx.output('followed', false);
        return;
      }
      let response: Response;
      try {
        response = await postToHavenBackend(
          access,
          await ctx.getInitiatorCredentials(),
          '/follow-through',
          {
            entityRef,
            pullRequestUrl: url,
            owner: ctx.input.owner || undefined,
          },
          `follow ${url}`,
        );
      } catch (error) {
        ctx.logger.warn(
          `The pull request is open but will not be followed: ${
            (error as Error).message
          }`,
        );
        ctx.output('followed', false);
        return;
      }
      if (!response.ok) {
        const said = await parseErrorResponseBody(response)
          .then(body => body.error?.message)
          .catch(() => undefined);
        ctx.logger.warn(
          `The pull request is open but will not be followed: the haven backend answered HTTP ${
            response.status
          }${said ? `: ${said}` : ''}`,
        );
        ctx.output('followed', false);
        return;
      }
      ctx.logger.info(
        `Following ${url}: ${entityRef}'s owner is notified once it is merged and Ready and Synced, or fails`,
      );
      ctx.output('followed', true);
    },
  });
}
