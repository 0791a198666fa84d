import { createHash } from 'node:crypto';
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import {
  badCredentials,
  DOCS,
  githubError,
  notFound,
  problemsParsingJson,
  type GitHubReply,
  type Json,
  type JsonObject,
} from './errors';
import { createFaults, faultMessage, type GitHubFaults } from './faults';
import { faultControls } from '../http/faultSchedule';
import { ObjectStore, type FlatTree } from './gitObjects';
import {
  execute,
  GraphqlSyntaxError,
  parseQuery,
  type GqlError,
} from './graphql';
import { queryRoot } from './graphqlSchema';
import { gitRoutes } from './gitRoutes';
import { idFor, isoSeconds, type Core, type RepoState } from './model';
import { headShaOf, pullHtmlUrl } from './pulls';
import { pullRoutes } from './pullRoutes';
import { codeload, CODELOAD_PREFIX, repoRoutes } from './repoRoutes';
import { resolveCommitish, type Route } from './routes';
import { routeParams } from '../http/routeParams';

export type { GitHubFault, GitHubFaults, ActiveGitHubFault } from './faults';

/** A repository the double holds at start: one commit with these files on the default branch. */
export interface GitHubRepositorySeed {
  owner: string;
  name: string;
  /** default `main` */
  defaultBranch?: string;
  /** path -> content; no files: an empty repository (no branches) */
  files: Record<string, string | Buffer>;
  /** paths committed with mode 100755 */
  executables?: string[];
  /** default true: anonymous callers get 404, as github.com answers for a private repository */
  private?: boolean;
  /** default `Organization` */
  ownerType?: 'Organization' | 'User';
  /** message of the seed commit; default `Initial commit` */
  message?: string;
}

/** A token the double accepts and the account it stands for. */
export interface GitHubTokenSpec {
  token: string;
  login: string;
}

export interface GitHubDoubleOptions {
  /**
   * The API base URL the handlers answer on, as Backstage's
   * `integrations.github[].apiBaseUrl` names it, e.g. http://127.0.0.1:7103
   * (or a GitHub Enterprise style `…/api/v3`; GraphQL is then at `…/api/graphql`).
   */
  baseUrl: string;
  /** A token the double accepts, for the account `login`. */
  token?: string;
  /** Account of `token`; default `haven-bot`. */
  login?: string;
  /** More tokens. Any other token is answered 401 `Bad credentials`. */
  tokens?: GitHubTokenSpec[];
  repositories?: GitHubRepositorySeed[];
  /** Web base URL for `html_url`s; default https://github.com. */
  htmlBaseUrl?: string;
  /** Clock for commit dates and timestamps; default `() => new Date()`. */
  now?: () => Date;
  /** Date of the seed commits, so seeded shas are stable; default 2025-01-01T00:00:00Z. */
  seedDate?: Date;
}

/** What the double logs of a request: never a body, never a token. */
export interface GitHubRecordedRequest {
  method: string;
  /** URL path, no query string */
  path: string;
  /** status answered; 0 for an injected connection reset */
  status: number;
}

export interface GitHubPullSnapshot {
  number: number;
  title: string;
  body: string | null;
  /** head branch */
  head: string;
  /** base branch */
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  html_url: string;
  headSha: string;
  requestedReviewers: string[];
  requestedTeams: string[];
  assignees: string[];
}

/** Read-back views of the double's state, for assertions (copies, never live objects). */
export interface GitHubDoubleState {
  /** The files of a branch (or tag, or commit sha; default: the default branch), as UTF-8 text. */
  files(owner: string, repo: string, ref?: string): Record<string, string>;
  /** Pull requests, oldest first. */
  pulls(owner: string, repo: string): GitHubPullSnapshot[];
  /** Branch names, sorted. */
  branches(owner: string, repo: string): string[];
  /** Commits reachable from the ref (default: the default branch). */
  commitCount(owner: string, repo: string, ref?: string): number;
  /** The commit sha a ref points at (default: the default branch); undefined if none. */
  headSha(owner: string, repo: string, ref?: string): string | undefined;
}

export interface GitHubDouble {
  handlers: HttpHandler[];
  /** Requests the double answered, oldest first. */
  requests: GitHubRecordedRequest[];
  faults: GitHubFaults;
  state: GitHubDoubleState;
}

const ROUTES: Route[] = [...repoRoutes, ...gitRoutes, ...pullRoutes];

/**
 * Conditional requests: docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api
 * ("Use conditional requests if appropriate": `etag` + `if-none-match` -> 304).
 */
