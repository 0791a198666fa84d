import {
  DOCS,
  githubError,
  missingField,
  notFound,
  validationFailed,
  type GitHubReply,
} from './errors';
import { mergeFlatTrees, type GitSignature } from './gitObjects';
import { callerSignature } from './gitRoutes';
import {
  isoSeconds,
  nodeId,
  repoApi,
  userJson,
  type PullState,
  type RepoState,
} from './model';
import {
  headShaOf,
  pullHtmlUrl,
  pullJson,
  pullSimpleJson,
  touch,
} from './pulls';
import { branchSha, paginate, type Route, type RouteContext } from './routes';

const D = {
  list: `${DOCS}/pulls/pulls#list-pull-requests`,
  create: `${DOCS}/pulls/pulls#create-a-pull-request`,
  get: `${DOCS}/pulls/pulls#get-a-pull-request`,
  update: `${DOCS}/pulls/pulls#update-a-pull-request`,
  merge: `${DOCS}/pulls/pulls#merge-a-pull-request`,
  checkMerged: `${DOCS}/pulls/pulls#check-if-a-pull-request-has-been-merged`,
  reviewers: `${DOCS}/pulls/review-requests#request-reviewers-for-a-pull-request`,
  assignees: `${DOCS}/issues/assignees#add-assignees-to-an-issue`,
};

/** `head` as pulls/create takes it: `branch`, or `owner:branch` (`head` "in the format username:branch"). */
function parseHead(
  repo: RepoState,
  head: string,
): { owner: string; branch: string } {
  const colon = head.indexOf(':');
  return colon < 0
    ? { owner: repo.owner, branch: head }
    : { owner: head.slice(0, colon), branch: head.slice(colon + 1) };
}

const pullOf = (ctx: RouteContext): PullState | undefined =>
  ctx.repo.pulls.find(p => p.number === Number(ctx.params[0]));

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every(x => typeof x === 'string') ? v : undefined;

/**
 * POST /repos/{owner}/{repo}/pulls — docs.github.com/rest/pulls/pulls#create-a-pull-request.
 * Validation as github.com answers it (OpenAPI `validation-error`):
 * unknown base or head branch -> `{"resource":"PullRequest","field":"base"|"head","code":"invalid"}`;
 * an open pull request for the same head and base -> `code: custom`,
 * `A pull request already exists for <owner>:<branch>.` (google/go-github#1441,
 * github/VisualStudio#453); nothing to merge -> `No commits between <base> and <head>`.
 * Caller: octokit-plugin-create-pull-request when the head branch has no
 * open pull request (`head: "<owner>:<branch>"`, base, title, body, draft).
 */
function createPull(ctx: RouteContext): GitHubReply {
  const { repo, core, body } = ctx;
  if (typeof body.head !== 'string') return missingField(D.create, 'head');
  if (typeof body.base !== 'string') return missingField(D.create, 'base');
  if (typeof body.title !== 'string' || body.title.trim() === '') {
    return validationFailed(D.create, [
      { resource: 'Issue', field: 'title', code: 'missing_field' },
    ]);
  }
  const head = parseHead(repo, body.head);
  const base = body.base;
  const baseSha = branchSha(repo, base);
  if (!baseSha) {
    return validationFailed(D.create, [
      { resource: 'PullRequest', field: 'base', code: 'invalid' },
    ]);
  }
  const headSha =
    head.owner.toLowerCase() === repo.owner.toLowerCase()
      ? branchSha(repo, head.branch)
      : undefined; // the double serves no forks
  if (!headSha) {
    return validationFailed(D.create, [
      { resource: 'PullRequest', field: 'head', code: 'invalid' },
    ]);
  }
  if (
    repo.pulls.some(
      p =>
        p.state === 'open' && p.headRef === head.branch && p.baseRef === base,
    )
  ) {
    return validationFailed(D.create, [
      {
        resource: 'PullRequest',
        code: 'custom',
        message: `A pull request already exists for ${repo.owner}:${head.branch}.`,
      },
    ]);
  }
  if (repo.store.isAncestor(headSha, baseSha)) {
    return validationFailed(D.create, [
      {
        resource: 'PullRequest',
        code: 'custom',
        message: `No commits between ${base} and ${head.branch}`,
      },
    ]);
  }
  const now = isoSeconds(core.now());
  const pull: PullState = {
    number: repo.nextNumber,
    id: core.nextId(),
    title: body.title,
    body: typeof body.body === 'string' ? body.body : null,
    state: 'open',
    draft: body.draft === true,
    merged: false,
    headRef: head.branch,
    headSha,
    baseRef: base,
    user: ctx.viewer ?? 'ghost',
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    mergedAt: null,
    mergeCommitSha: null,
    mergedBy: null,
    maintainerCanModify: body.maintainer_can_modify !== false,
    requestedReviewers: [],
    requestedTeams: [],
    assignees: [],
  };
  repo.nextNumber += 1;
  repo.pulls.push(pull);
  const json = pullJson(core, repo, pull, ctx.viewer);
  return { status: 201, body: json, headers: { location: String(json.url) } };
}

