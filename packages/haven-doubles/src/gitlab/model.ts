import type { ObjectStore } from '../github/gitObjects';
import type { GitLabReply, Json, JsonObject } from './errors';

/** An account a token stands for. */
export interface GitLabUser {
  id: number;
  username: string;
  name: string;
  email: string;
}

export interface MergeRequestState {
  /** instance-wide id */
  id: number;
  /** project-scoped id, `!iid` */
  iid: number;
  title: string;
  description: string | null;
  sourceBranch: string;
  targetBranch: string;
  state: 'opened' | 'closed' | 'merged';
  author: GitLabUser;
  assigneeIds: number[];
  reviewerIds: number[];
  labels: string[];
  removeSourceBranch: boolean;
  squash: boolean;
  createdAt: string;
  updatedAt: string;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  /** head of the source branch when merged or closed (the branch may be gone) */
  frozenSha?: string;
}

export interface ProjectState {
  id: number;
  /** `haven-fleet` of `haven-fleet/fleet` (a group, subgroups joined by `/`, or a user) */
  namespace: string;
  /** `fleet` */
  path: string;
  defaultBranch: string;
  visibility: 'private' | 'internal' | 'public';
  store: ObjectStore;
  /** branch name -> commit sha */
  branches: Map<string, string>;
  mergeRequests: MergeRequestState[];
  nextIid: number;
  createdAt: string;
}

export const pathWithNamespace = (p: ProjectState) =>
  `${p.namespace}/${p.path}`;

/** What every route reaches: the clock, ids and the web URLs. */
export interface Core {
  /** web base URL, e.g. http://127.0.0.1:7107 (also where `/api/v4` is served) */
  web: string;
  now: () => Date;
  nextId: () => number;
  users: GitLabUser[];
}

/** A request to a `/projects/:id/…` route, once the project is known. */
export interface RouteContext {
  core: Core;
  url: URL;
  method: string;
  /** the authenticated caller; undefined: anonymous */
  viewer?: GitLabUser;
  project: ProjectState;
  /** the route pattern's groups, percent-decoded */
  params: string[];
  /** the JSON body of a POST/PUT merged over the query string's parameters */
  body: JsonObject;
}

export interface Route {
  methods: string[];
  /** tested against the raw (still percent-encoded) path after `/projects/:id` */
  pattern: RegExp;
  /** changes state: needs an authenticated caller */
  write?: boolean;
  handle(ctx: RouteContext): GitLabReply | Promise<GitLabReply>;
}

/**
 * Offset pagination as GitLab answers it (docs.gitlab.com/api/rest/,
 * "Offset-based pagination"): `page` and `per_page` (default 20, at most
 * 100), the `x-page`, `x-per-page`, `x-total`, `x-total-pages`,
 * `x-next-page`, `x-prev-page` headers and a `Link` header with `next`,
 * `prev`, `first` and `last`.
 */
export function paginate<T>(
  url: URL,
  items: T[],
): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(
    100,
    Math.max(1, Number(url.searchParams.get('per_page') ?? 20) || 20),
  );
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const u = new URL(url);
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(perPage));
    return `<${u}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < totalPages) links.push(link(page + 1, 'next'));
  links.push(link(1, 'first'), link(totalPages, 'last'));
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: {
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-total': String(items.length),
      'x-total-pages': String(totalPages),
      'x-next-page': page < totalPages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
      link: links.join(', '),
    },
  };
}

/**
 * A ref as the repository endpoints take it (`ref`, `ref_name`, `sha`): a
 * branch name, or a commit sha (full, or an unambiguous prefix of 7+
 * characters). Tags are not modelled.
 */
export function resolveRef(
  project: ProjectState,
  ref: string | undefined,
): string | undefined {
  const wanted = ref && ref !== '' ? ref : project.defaultBranch;
  const branch = project.branches.get(wanted.replace(/^refs\/heads\//, ''));
  if (branch) return branch;
  if (/^[0-9a-f]{7,40}$/i.test(wanted)) {
    const lower = wanted.toLowerCase();
    if (project.store.commit(lower)) return lower;
    const matches = new Set(
      [...project.branches.values()]
        .flatMap(head => project.store.history(head))
        .filter(sha => sha.startsWith(lower)),
    );
    if (matches.size === 1) return [...matches][0];
  }
  return undefined;
}

/** A commit as the Commits API returns it (docs.gitlab.com/api/commits, "Get a single commit"). */
export function commitJson(
  core: Core,
  project: ProjectState,
  sha: string,
): JsonObject {
  const commit = project.store.commit(sha);
  if (!commit) throw new Error(`no commit ${sha}`);
  const title = commit.message.split('\n')[0];
  return {
    id: sha,
    short_id: sha.slice(0, 8),
    title,
    message: commit.message,
    author_name: commit.author.name,
    author_email: commit.author.email,
    authored_date: commit.author.date,
    committer_name: commit.committer.name,
    committer_email: commit.committer.email,
    committed_date: commit.committer.date,
    created_at: commit.committer.date,
    parent_ids: commit.parents,
    trailers: {},
    extended_trailers: {},
    web_url: `${core.web}/${pathWithNamespace(project)}/-/commit/${sha}`,
  };
}

export const userJson = (core: Core, user: GitLabUser): JsonObject => ({
  id: user.id,
  username: user.username,
  name: user.name,
  state: 'active',
  locked: false,
  avatar_url: null,
  web_url: `${core.web}/${user.username}`,
});

/** Timestamps as GitLab writes them, e.g. `2025-01-01T00:00:00.000Z`. */
export const isoMillis = (d: Date) => d.toISOString();

/** Git signature dates: seconds precision (what the object store hashes). */
export const isoSeconds = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

/** A string parameter (a number is taken as its digits); anything else is absent. */
export function str(v: Json | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}