function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch
    .split(',')
    .some(t => t.trim() === '*' || strip(t) === strip(etag));
}

export function createGitHubDouble(options: GitHubDoubleOptions): GitHubDouble {
  const base = new URL(options.baseUrl.replace(/\/+$/, ''));
  const basePath = base.pathname.replace(/\/+$/, '');
  const api = `${base.origin}${basePath}`;
  // @octokit/graphql: a base URL ending in /api/v3 has GraphQL at /api/graphql, else at <base>/graphql
  const graphqlPath = /\/api\/v3$/.test(basePath)
    ? basePath.replace(/\/api\/v3$/, '/api/graphql')
    : `${basePath}/graphql`;
  const now = options.now ?? (() => new Date());
  const seedDate = isoSeconds(
    options.seedDate ?? new Date('2025-01-01T00:00:00Z'),
  );
  const requests: GitHubRecordedRequest[] = [];
  const faults = createFaults();
  const tokens = new Map<string, string>();
  if (options.token) tokens.set(options.token, options.login ?? 'haven-bot');
  for (const t of options.tokens ?? []) tokens.set(t.token, t.login);
  const repos = new Map<string, RepoState>();
  const key = (owner: string, name: string) => `${owner}/${name}`.toLowerCase();
  let nextId = 1_000_000;

  const core: Core = {
    api,
    web: (options.htmlBaseUrl ?? 'https://github.com').replace(/\/+$/, ''),
    now,
    repo: (owner, name) => repos.get(key(owner, name)),
    nextId: () => {
      nextId += 1;
      return nextId;
    },
  };

  for (const seed of options.repositories ?? []) {
    const store = new ObjectStore();
    const defaultBranch = seed.defaultBranch ?? 'main';
    const refs = new Map<string, string>();
    const flat: FlatTree = new Map();
    for (const [path, content] of Object.entries(seed.files)) {
      const clean = path.replace(/^\/+/, '');
      flat.set(clean, {
        mode: seed.executables?.includes(clean) ? '100755' : '100644',
        type: 'blob',
        sha: store.writeBlob(
          Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'),
        ),
      });
    }
    if (flat.size > 0) {
      const signature = {
        name: 'Haven sandbox',
        email: 'sandbox@haven.invalid',
        date: seedDate,
      };
      const commit = store.writeCommit({
        tree: store.buildTree(flat),
        parents: [],
        message: seed.message ?? 'Initial commit',
        author: signature,
        committer: signature,
      });
      refs.set(`refs/heads/${defaultBranch}`, commit);
    }
    repos.set(key(seed.owner, seed.name), {
      id: idFor(`repo:${seed.owner}/${seed.name}`),
      owner: seed.owner,
      ownerType: seed.ownerType ?? 'Organization',
      name: seed.name,
      defaultBranch,
      private: seed.private ?? true,
      store,
      refs,
      pulls: [],
      nextNumber: 1,
      createdAt: seedDate,
      pushedAt: seedDate,
    });
  }

  /** Who is calling: a login, undefined for anonymous, or a 401 reply. */
  const authenticate = (
    request: Request,
  ): { viewer?: string } | GitHubReply => {
    const header = request.headers.get('authorization');
    if (!header) return {};
    // octokit's auth-token sends `token <t>` (`bearer <t>` for a JWT);
    // Backstage's GithubUrlReader and credentials provider send `Bearer <t>`.
    // docs.github.com/rest/authentication/authenticating-to-the-rest-api: both work.
    const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
    const viewer = match ? tokens.get(match[1]) : undefined;
    if (!viewer) return badCredentials();
    return { viewer };
  };

  const readBody = async (
    request: Request,
    docs: string,
  ): Promise<JsonObject | GitHubReply> => {
    const text = await request.text();
    if (text.trim() === '') return {};
    try {
      const parsed = JSON.parse(text);
      if (parsed === null) return {};
      if (typeof parsed !== 'object' || Array.isArray(parsed))
        return problemsParsingJson(docs);
      return parsed as JsonObject;
    } catch {
      return problemsParsingJson(docs);
    }
  };

  const isReply = (x: unknown): x is GitHubReply =>
    typeof x === 'object' &&
    x !== null &&
    'status' in x &&
    typeof (x as GitHubReply).status === 'number';

  /**
   * POST /graphql — docs.github.com/graphql/guides/forming-calls-with-graphql
   * (one endpoint, POST `{query, variables}`; errors come back with 200 in
   * `errors[]`). Caller: octokit-plugin-create-pull-request (see graphql.ts).
   */
  const graphql = async (
    request: Request,
    viewer: string | undefined,
  ): Promise<GitHubReply> => {
    const docs = 'https://docs.github.com/graphql';
    if (request.method.toUpperCase() !== 'POST') return notFound(docs);
    if (!viewer) {
      return githubError(
        401,
        'This endpoint requires you to be authenticated.',
        'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql',
      );
    }
    const body = await readBody(request, docs);
    if (isReply(body)) return body;
    if (typeof body.query !== 'string') {
      return {
        status: 200,
        body: {
          errors: [
            {
              message:
                'A query attribute must be specified and must be a string.',
            },
          ],
        },
      };
    }
    const variables =
      body.variables &&
      typeof body.variables === 'object' &&
      !Array.isArray(body.variables)
        ? (body.variables as JsonObject)
        : {};
    let selections;
    try {
      selections = parseQuery(body.query);
    } catch (error) {
      if (!(error instanceof GraphqlSyntaxError)) throw error;
      return { status: 200, body: { errors: [{ message: error.message }] } };
    }
    const errors: GqlError[] = [];
    const result = execute(
      queryRoot(core, viewer, errors),
      selections,
      variables,
      errors,
    );
    return {
      status: 200,
      body:
        result.data === null
          ? { errors: result.errors as Json }
          : {
              data: result.data,
              ...(result.errors.length > 0
                ? { errors: result.errors as Json }
                : {}),
            },
    };
  };

  const process = async (
    request: Request,
    url: URL,
    method: string,
    seen: { viewer?: string },
  ): Promise<GitHubReply | 'reset'> => {
    const apiPath = url.pathname.startsWith(basePath)
      ? url.pathname.slice(basePath.length) || '/'
      : url.pathname;
    const faultPath = url.pathname === graphqlPath ? '/graphql' : apiPath;

    const fault = faults.decide(method, faultPath);
    if (fault.latencyMs > 0) await delay(fault.latencyMs);
    if (fault.terminal?.reset) return 'reset';
    if (fault.terminal?.status !== undefined) {
      const status = fault.terminal.status;
      const reply = githubError(status, faultMessage(fault.terminal));
      if (status === 403 || status === 429) {
        // "Rate limits for the REST API": a primary rate limit answer has x-ratelimit-remaining 0
        reply.headers = {
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': '5000',
          'x-ratelimit-reset': String(
            Math.floor(now().getTime() / 1000) + 3600,
          ),
          'x-ratelimit-resource': 'core',
        };
      }
      return reply;
    }

    // The archive behind the tarball redirect: a signed codeload URL on
    // github.com, so it needs no Authorization header.
    if (apiPath.startsWith(`${CODELOAD_PREFIX}/`)) {
      const m =
        /^\/_codeload\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/([0-9a-f]{40})$/.exec(
          apiPath,
        );
      const repo = m ? core.repo(m[1], m[2]) : undefined;
      if (!m || !repo || method !== 'GET') return notFound();
      return codeload(repo, m[3]);
    }

    const auth = authenticate(request);
    if (isReply(auth)) return auth;
    seen.viewer = auth.viewer;

    if (url.pathname === graphqlPath) return graphql(request, auth.viewer);

    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(apiPath);
    if (!m) return notFound(); // an endpoint the double does not serve
    let owner: string;
    let name: string;
    try {
      owner = decodeURIComponent(m[1]);
      name = decodeURIComponent(m[2]);
    } catch {
      return notFound();
    }
    const rest = m[3] ?? '';
    const candidates = ROUTES.filter(r => r.pattern.test(rest));
    const route = candidates.find(r => r.methods.includes(method));
    const docs = route?.docs ?? candidates[0]?.docs ?? DOCS;
    const repo = core.repo(owner, name);
    // A private repository is 404 to whoever may not see it (troubleshooting-the-rest-api:
    // "404 Not Found for an existing resource").
    if (!repo || (repo.private && !auth.viewer)) return notFound(docs);
    if (!route) return notFound(docs);
    // github.com answers a change without credentials with 401 `Requires authentication`
    if (route.write && !auth.viewer)
      return githubError(401, 'Requires authentication', docs);

    const params = routeParams(route.pattern, rest);
    if (!params) return notFound(docs);
    let body: JsonObject = {};
    if (method === 'POST' || method === 'PATCH' || method === 'PUT') {
      const parsed = await readBody(request, docs);
      if (isReply(parsed)) return parsed;
      body = parsed;
    }
    return route.handle({
      core,
      request,
      url,
      method,
      viewer: auth.viewer,
      repo,
      params,
      body,
    });
  };

  const toResponse = (
    request: Request,
    reply: GitHubReply,
    viewer?: string,
  ): Response => {
    const method = request.method.toUpperCase();
    const headers: Record<string, string> = {
      'x-github-api-version-selected': '2022-11-28',
      // A classic personal access token's scopes ("Scopes for OAuth apps");
      // octokit-plugin-create-pull-request reads `x-oauth-scopes` to tell a
      // user token from an app token.
      ...(viewer
        ? { 'x-oauth-scopes': 'repo', 'x-accepted-oauth-scopes': '' }
        : {}),
      ...reply.headers,
    };
    let payload: Buffer | undefined;
    if (Buffer.isBuffer(reply.body)) {
      payload = reply.body;
    } else if (reply.body !== undefined) {
      payload = Buffer.from(JSON.stringify(reply.body));
      headers['content-type'] = 'application/json; charset=utf-8';
      headers['x-github-media-type'] ??= 'github.v3; format=json';
      if (reply.status === 200 && (method === 'GET' || method === 'HEAD')) {
        headers.etag ??= `W/"${createHash('sha256')
          .update(payload)
          .digest('hex')}"`;
      }
    }
    if (
      reply.status === 200 &&
      (method === 'GET' || method === 'HEAD') &&
      headers.etag &&
      etagMatches(request.headers.get('if-none-match'), headers.etag)
    ) {
      delete headers['content-type'];
      return new HttpResponse(null, { status: 304, headers });
    }
    const withBody =
      payload !== undefined &&
      method !== 'HEAD' &&
      reply.status !== 204 &&
      reply.status !== 304;
    return new HttpResponse(
      withBody ? new Uint8Array(payload as Buffer) : null,
      {
        status: reply.status,
        headers,
      },
    );
  };

  const handle = async ({ request }: { request: Request }) => {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const entry: GitHubRecordedRequest = {
      method,
      path: url.pathname,
      status: 0,
    };
    const seen: { viewer?: string } = {};
    const reply = await process(request, url, method, seen);
    requests.push(entry);
    if (reply === 'reset') return HttpResponse.error();
    const response = toResponse(request, reply, seen.viewer);
    entry.status = response.status;
    return response;
  };

  const handlers: HttpHandler[] = [http.all(`${api}/*`, handle)];
  if (!graphqlPath.startsWith(`${basePath}/`)) {
    handlers.push(http.all(`${base.origin}${graphqlPath}`, handle));
  }

  const repoOf = (owner: string, name: string): RepoState => {
    const repo = core.repo(owner, name);
    if (!repo)
      throw new Error(`the GitHub double has no repository ${owner}/${name}`);
    return repo;
  };
  const commitOf = (repo: RepoState, ref?: string): string => {
    const wanted = ref ?? repo.defaultBranch;
    const sha = resolveCommitish(repo, wanted);
    if (!sha)
      throw new Error(`${repo.owner}/${repo.name} has no ref ${wanted}`);
    return sha;
  };

  const state: GitHubDoubleState = {
    files: (owner, name, ref) => {
      const repo = repoOf(owner, name);
      const commit = repo.store.commit(commitOf(repo, ref));
      const out: Record<string, string> = {};
      for (const [path, entry] of repo.store.flatten(commit!.tree)) {
        const blob = repo.store.blob(entry.sha);
        if (blob) out[path] = blob.content.toString('utf8');
      }
      return out;
    },
    pulls: (owner, name) => {
      const repo = repoOf(owner, name);
      return repo.pulls.map(p => ({
        number: p.number,
        title: p.title,
        body: p.body,
        head: p.headRef,
        base: p.baseRef,
        state: p.state,
        merged: p.merged,
        draft: p.draft,
        html_url: pullHtmlUrl(core, repo, p.number),
        headSha: headShaOf(repo, p),
        requestedReviewers: [...p.requestedReviewers],
        requestedTeams: [...p.requestedTeams],
        assignees: [...p.assignees],
      }));
    },
    branches: (owner, name) =>
      [...repoOf(owner, name).refs.keys()]
        .filter(r => r.startsWith('refs/heads/'))
        .map(r => r.slice('refs/heads/'.length))
        .sort(),
    commitCount: (owner, name, ref) => {
      const repo = repoOf(owner, name);
      return repo.store.history(commitOf(repo, ref)).length;
    },
    headSha: (owner, name, ref) => {
      const repo = repoOf(owner, name);
      return resolveCommitish(repo, ref ?? repo.defaultBranch);
    },
  };

  return {
    handlers,
    requests,
    faults: faultControls(faults),
    state,
  };
}
