/* eslint-disable @backstage/no-undeclared-imports -- octokit and its
 * create-pull-request plugin are hoisted in the monorepo but not yet
 * devDependencies of this package (see githubSandbox.test.ts). */
import { Octokit } from 'octokit';
import { createPullRequest } from 'octokit-plugin-create-pull-request';

/**
 * An Octokit with the create-pull-request plugin, as the scaffolder's GitHub
 * pull request action uses, against the GitHub double at `baseUrl`. No
 * throttling and no retries, so a test sees each answer the double gives.
 */
export function pullRequestClient(
  baseUrl: string,
  token: string,
): Octokit & ReturnType<typeof createPullRequest> {
  return new (Octokit.plugin(createPullRequest))({
    auth: token,
    baseUrl,
    throttle: { enabled: false },
    request: { retries: 0 },
  });
}