/**
 * PATCH /repos/{owner}/{repo}/pulls/{pull_number} —
 * docs.github.com/rest/pulls/pulls#update-a-pull-request (`title`, `body`,
 * `state`, `base`, `maintainer_can_modify`; other fields are not part of
 * the operation and are ignored). Caller: octokit-plugin-create-pull-request
 * with `update: true` when the head branch already has an open pull request
 * (it also sends `head` and `draft`).
 */
function updatePull(ctx: RouteContext): GitHubReply {
  const { repo, core, body } = ctx;
  const pull = pullOf(ctx);
  if (!pull) return notFound(D.update);
  if (
    body.state !== undefined &&
    body.state !== 'open' &&
    body.state !== 'closed'
  ) {
    return validationFailed(D.update, [
      { resource: 'PullRequest', field: 'state', code: 'invalid' },
    ]);
  }
  if (typeof body.base === 'string' && !branchSha(repo, body.base)) {
    return validationFailed(D.update, [
      { resource: 'PullRequest', field: 'base', code: 'invalid' },
    ]);
  }
  if (body.state === 'open' && pull.state === 'closed') {
    if (pull.merged || !branchSha(repo, pull.headRef)) {
      // wording: the double's; a merged pull request or one without its branch cannot reopen
      return validationFailed(D.update, [
        { resource: 'PullRequest', field: 'state', code: 'invalid' },
      ]);
    }
  }
  const now = isoSeconds(core.now());
  if (typeof body.title === 'string') pull.title = body.title;
  if (typeof body.body === 'string' || body.body === null)
    pull.body = body.body;
  if (typeof body.base === 'string') pull.baseRef = body.base;
  if (typeof body.maintainer_can_modify === 'boolean')
    pull.maintainerCanModify = body.maintainer_can_modify;
  if (body.state === 'closed' && pull.state === 'open') {
    headShaOf(repo, pull);
    pull.state = 'closed';
    pull.closedAt = now;
  } else if (body.state === 'open' && pull.state === 'closed') {
    pull.state = 'open';
    pull.closedAt = null;
  }
  pull.updatedAt = now;
  return { status: 200, body: pullJson(core, repo, pull, ctx.viewer) };
}

/** GET /repos/{owner}/{repo}/pulls?state=&head=&base= — docs.github.com/rest/pulls/pulls#list-pull-requests. */
function listPulls(ctx: RouteContext): GitHubReply {
  const { repo, url } = ctx;
  const state = url.searchParams.get('state') ?? 'open';
  const head = url.searchParams.get('head');
  const base = url.searchParams.get('base');
  const direction = url.searchParams.get('direction') ?? 'desc';
  let pulls = repo.pulls.filter(p => state === 'all' || p.state === state);
  if (head) {
    // "Filter pulls by head user or head organization and branch name in the format of user:ref-name"
    const h = parseHead(repo, head);
    pulls = pulls.filter(
      p =>
        h.owner.toLowerCase() === repo.owner.toLowerCase() &&
        p.headRef === h.branch,
    );
  }
  if (base) pulls = pulls.filter(p => p.baseRef === base);
  pulls = [...pulls].sort((a, b) =>
    direction === 'asc' ? a.number - b.number : b.number - a.number,
  );
  const page = paginate(url, pulls);
  return {
    status: 200,
    body: page.items.map(p => pullSimpleJson(ctx.core, repo, p, ctx.viewer)),
    headers: page.headers,
  };
}

/**
 * POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers —
 * docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request
 * (201, `pull-request-simple`). github.com refuses the author: 422 `Review
 * cannot be requested from pull request author.` Caller: Backstage's
 * action (githubPullRequest.cjs.js requestReviewersOnPullRequest) when
 * `reviewers` or `teamReviewers` are given.
 */
