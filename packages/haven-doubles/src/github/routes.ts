import type { GitHubReply, JsonObject } from './errors';
import type { Core, RepoState } from './model';

/** A request to a `/repos/{owner}/{repo}/…` route, once the repository is known. */
export interface RouteContext {
  core: Core;
  request: Request;
  url: URL;
  method: string;
  /** login of the authenticated caller; undefined: anonymous */
  viewer?: string;
  repo: RepoState;
  /** the route pattern's groups, percent-decoded */
  params: string[];
  /** the JSON body of a POST/PATCH/PUT ({} when empty) */
  body: JsonObject;
}

export interface Route {
  methods: string[];
  /** tested against the path after `/repos/{owner}/{repo}` ('' for the repository itself) */
  pattern: RegExp;
  /** the docs.github.com page and anchor of the operation, for error bodies */
  docs: string;
  /** changes state: needs an authenticated caller */
  write?: boolean;
  handle(ctx: RouteContext): GitHubReply | Promise<GitHubReply>;
}

/**
 * A commit-ish as the REST API takes it in `ref`/`sha` parameters: a branch
 * (`main`, `refs/heads/main`, `heads/main`), a tag, or a commit sha (full, or
 * an unambiguous abbreviation of 7+ characters).
 */
export function resolveCommitish(
  repo: RepoState,
  ref: string,
): string | undefined {
  const candidates = ref.startsWith('refs/')
    ? [ref]
    : [`refs/heads/${ref}`, `refs/tags/${ref}`, `refs/${ref}`];
  for (const c of candidates) {
    const sha = repo.refs.get(c);
    if (sha) return sha;
  }
  if (/^[0-9a-f]{7,40}$/i.test(ref)) {
    const lower = ref.toLowerCase();
    if (repo.store.commit(lower)) return lower;
    if (lower.length < 40) {
      const matches = repo.store
        .history(repo.refs.get(`refs/heads/${repo.defaultBranch}`) ?? '')
        .concat(...[...repo.refs.values()].map(s => repo.store.history(s)))
        .filter(s => s.startsWith(lower));
      const unique = [...new Set(matches)];
      if (unique.length === 1) return unique[0];
    }
  }
  return undefined;
}

export const branchSha = (repo: RepoState, branch: string) =>
  repo.refs.get(`refs/heads/${branch}`);

/** A query parameter as a positive integer within bounds (GitHub caps per_page at 100). */
export function pageParams(url: URL): { perPage: number; page: number } {
  const perPage = Math.min(
    100,
    Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30),
  );
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  return { perPage, page };
}

/**
 * One page of a list and GitHub's `Link` header for the others
 * (docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api).
 */
export function paginate<T>(
  url: URL,
  items: T[],
): { items: T[]; headers: Record<string, string> } {
  const { perPage, page } = pageParams(url);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const u = new URL(url);
    u.searchParams.set('page', String(p));
    return `<${u}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {},
  };
}
