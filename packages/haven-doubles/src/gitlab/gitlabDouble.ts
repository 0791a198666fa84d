import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { ObjectStore } from '../github/gitObjects';
import type { GitHubRepositorySeed } from '../github/githubDouble';
import {
  badJson,
  gitlabError,
  notFound,
  unauthorized,
  type GitLabReply,
  type Json,
  type JsonObject,
} from './errors';
import { createFaults, faultMessage, type GitLabFaults } from './faults';
import { mergeRequestRoutes, mergeRequestSha } from './mergeRequestRoutes';
import {
  isoMillis,
  isoSeconds,
  pathWithNamespace,
  resolveRef,
  userJson,
  type Core,
  type GitLabUser,
  type MergeRequestState,
  type ProjectState,
  type Route,
} from './model';
import {
  commitActions,
  repositoryRoutes,
  type CommitAction,
} from './repositoryRoutes';
import { routeParams } from '../http/routeParams';

export type { GitLabFault, GitLabFaults, ActiveGitLabFault } from './faults';

/**
 * A project the double holds at start: one commit with these files on the
 * default branch (`defaultBranch`, `files`, `executables` and `message` as
 * for a GitHub double's repository).
 */
export interface GitLabProjectSeed
  extends Pick<
    GitHubRepositorySeed,
    'defaultBranch' | 'files' | 'executables' | 'message'
  > {
  /** group (or `group/subgroup`, or a username) */
  namespace: string;
  /** the project's path, e.g. `fleet` */
  path: string;
  /** default `private`: anonymous callers get `404 Project Not Found` */
  visibility?: 'private' | 'internal' | 'public';
}

/** A token the double accepts and the account it stands for. */
export interface GitLabTokenSpec {
  token: string;
  username: string;
}

export interface GitLabDoubleOptions {
  /**
   * The instance's base URL, as Backstage's `integrations.gitlab[].baseUrl`
   * names it (e.g. http://127.0.0.1:7107): the REST API is served at
   * `<baseUrl>/api/v4` (`apiBaseUrl`), and web URLs (`web_url`) start here.
   */
  baseUrl: string;
  /** A token the double accepts, for the account `username`. */
  token?: string;
  /** Account of `token`; default `haven-bot`. */
  username?: string;
  /** More tokens. Any other token is answered 401 `401 Unauthorized`. */
  tokens?: GitLabTokenSpec[];
  projects?: GitLabProjectSeed[];
  /** Clock for commits and merge requests; default `() => new Date()`. */
  now?: () => Date;
  /** Date of the seed commits, so seeded shas are stable; default 2025-01-01T00:00:00Z. */
  seedDate?: Date;
}

/** What the double logs of a request: never a body, never a token. */
export interface GitLabRecordedRequest {
  method: string;
  /** URL path as sent (percent-encoded), no query string */
  path: string;
  /** status answered; 0 for an injected connection reset */
  status: number;
}

export interface GitLabMergeRequestSnapshot
  extends Pick<
    MergeRequestState,
    'iid' | 'title' | 'description' | 'sourceBranch' | 'targetBranch' | 'state'
  > {
  webUrl: string;
  /** head of the source branch (the last one seen once merged or closed) */
  sha: string | null;
  labels: string[];
}

/** Read-back views of the double's state, for assertions (copies, never live objects). */
export interface GitLabDoubleState {
  /** The files of a branch or commit (default: the default branch), as UTF-8 text. */
  files(project: string, ref?: string): Record<string, string>;
  /** Merge requests, oldest first. */
  mergeRequests(project: string): GitLabMergeRequestSnapshot[];
  /** Branch names, sorted. */
  branches(project: string): string[];
  /** Commits reachable from the ref (default: the default branch). */
  commitCount(project: string, ref?: string): number;
  /** The commit sha a ref points at (default: the default branch); undefined if none. */
  headSha(project: string, ref?: string): string | undefined;
}