function requestReviewers(ctx: RouteContext): GitHubReply {
  const { repo, core, body } = ctx;
  const pull = pullOf(ctx);
  if (!pull) return notFound(D.reviewers);
  const reviewers = body.reviewers === undefined ? [] : strings(body.reviewers);
  const teams =
    body.team_reviewers === undefined ? [] : strings(body.team_reviewers);
  if (!reviewers || !teams) {
    return validationFailed(D.reviewers, [
      { resource: 'PullRequest', field: 'reviewers', code: 'invalid' },
    ]);
  }
  if (reviewers.some(r => r.toLowerCase() === pull.user.toLowerCase())) {
    return githubError(
      422,
      'Review cannot be requested from pull request author.',
      D.reviewers,
    );
  }
  for (const r of reviewers) {
    if (!pull.requestedReviewers.includes(r)) pull.requestedReviewers.push(r);
  }
  for (const t of teams) {
    if (!pull.requestedTeams.includes(t)) pull.requestedTeams.push(t);
  }
  touch(core, pull);
  return { status: 201, body: pullSimpleJson(core, repo, pull, ctx.viewer) };
}

/**
 * POST /repos/{owner}/{repo}/issues/{issue_number}/assignees —
 * docs.github.com/rest/issues/assignees#add-assignees-to-an-issue (a pull
 * request is an issue; 201 with the issue). Caller: Backstage's action
 * (githubPullRequest.cjs.js addAssigneesToPullRequest) when `assignees` are
 * given. GitHub keeps at most 10 assignees.
 */
function addAssignees(ctx: RouteContext): GitHubReply {
  const { repo, core } = ctx;
  const pull = pullOf(ctx);
  if (!pull) return notFound(D.assignees);
  const assignees = strings(ctx.body.assignees) ?? [];
  for (const a of assignees) {
    if (pull.assignees.length < 10 && !pull.assignees.includes(a))
      pull.assignees.push(a);
  }
  touch(core, pull);
  const api = repoApi(core, repo);
  const html = pullHtmlUrl(core, repo, pull.number);
  return {
    status: 201,
    body: {
      id: pull.id,
      node_id: nodeId('PR', String(pull.id)),
      url: `${api}/issues/${pull.number}`,
      repository_url: api,
      html_url: html,
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      user: userJson(core, pull.user),
      labels: [],
      assignee: pull.assignees[0] ? userJson(core, pull.assignees[0]) : null,
      assignees: pull.assignees.map(a => userJson(core, a)),
      milestone: null,
      locked: false,
      comments: 0,
      pull_request: {
        url: `${api}/pulls/${pull.number}`,
        html_url: html,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        merged_at: pull.mergedAt,
      },
      closed_at: pull.closedAt,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      author_association: 'MEMBER',
    },
  };
}

/** github.com's committer of web-made commits (merge commits). */
const GITHUB_COMMITTER = (date: Date): GitSignature => ({
  name: 'GitHub',
  email: 'noreply@github.com',
  date: isoSeconds(date),
});

/**
 * PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge —
 * docs.github.com/rest/pulls/pulls#merge-a-pull-request: 200
 * `{sha, merged: true, message: "Pull Request successfully merged"}`; 405
 * "if merge cannot be performed" (`Pull Request is not mergeable`); 409 "if
 * sha was provided and pull request head did not match" (`Head branch was
 * modified. Review and try the merge again.`); `merge_method` merge
 * (default), squash or rebase. Not called by Backstage: the sandbox's demo
 * uses it to show a merged result. Changes are merged by path (see
 * mergeFlatTrees); both sides changing one file is a conflict.
 */
