import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PullRequestStateReader } from '@haven-plus/plugin-haven-node';
import { examples } from './gitopsAwaitMerge.examples';

/** The pull request was still open when the wait ran out. @public */
export class MergeWaitTimeoutError extends CustomErrorBase {
  name = 'MergeWaitTimeoutError' as const;
}

/** What the action needs of a PullRequestStateReader (the test seam). @public */
export type PullRequestStateSource = Pick<PullRequestStateReader, 'read'>;

/** Failures that polling again cannot mend: a wrong address, a refused token. */
const isFinal = (error: unknown) =>
  error instanceof InputError ||
  error instanceof NotAllowedError ||
  error instanceof NotFoundError;

/** How often a still-open pull request is reported in the log. */
const REPORT_EVERY_MS = 5 * 60_000;

/**
 * `haven:gitops:await-merge`: waits until a fleet pull (or merge) request
 * is merged, so that the steps after it (deleting what Flux no longer
 * applies) run only once the change is in. Fails, having changed nothing,
 * when it is closed without merging or still open at the timeout. The
 * merge, once seen, is a task checkpoint: a recovered task goes on.
 * @public
 */
export function createGitopsAwaitMergeAction(options: {
  reader: PullRequestStateSource;
  /** @internal Test seams. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}) {
  const { reader } = options;
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ??
    ((ms: number, signal?: AbortSignal) =>
      new Promise<void>(resolve => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      }));

  return createTemplateAction({
    id: 'haven:gitops:await-merge',
    description:
      'Waits until a pull request (GitHub) or merge request (GitLab) is merged, reading its state through the integrations config. Fails, having changed nothing, when it is closed without merging or still open after timeoutMinutes. Dry-run returns at once.',
    supportsDryRun: true,
    examples,
    schema: {
      input: {
        pullRequestUrl: z =>
          z
            .string()
            .describe(
              'Web address of the pull request (publish:github:pull-request remoteUrl) or merge request (haven:gitlab:merge-request mergeRequestUrl)',
            ),
        timeoutMinutes: z =>
          z
            .number()
            .int()
            .min(1)
            .max(1440)
            .default(60)
            .describe(
              'How long to wait for the merge (default 60, at most 1440)',
            ),
        pollSeconds: z =>
          z
            .number()
            .int()
            .min(1)
            .max(600)
            .default(10)
            .describe('How often to look (default 10 seconds)'),
      },
      output: {
        merged: z =>
          z.boolean().describe('True once merged (false in a dry run)'),
        mergedAt: z =>
          z.string().optional().describe('When it was merged (ISO time)'),
        mergeCommitSha: z =>
          z
            .string()
            .optional()
            .describe('The commit the merge made, when the host says'),
      },
    },
    async handler(ctx) {
      const url = ctx.input.pullRequestUrl;
      const timeoutMinutes = ctx.input.timeoutMinutes ?? 60;
      const pollMs = (ctx.input.pollSeconds ?? 10) * 1000;
      // A dry run has no pull request (a publish step's dry run gives no
      // real address): nothing to wait for.
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would wait up to ${timeoutMinutes} min for the pull request to be merged`,
        );
        ctx.output('merged', false);
        return;
      }
      if (!/^https?:\/\//.test(url ?? '')) {
        throw new InputError(
          `pullRequestUrl must be the pull request's web address, got ${JSON.stringify(
            String(url ?? '').slice(0, 200),
          )}: pass the publish step's remoteUrl (GitHub) or mergeRequestUrl (GitLab)`,
        );
      }

      const merge = await ctx.checkpoint({
        key: `haven-await-merge-${url}`,
        fn: async () => {
          const deadline = now() + timeoutMinutes * 60_000;
          ctx.logger.info(
            `Waiting for ${url} to be merged (up to ${timeoutMinutes} min, looking every ${
              pollMs / 1000
            } s)`,
          );
          let reported = now();
          let lastProblem = '';
          for (;;) {
            try {
              const pr = await reader.read(url);
              lastProblem = '';
              if (pr.state === 'merged') {
                return {
                  mergedAt: pr.mergedAt ?? '',
                  mergeCommitSha: pr.mergeCommitSha ?? '',
                };
              }
              if (pr.state === 'closed') {
                throw new ConflictError(
                  `${url} was closed without being merged: nothing was deleted. Re-open and merge it, then retry the task; or leave the app as it is.`,
                );
              }
            } catch (error) {
              if (error instanceof ConflictError || isFinal(error)) throw error;
              // A host that did not answer: look again until the deadline.
              const problem = (error as Error).message;
              if (problem !== lastProblem) {
                ctx.logger.warn(`${problem}; trying again`);
                lastProblem = problem;
              }
            }
            if (ctx.signal?.aborted) {
              throw new MergeWaitTimeoutError(
                `Stopped waiting for ${url}: the task was cancelled. Nothing was deleted.`,
              );
            }
            if (now() + pollMs > deadline) {
              throw new MergeWaitTimeoutError(
                `${url} was not merged within ${timeoutMinutes} min: nothing was deleted. Merge it, then retry the task (it waits again), or raise timeoutMinutes.`,
              );
            }
            if (now() - reported >= REPORT_EVERY_MS) {
              ctx.logger.info(`${url} is still open; waiting`);
              reported = now();
            }
            await sleep(pollMs, ctx.signal);
          }
        },
      });
      ctx.logger.info(
        `${url} is merged${merge.mergedAt ? ` (${merge.mergedAt})` : ''}`,
      );
      ctx.output('merged', true);
      if (merge.mergedAt) ctx.output('mergedAt', merge.mergedAt);
      if (merge.mergeCommitSha)
        ctx.output('mergeCommitSha', merge.mergeCommitSha);
    },
  });
}