export interface GitLabDouble {
  handlers: HttpHandler[];
  /** Requests the double answered, oldest first. */
  requests: GitLabRecordedRequest[];
  faults: GitLabFaults;
  state: GitLabDoubleState;
}

const ROUTES: Route[] = [...repositoryRoutes, ...mergeRequestRoutes];

/** docs.gitlab.com/api/projects, "Get a single project". */
function projectJson(core: Core, project: ProjectState): JsonObject {
  const full = pathWithNamespace(project);
  const web = `${core.web}/${full}`;
  const namespacePath = project.namespace.split('/').pop() as string;
  return {
    id: project.id,
    description: null,
    name: project.path,
    name_with_namespace: full.split('/').join(' / '),
    path: project.path,
    path_with_namespace: full,
    created_at: project.createdAt,
    default_branch: project.branches.size > 0 ? project.defaultBranch : null,
    visibility: project.visibility,
    empty_repo: project.branches.size === 0,
    archived: false,
    web_url: web,
    http_url_to_repo: `${web}.git`,
    ssh_url_to_repo: `git@${new URL(core.web).host}:${full}.git`,
    readme_url: null,
    namespace: {
      id: 1000 + project.namespace.length,
      name: namespacePath,
      path: namespacePath,
      kind: 'group',
      full_path: project.namespace,
      web_url: `${core.web}/groups/${project.namespace}`,
    },
    last_activity_at: project.createdAt,
  };
}

