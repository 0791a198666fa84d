import type { Config } from '@backstage/config';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  getGitLabRequestOptions,
  ScmIntegrations,
  type ScmIntegrationRegistry,
} from '@backstage/integration';

/** Where a fleet pull (or merge) request stands. @public */
export interface PullRequestState {
  /** The pull request's web address, as it was given. */
  url: string;
  /** Which host kind answered. */
  provider: 'github' | 'gitlab';
  /** `closed` is closed without being merged. */
  state: 'open' | 'merged' | 'closed';
  /** ISO time, when merged. */
  mergedAt?: string;
  /** The commit the merge made on the target branch, when merged and the host says it. */
  mergeCommitSha?: string;
  /** The pull request's title. */
  title?: string;
}

/** How a {@link PullRequestStateReader} calls the hosts. @public */
export interface PullRequestStateReaderOptions {
  /** Replaces the integration's fetch (tests). */
  fetch?: typeof fetch;
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

/**
 * The web address forms of a pull request:
 * GitHub `https://<host>/<owner>/<repo>/pull/<number>` and GitLab
 * `https://<host>/<group>/.../<project>/-/merge_requests/<iid>`.
 */
const GITHUB_PULL = /^\/([^/]+)\/([^/]+)\/pull\/([0-9]+)\/?$/;
const shaOf = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[0-9a-f]{40}$/.test(value) ? value : undefined;

const GITLAB_MERGE_REQUEST = /^\/(.+?)\/-\/merge_requests\/([0-9]+)\/?$/;

/**
 * Reads whether a fleet pull request is open, merged or closed, through the
 * `integrations` config Backstage already holds for the host (its API base
 * URL and credentials): GitHub's "Get a pull request"
 * (`GET /repos/{owner}/{repo}/pulls/{n}`: `state` open|closed, `merged`,
 * `merged_at`) and GitLab's "Get single MR"
 * (`GET /projects/:id/merge_requests/:iid`: `state`
 * opened|closed|locked|merged, `merged_at`). It reads only; it never
 * changes the pull request. Errors name the host and the integration to
 * check, never a token.
 * @public
 */
export class PullRequestStateReader {
  /** A reader for the `integrations` of the app's config. */
  static fromConfig(
    config: Config,
    options: PullRequestStateReaderOptions = {},
  ): PullRequestStateReader {
    return new PullRequestStateReader(
      ScmIntegrations.fromConfig(config),
      options,
    );
  }

  private readonly githubCredentials: DefaultGithubCredentialsProvider;

  constructor(
    private readonly integrations: ScmIntegrationRegistry,
    private readonly options: PullRequestStateReaderOptions = {},
  ) {
    this.githubCredentials =
      DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  }

