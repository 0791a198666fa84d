import type { JsonObject } from './errors';
import { lineChanges, mergeFlatTrees, type FlatTree } from './gitObjects';
import {
  isoSeconds,
  nodeId,
  repoApi,
  repoJson,
  repoWeb,
  teamJson,
  userJson,
  type Core,
  type PullState,
  type RepoState,
} from './model';
import { branchSha } from './routes';

/** The pull request's head sha now: its branch's, or the last one seen once the branch is gone. */
export function headShaOf(repo: RepoState, pull: PullState): string {
  const live =
    pull.state === 'open' ? branchSha(repo, pull.headRef) : undefined;
  if (live) pull.headSha = live;
  return pull.headSha;
}

/** `html_url` of a pull request: what Backstage shows as the PR link. */
export const pullHtmlUrl = (core: Core, repo: RepoState, number: number) =>
  `${repoWeb(core, repo)}/pull/${number}`;

interface DiffStats {
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
  conflicts: string[];
}

/** What the pull request changes: head against its merge base with the base branch. */
export function diffStats(repo: RepoState, pull: PullState): DiffStats {
  const { store } = repo;
  const head = headShaOf(repo, pull);
  const base = branchSha(repo, pull.baseRef);
  const mergeBase = base ? store.mergeBase(base, head) : undefined;
  const flatOf = (sha?: string): FlatTree => {
    const c = sha ? store.commit(sha) : undefined;
    return c ? store.flatten(c.tree) : new Map();
  };
  const from = flatOf(mergeBase);
  const to = flatOf(head);
  let additions = 0;
  let deletions = 0;
  let changedFiles = 0;
  for (const path of new Set([...from.keys(), ...to.keys()])) {
    const a = from.get(path);
    const b = to.get(path);
    if (a?.sha === b?.sha && a?.mode === b?.mode) continue;
    changedFiles += 1;
    const text = (sha?: string) =>
      sha ? store.blob(sha)?.content.toString('utf8') ?? '' : '';
    const changes = lineChanges(text(a?.sha), text(b?.sha));
    additions += changes.additions;
    deletions += changes.deletions;
  }
  const baseHistory = new Set(mergeBase ? store.history(mergeBase) : []);
  const commits = store.history(head).filter(s => !baseHistory.has(s)).length;
  const conflicts = base
    ? mergeFlatTrees(from, flatOf(base), to).conflicts
    : [];
  return { commits, additions, deletions, changedFiles, conflicts };
}

function mergeableState(open: boolean, conflicts: boolean, draft: boolean) {
  if (!open) return 'unknown';
  if (conflicts) return 'dirty';
  return draft ? 'draft' : 'clean';
}

/** OpenAPI `pull-request` (pulls/create, pulls/get, pulls/update). */
export function pullJson(
  core: Core,
  repo: RepoState,
  pull: PullState,
  viewer: string | undefined,
): JsonObject {
  const api = repoApi(core, repo);
  const url = `${api}/pulls/${pull.number}`;
  const html = pullHtmlUrl(core, repo, pull.number);
  const head = headShaOf(repo, pull);
  const stats = diffStats(repo, pull);
  const repository = repoJson(core, repo, viewer);
  const branch = (ref: string, sha: string) => ({
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: userJson(core, repo.owner, repo.ownerType),
    repo: repository,
  });
  const open = pull.state === 'open';
  return {
    url,
    id: pull.id,
    node_id: nodeId('PR', String(pull.id)),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${head}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(core, pull.user),
    body: pull.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: pull.assignees[0] ? userJson(core, pull.assignees[0]) : null,
    assignees: pull.assignees.map(a => userJson(core, a)),
    requested_reviewers: pull.requestedReviewers.map(r => userJson(core, r)),
    requested_teams: pull.requestedTeams.map(t =>
      teamJson(core, repo.owner, t),
    ),
    head: branch(pull.headRef, head),
    base: branch(pull.baseRef, branchSha(repo, pull.baseRef) ?? head),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: `${api}/issues/${pull.number}` },
      comments: { href: `${api}/issues/${pull.number}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${api}/statuses/${head}` },
    },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: pull.draft,
    merged: pull.merged,
    // GitHub computes mergeability in the background and may answer null at
    // first; the double knows at once.
    mergeable: open ? stats.conflicts.length === 0 : null,
    rebaseable: open ? stats.conflicts.length === 0 : null,
    mergeable_state: mergeableState(
      open,
      stats.conflicts.length > 0,
      pull.draft,
    ),
    merged_by: pull.mergedBy ? userJson(core, pull.mergedBy) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: pull.maintainerCanModify,
    commits: stats.commits,
    additions: stats.additions,
    deletions: stats.deletions,
    changed_files: stats.changedFiles,
  };
}

/** OpenAPI `pull-request-simple` (pulls/list, pulls/request-reviewers). */
export function pullSimpleJson(
  core: Core,
  repo: RepoState,
  pull: PullState,
  viewer: string | undefined,
): JsonObject {
  const {
    merged: _m,
    mergeable: _a,
    rebaseable: _r,
    mergeable_state: _s,
    merged_by: _b,
    comments: _c,
    review_comments: _rc,
    maintainer_can_modify: _mc,
    commits: _co,
    additions: _ad,
    deletions: _de,
    changed_files: _cf,
    ...simple
  } = pullJson(core, repo, pull, viewer);
  return simple;
}

export function touch(core: Core, pull: PullState) {
  pull.updatedAt = isoSeconds(core.now());
}