export function createGitLabDouble(options: GitLabDoubleOptions): GitLabDouble {
  const base = new URL(options.baseUrl.replace(/\/+$/, ''));
  const web = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const apiPrefix = `${base.pathname.replace(/\/+$/, '')}/api/v4`;
  const now = options.now ?? (() => new Date());
  const seedDate = options.seedDate ?? new Date('2025-01-01T00:00:00Z');
  const requests: GitLabRecordedRequest[] = [];
  const faults = createFaults();
  const users: GitLabUser[] = [];
  const tokens = new Map<string, GitLabUser>();
  const addToken = (token: string, username: string) => {
    let user = users.find(u => u.username === username);
    if (!user) {
      user = {
        id: users.length + 1,
        username,
        name: username,
        email: `${username}@haven.invalid`,
      };
      users.push(user);
    }
    tokens.set(token, user);
  };
  if (options.token) addToken(options.token, options.username ?? 'haven-bot');
  for (const t of options.tokens ?? []) addToken(t.token, t.username);

  let nextId = 100;
  const core: Core = {
    web,
    now,
    users,
    nextId: () => {
      nextId += 1;
      return nextId;
    },
  };

  const projects: ProjectState[] = [];
  for (const seed of options.projects ?? []) {
    const project: ProjectState = {
      id: projects.length + 1,
      namespace: seed.namespace,
      path: seed.path,
      defaultBranch: seed.defaultBranch ?? 'main',
      visibility: seed.visibility ?? 'private',
      store: new ObjectStore(),
      branches: new Map(),
      mergeRequests: [],
      nextIid: 1,
      createdAt: isoMillis(seedDate),
    };
    const actions: CommitAction[] = Object.entries(seed.files).map(
      ([path, content]) => ({
        action: 'create',
        file_path: path.replace(/^\/+/, ''),
        encoding: 'base64',
        content: Buffer.from(content).toString('base64'),
        execute_filemode: seed.executables?.includes(path.replace(/^\/+/, '')),
      }),
    );
    if (actions.length > 0) {
      const sandbox = { name: 'Haven sandbox', email: 'sandbox@haven.invalid' };
      const seeded = commitActions(project, {
        branch: project.defaultBranch,
        message: seed.message ?? 'Initial commit',
        actions,
        date: isoSeconds(seedDate),
        author: sandbox,
        committer: sandbox,
      });
      if (!('sha' in seeded))
        throw new Error(
          `the GitLab double cannot seed ${seed.namespace}/${
            seed.path
          }: ${JSON.stringify(seeded.body)}`,
        );
    }
    projects.push(project);
  }

  /**
   * A project by numeric ID or by its full path (docs.gitlab.com/api/rest/,
   * "Namespaced paths": `/projects/haven-fleet%2Ffleet`), case-insensitive.
   */
  const projectOf = (idOrPath: string) =>
    /^[0-9]+$/.test(idOrPath)
      ? projects.find(p => String(p.id) === idOrPath)
      : projects.find(
          p => pathWithNamespace(p).toLowerCase() === idOrPath.toLowerCase(),
        );

  /**
   * Who is calling (docs.gitlab.com/api/rest/authentication): a personal,
   * project or group access token in `PRIVATE-TOKEN`, or an OAuth-style
   * `Authorization: Bearer <token>` (what Backstage's GitLab URL reader
   * sends). An unknown token is `401 Unauthorized`.
   */
  const authenticate = (
    request: Request,
  ): { viewer?: GitLabUser } | GitLabReply => {
    const privateToken = request.headers.get('private-token');
    const authorization = request.headers.get('authorization');
    if (privateToken === null && authorization === null) return {};
    const bearer = authorization
      ? /^bearer\s+(\S+)\s*$/i.exec(authorization)?.[1]
      : undefined;
    const viewer = tokens.get(privateToken ?? bearer ?? '');
    return viewer ? { viewer } : unauthorized();
  };

  /** Grape reads parameters from the query string and the body alike. */
  const readParams = async (
    request: Request,
    url: URL,
  ): Promise<JsonObject | GitLabReply> => {
    const params: JsonObject = {};
    for (const [k, v] of url.searchParams) params[k] = v;
    const text = await request.text();
    if (text.trim() === '') return params;
    const type = request.headers.get('content-type') ?? '';
    if (type.includes('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(text)) params[k] = v;
      return params;
    }
    try {
      const parsed: Json = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        return badJson();
      return { ...params, ...parsed };
    } catch {
      return badJson();
    }
  };

  const isReply = (x: unknown): x is GitLabReply =>
    typeof x === 'object' && x !== null && 'status' in x;

  const process = async (
    request: Request,
    url: URL,
    method: string,
  ): Promise<GitLabReply | 'reset'> => {
    const apiPath = url.pathname.slice(apiPrefix.length) || '/';
    const fault = faults.decide(method, apiPath);
    if (fault.latencyMs > 0) await delay(fault.latencyMs);
    if (fault.terminal?.reset) return 'reset';
    if (fault.terminal?.status !== undefined) {
      const reply = gitlabError(
        fault.terminal.status,
        faultMessage(fault.terminal),
      );
      if (fault.terminal.status === 429) {
        // docs.gitlab.com/security/rate_limits: a throttled request gets `Retry-After`
        reply.headers = { 'retry-after': '60' };
      }
      return reply;
    }

    const auth = authenticate(request);
    if (isReply(auth)) return auth;
    const viewer = auth.viewer;
    const reading = method === 'GET' || method === 'HEAD';

    if (apiPath === '/user') {
      if (!viewer) return unauthorized();
      if (!reading) return notFound();
      return {
        status: 200,
        body: { ...userJson(core, viewer), email: viewer.email },
      };
    }
    if (apiPath === '/users') {
      if (!reading) return notFound();
      const username = url.searchParams.get('username');
      return {
        status: 200,
        body: users
          .filter(u => !username || u.username === username)
          .map(u => userJson(core, u)),
      };
    }

    const m = /^\/projects\/([^/]+)(\/.*)?$/.exec(apiPath);
    if (!m) return notFound();
    let idOrPath: string;
    try {
      idOrPath = decodeURIComponent(m[1]);
    } catch {
      return notFound('Project');
    }
    const project = projectOf(idOrPath);
    // A private project is not there for whoever may not see it.
    if (!project || (project.visibility !== 'public' && !viewer))
      return notFound('Project');
    const rest = m[2] ?? '';
    if (rest === '') {
      return reading
        ? { status: 200, body: projectJson(core, project) }
        : notFound();
    }
    const candidates = ROUTES.filter(r => r.pattern.test(rest));
    if (candidates.length === 0) return notFound();
    const route = candidates.find(r => r.methods.includes(method));
    if (!route) return gitlabError(405, '405 Method Not Allowed');
    if (route.write && !reading && !viewer) return unauthorized();
    const params = routeParams(route.pattern, rest);
    if (!params) return notFound();
    const body = await readParams(request, url);
    if (isReply(body)) return body;
    return route.handle({ core, url, method, viewer, project, params, body });
  };

  const toResponse = (request: Request, reply: GitLabReply): Response => {
    const method = request.method.toUpperCase();
    const headers: Record<string, string> = { ...reply.headers };
    let payload: Buffer | undefined;
    if (Buffer.isBuffer(reply.body)) {
      payload = reply.body;
    } else if (reply.body !== undefined) {
      payload = Buffer.from(JSON.stringify(reply.body));
      headers['content-type'] = 'application/json';
    }
    const etag = headers.etag;
    if (
      reply.status === 200 &&
      etag &&
      request.headers.get('if-none-match') === etag
    ) {
      return new HttpResponse(null, { status: 304, headers: { etag } });
    }
    const withBody =
      payload !== undefined && method !== 'HEAD' && reply.status !== 204;
    return new HttpResponse(
      withBody ? new Uint8Array(payload as Buffer) : null,
      { status: reply.status, headers },
    );
  };

  const handle = async ({ request }: { request: Request }) => {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const reply = await process(request, url, method);
    const response =
      reply === 'reset' ? HttpResponse.error() : toResponse(request, reply);
    requests.push({
      method,
      path: url.pathname,
      status: reply === 'reset' ? 0 : response.status,
    });
    return response;
  };

  const projectNamed = (name: string): ProjectState => {
    const project = projectOf(name);
    if (!project) throw new Error(`the GitLab double has no project ${name}`);
    return project;
  };
  const commitOf = (project: ProjectState, ref?: string): string => {
    const sha = resolveRef(project, ref);
    if (!sha)
      throw new Error(
        `${pathWithNamespace(project)} has no ref ${
          ref ?? project.defaultBranch
        }`,
      );
    return sha;
  };

  const state: GitLabDoubleState = {
    files: (name, ref) => {
      const project = projectNamed(name);
      const commit = project.store.commit(commitOf(project, ref))!;
      const out: Record<string, string> = {};
      for (const [path, entry] of project.store.flatten(commit.tree)) {
        const blob = project.store.blob(entry.sha);
        if (blob) out[path] = blob.content.toString('utf8');
      }
      return out;
    },
    mergeRequests: name => {
      const project = projectNamed(name);
      return project.mergeRequests.map(mr => ({
        iid: mr.iid,
        title: mr.title,
        description: mr.description,
        sourceBranch: mr.sourceBranch,
        targetBranch: mr.targetBranch,
        state: mr.state,
        webUrl: `${web}/${pathWithNamespace(project)}/-/merge_requests/${
          mr.iid
        }`,
        sha: mergeRequestSha(project, mr),
        labels: [...mr.labels],
      }));
    },
    branches: name => [...projectNamed(name).branches.keys()].sort(),
    commitCount: (name, ref) => {
      const project = projectNamed(name);
      return project.store.history(commitOf(project, ref)).length;
    },
    headSha: (name, ref) => resolveRef(projectNamed(name), ref),
  };

  return {
    handlers: [http.all(`${base.origin}${apiPrefix}/*`, handle)],
    requests,
    faults: {
      inject: faults.inject,
      clear: faults.clear,
      active: faults.active,
    },
    state,
  };
}