function mergePull(ctx: RouteContext): GitHubReply {
  const { repo, core, body } = ctx;
  const pull = pullOf(ctx);
  if (!pull) return notFound(D.merge);
  const method = body.merge_method ?? 'merge';
  if (method !== 'merge' && method !== 'squash' && method !== 'rebase') {
    return validationFailed(D.merge, [
      { resource: 'PullRequest', field: 'merge_method', code: 'invalid' },
    ]);
  }
  if (pull.state !== 'open')
    return githubError(405, 'Pull Request is not mergeable', D.merge);
  if (pull.draft)
    return githubError(405, 'Pull Request is still a draft', D.merge);
  const head = headShaOf(repo, pull);
  if (typeof body.sha === 'string' && body.sha.toLowerCase() !== head) {
    return githubError(
      409,
      'Head branch was modified. Review and try the merge again.',
      D.merge,
    );
  }
  const base = branchSha(repo, pull.baseRef);
  if (!base) return githubError(405, 'Pull Request is not mergeable', D.merge);
  const { store } = repo;
  const mergeBase = store.mergeBase(base, head);
  const flatOf = (sha?: string) => {
    const c = sha ? store.commit(sha) : undefined;
    return c ? store.flatten(c.tree) : new Map();
  };
  const now = core.now();
  const viewer = ctx.viewer ?? 'ghost';
  const author = callerSignature(viewer, now);
  let result: string;

  if (method === 'rebase') {
    // replay the pull request's commits, oldest first, onto the base branch
    const onBase = new Set(mergeBase ? store.history(mergeBase) : []);
    const own = store
      .history(head)
      .filter(s => !onBase.has(s))
      .reverse();
    let current = base;
    for (const sha of own) {
      const commit = store.commit(sha)!;
      const { merged, conflicts } = mergeFlatTrees(
        flatOf(commit.parents[0]),
        flatOf(current),
        flatOf(sha),
      );
      if (conflicts.length > 0) {
        return githubError(405, 'Pull Request is not mergeable', D.merge);
      }
      current = store.writeCommit({
        tree: store.buildTree(merged),
        parents: [current],
        message: commit.message,
        author: commit.author,
        committer: GITHUB_COMMITTER(now),
      });
    }
    result = current;
  } else {
    const { merged, conflicts } = mergeFlatTrees(
      flatOf(mergeBase),
      flatOf(base),
      flatOf(head),
    );
    if (conflicts.length > 0) {
      return githubError(405, 'Pull Request is not mergeable', D.merge);
    }
    const tree = store.buildTree(merged);
    // github.com's default messages: "Merge pull request #n from owner/branch"
    // + the title for a merge commit, "<title> (#n)" for a squash
    const squash = method === 'squash';
    const defaultTitle = squash
      ? `${pull.title} (#${pull.number})`
      : `Merge pull request #${pull.number} from ${repo.owner}/${pull.headRef}`;
    const title =
      typeof body.commit_title === 'string' ? body.commit_title : defaultTitle;
    let detail = squash ? '' : pull.title;
    if (typeof body.commit_message === 'string') detail = body.commit_message;
    result = store.writeCommit({
      tree,
      parents: method === 'squash' ? [base] : [base, head],
      message: detail ? `${title}\n\n${detail}` : title,
      author,
      committer: GITHUB_COMMITTER(now),
    });
  }

  repo.refs.set(`refs/heads/${pull.baseRef}`, result);
  const when = isoSeconds(now);
  repo.pushedAt = when;
  pull.state = 'closed';
  pull.merged = true;
  pull.mergedAt = when;
  pull.closedAt = when;
  pull.updatedAt = when;
  pull.mergeCommitSha = result;
  pull.mergedBy = viewer;
  return {
    status: 200,
    body: {
      sha: result,
      merged: true,
      message: 'Pull Request successfully merged',
    },
  };
}

export const pullRoutes: Route[] = [
  { methods: ['GET'], pattern: /^\/pulls$/, docs: D.list, handle: listPulls },
  {
    methods: ['POST'],
    pattern: /^\/pulls$/,
    docs: D.create,
    write: true,
    handle: createPull,
  },
  {
    // docs.github.com/rest/pulls/pulls#get-a-pull-request
    methods: ['GET'],
    pattern: /^\/pulls\/(\d+)$/,
    docs: D.get,
    handle: ctx => {
      const pull = pullOf(ctx);
      if (!pull) return notFound(D.get);
      return {
        status: 200,
        body: pullJson(ctx.core, ctx.repo, pull, ctx.viewer),
      };
    },
  },
  {
    methods: ['PATCH'],
    pattern: /^\/pulls\/(\d+)$/,
    docs: D.update,
    write: true,
    handle: updatePull,
  },
  {
    methods: ['POST'],
    pattern: /^\/pulls\/(\d+)\/requested_reviewers$/,
    docs: D.reviewers,
    write: true,
    handle: requestReviewers,
  },
  {
    methods: ['PUT'],
    pattern: /^\/pulls\/(\d+)\/merge$/,
    docs: D.merge,
    write: true,
    handle: mergePull,
  },
  {
    // docs.github.com/rest/pulls/pulls#check-if-a-pull-request-has-been-merged: 204 if merged, 404 if not
    methods: ['GET'],
    pattern: /^\/pulls\/(\d+)\/merge$/,
    docs: D.checkMerged,
    handle: ctx =>
      pullOf(ctx)?.merged ? { status: 204 } : notFound(D.checkMerged),
  },
  {
    methods: ['POST'],
    pattern: /^\/issues\/(\d+)\/assignees$/,
    docs: D.assignees,
    write: true,
    handle: addAssignees,
  },
];