  /** The state of the pull request at `url` (its web address). */
  async read(url: string): Promise<PullRequestState> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InputError(
        `"${url}" is not a pull request address (expected https://<host>/<owner>/<repo>/pull/<n> or https://<host>/<project>/-/merge_requests/<iid>)`,
      );
    }
    const github = GITHUB_PULL.exec(parsed.pathname);
    const gitlab = GITLAB_MERGE_REQUEST.exec(parsed.pathname);
    if (gitlab) {
      const integration = this.integrations.gitlab.byUrl(url);
      if (integration) {
        return this.readGitlab(url, integration.config, gitlab[1], gitlab[2]);
      }
    }
    if (github) {
      const integration = this.integrations.github.byUrl(url);
      if (integration) {
        return this.readGithub(url, integration.config, {
          owner: github[1],
          repo: github[2],
          number: github[3],
        });
      }
    }
    if (!github && !gitlab) {
      throw new InputError(
        `"${url}" is not a pull request address (expected https://<host>/<owner>/<repo>/pull/<n> or https://<host>/<project>/-/merge_requests/<iid>)`,
      );
    }
    throw new InputError(
      `No integrations.${github ? 'github' : 'gitlab'} entry for host ${
        parsed.host
      }: add one (host, apiBaseUrl, token) so the pull request's state can be read`,
    );
  }

  private async readGithub(
    url: string,
    integration: { host: string; apiBaseUrl?: string },
    pr: { owner: string; repo: string; number: string },
  ): Promise<PullRequestState> {
    const apiBaseUrl = integration.apiBaseUrl ?? 'https://api.github.com';
    const { headers } = await this.githubCredentials.getCredentials({
      url: `https://${integration.host}/${pr.owner}/${pr.repo}`,
    });
    const body = await this.getJson(
      `${apiBaseUrl}/repos/${encodeURIComponent(pr.owner)}/${encodeURIComponent(
        pr.repo,
      )}/pulls/${pr.number}`,
      { accept: 'application/vnd.github+json', ...headers },
      `GitHub pull request ${pr.owner}/${pr.repo}#${pr.number}`,
      `integrations.github for ${integration.host}`,
    );
    const merged = body.merged === true || typeof body.merged_at === 'string';
    let state: PullRequestState['state'] = 'open';
    if (body.state !== 'open') state = merged ? 'merged' : 'closed';
    return {
      url,
      provider: 'github',
      state,
      mergedAt:
        merged && typeof body.merged_at === 'string'
          ? body.merged_at
          : undefined,
      mergeCommitSha: merged ? shaOf(body.merge_commit_sha) : undefined,
      title: typeof body.title === 'string' ? body.title : undefined,
    };
  }

  private async readGitlab(
    url: string,
    integration: Parameters<typeof getGitLabRequestOptions>[0],
    project: string,
    iid: string,
  ): Promise<PullRequestState> {
    const { headers } = getGitLabRequestOptions(integration) as {
      headers?: Record<string, string>;
    };
    const body = await this.getJson(
      `${integration.apiBaseUrl}/projects/${encodeURIComponent(
        project,
      )}/merge_requests/${iid}`,
      { ...headers },
      `GitLab merge request ${project}!${iid}`,
      `integrations.gitlab for ${integration.host}`,
    );
    // `locked` is a merge in progress: still open for a reader.
    let state: PullRequestState['state'] = 'open';
    if (body.state === 'merged' || body.state === 'closed') state = body.state;
    return {
      url,
      provider: 'gitlab',
      state,
      mergedAt:
        state === 'merged' && typeof body.merged_at === 'string'
          ? body.merged_at
          : undefined,
      // A squash merge has no merge commit; the squash commit is what lands.
      mergeCommitSha:
        state === 'merged'
          ? shaOf(body.merge_commit_sha) ?? shaOf(body.squash_commit_sha)
          : undefined,
      title: typeof body.title === 'string' ? body.title : undefined,
    };
  }

  private async getJson(
    apiUrl: string,
    headers: Record<string, string>,
    what: string,
    integration: string,
  ): Promise<Record<string, unknown>> {
    const doFetch = this.options.fetch ?? fetch;
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let res: Response;
    try {
      res = await doFetch(apiUrl, { headers, signal: controller.signal });
    } catch (e) {
      throw new Error(
        `Reading ${what} failed: ${
          controller.signal.aborted
            ? `no answer within ${timeoutMs} ms`
            : (e as Error).message
        }`,
      );
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 401 || res.status === 403) {
      throw new NotAllowedError(
        `Reading ${what} was refused (HTTP ${res.status}): check the token of ${integration}`,
      );
    }
    if (res.status === 404) {
      throw new NotFoundError(
        `${what} was not found (HTTP 404): check the address and that the token of ${integration} can see the repository`,
      );
    }
    if (!res.ok) {
      throw new Error(`Reading ${what} failed: HTTP ${res.status}`);
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (typeof body !== 'object' || body === null) {
      throw new Error(
        `Reading ${what} failed: the answer is not a JSON object`,
      );
    }
    return body as Record<string, unknown>;
  }
}
