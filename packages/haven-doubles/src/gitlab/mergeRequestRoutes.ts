import { mergeFlatTrees } from '../github/gitObjects';
import {
  gitlabError,
  methodNotAllowed,
  missingParam,
  notFound,
  type GitLabReply,
  type Json,
  type JsonObject,
} from './errors';
import {
  isoMillis,
  isoSeconds,
  paginate,
  pathWithNamespace,
  str,
  userJson,
  type Core,
  type MergeRequestState,
  type ProjectState,
  type Route,
  type RouteContext,
} from './model';

/*
 * Merge requests of one project (docs.gitlab.com/api/merge_requests): "List
 * project merge requests", "Create MR", "Get single MR", "Update MR" and
 * "Merge a merge request". Creating one is refused with GitLab's
 * `validate_branches` answer, 409 and a message array, e.g.
 * `{"message":["Another open merge request already exists for this source branch: !1"]}`.
 */

const ids = (v: Json | undefined): number[] | undefined => {
  if (v === undefined || v === null) return undefined;
  const values = Array.isArray(v) ? v : [v];
  return values.map(Number).filter(n => Number.isInteger(n) && n > 0);
};

/** `labels`: a comma-separated string or an array. */
const labelsOf = (v: Json | undefined): string[] | undefined => {
  if (v === undefined || v === null) return undefined;
  const values = Array.isArray(v) ? v.map(String) : String(v).split(',');
  return values.map(l => l.trim()).filter(l => l !== '');
};

/** The head of the source branch; the last one seen once merged, closed or deleted. */
export function mergeRequestSha(
  project: ProjectState,
  mr: MergeRequestState,
): string | null {
  return project.branches.get(mr.sourceBranch) ?? mr.frozenSha ?? null;
}

function conflictsOf(project: ProjectState, mr: MergeRequestState): string[] {
  const source = project.branches.get(mr.sourceBranch);
  const target = project.branches.get(mr.targetBranch);
  if (!source || !target) return [];
  const base = project.store.mergeBase(source, target);
  const flat = (sha?: string) =>
    sha ? project.store.flatten(project.store.commit(sha)!.tree) : new Map();
  return mergeFlatTrees(flat(base), flat(target), flat(source)).conflicts;
}

/** docs.gitlab.com/api/merge_requests, "Merge status": the values the double uses. */
function detailedMergeStatus(mr: MergeRequestState, conflicts: boolean) {
  if (mr.state !== 'opened') return 'not_open';
  return conflicts ? 'conflict' : 'mergeable';
}

export function mergeRequestJson(
  core: Core,
  project: ProjectState,
  mr: MergeRequestState,
): JsonObject {
  const usersOf = (userIds: number[]) =>
    userIds.flatMap(id => {
      const found = core.users.find(u => u.id === id);
      return found ? [userJson(core, found)] : [];
    });
  const assignees = usersOf(mr.assigneeIds);
  const conflicts =
    mr.state === 'opened' && conflictsOf(project, mr).length > 0;
  const full = `${pathWithNamespace(project)}!${mr.iid}`;
  return {
    id: mr.id,
    iid: mr.iid,
    project_id: project.id,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    created_at: mr.createdAt,
    updated_at: mr.updatedAt,
    merged_at: mr.mergedAt,
    closed_at: mr.state === 'closed' ? mr.updatedAt : null,
    target_branch: mr.targetBranch,
    source_branch: mr.sourceBranch,
    author: userJson(core, mr.author),
    assignee: assignees[0] ?? null,
    assignees,
    reviewers: usersOf(mr.reviewerIds),
    source_project_id: project.id,
    target_project_id: project.id,
    labels: mr.labels,
    draft: /^(draft:|\[draft\]|\(draft\))/i.test(mr.title),
    work_in_progress: /^(draft:|\[draft\]|\(draft\))/i.test(mr.title),
    merge_when_pipeline_succeeds: false,
    merge_status: conflicts ? 'cannot_be_merged' : 'can_be_merged',
    detailed_merge_status: detailedMergeStatus(mr, conflicts),
    has_conflicts: conflicts,
    sha: mergeRequestSha(project, mr),
    merge_commit_sha: mr.squash ? null : mr.mergeCommitSha,
    squash_commit_sha: mr.squash ? mr.mergeCommitSha : null,
    squash: mr.squash,
    force_remove_source_branch: mr.removeSourceBranch,
    should_remove_source_branch: mr.removeSourceBranch,
    user_notes_count: 0,
    references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full },
    web_url: `${core.web}/${pathWithNamespace(project)}/-/merge_requests/${
      mr.iid
    }`,
  };
}

/** GitLab's `validate_branches` checks, answered 409 with a message array. */
function validateBranches(
  project: ProjectState,
  source: string,
  target: string,
  self?: MergeRequestState,
): GitLabReply | undefined {
  const problems: string[] = [];
  if (source === target)
    problems.push("You can't use same project/branch for source and target");
  const open = project.mergeRequests.find(
    m =>
      m !== self &&
      m.state === 'opened' &&
      m.sourceBranch === source &&
      m.targetBranch === target,
  );
  if (open)
    problems.push(
      `Another open merge request already exists for this source branch: !${open.iid}`,
    );
  return problems.length > 0 ? gitlabError(409, problems) : undefined;
}

const find = (project: ProjectState, iid: string) =>
  project.mergeRequests.find(m => String(m.iid) === iid);

function listMergeRequests({ core, project, url }: RouteContext): GitLabReply {
  const q = url.searchParams;
  const state = q.get('state') ?? 'all';
  const labels = labelsOf(q.get('labels') ?? undefined);
  const matches = project.mergeRequests
    .filter(m => state === 'all' || m.state === state)
    .filter(
      m => !q.get('source_branch') || m.sourceBranch === q.get('source_branch'),
    )
    .filter(
      m => !q.get('target_branch') || m.targetBranch === q.get('target_branch'),
    )
    .filter(m => !labels || labels.every(l => m.labels.includes(l)))
    .filter(
      m => !q.get('iids[]') || q.getAll('iids[]').includes(String(m.iid)),
    );
  // default order: created_at, newest first
  const ordered = q.get('sort') === 'asc' ? matches : [...matches].reverse();
  const page = paginate(url, ordered);
  return {
    status: 200,
    body: page.items.map(m => mergeRequestJson(core, project, m)),
    headers: page.headers,
  };
}

function create(ctx: RouteContext): GitLabReply {
  const { core, project, body, viewer } = ctx;
  const source = str(body.source_branch);
  const target = str(body.target_branch);
  const title = str(body.title);
  if (!source) return missingParam('source_branch');
  if (!target) return missingParam('target_branch');
  if (!title) return missingParam('title');
  // The double's wording for a branch that is not there.
  for (const [which, name] of [
    ['Source', source],
    ['Target', target],
  ]) {
    if (!project.branches.has(name))
      return gitlabError(409, [`${which} branch "${name}" does not exist`]);
  }
  const refused = validateBranches(project, source, target);
  if (refused) return refused;
  const now = isoMillis(core.now());
  const mr: MergeRequestState = {
    id: core.nextId(),
    iid: project.nextIid,
    title,
    description: str(body.description) ?? null,
    sourceBranch: source,
    targetBranch: target,
    state: 'opened',
    author: viewer!,
    assigneeIds: ids(body.assignee_ids) ?? ids(body.assignee_id) ?? [],
    reviewerIds: ids(body.reviewer_ids) ?? [],
    labels: labelsOf(body.labels) ?? [],
    removeSourceBranch: body.remove_source_branch === true,
    squash: body.squash === true,
    createdAt: now,
    updatedAt: now,
    mergedAt: null,
    mergeCommitSha: null,
  };
  project.nextIid += 1;
  project.mergeRequests.push(mr);
  return { status: 201, body: mergeRequestJson(core, project, mr) };
}

const UPDATABLE = [
  'title',
  'description',
  'target_branch',
  'state_event',
  'labels',
  'add_labels',
  'remove_labels',
  'assignee_id',
  'assignee_ids',
  'reviewer_ids',
  'remove_source_branch',
  'squash',
];

function update(ctx: RouteContext, mr: MergeRequestState): GitLabReply {
  const { core, project, body } = ctx;
  if (!UPDATABLE.some(k => body[k] !== undefined)) {
    return gitlabError(
      400,
      `${UPDATABLE.join(
        ', ',
      )} are missing, at least one parameter must be provided`,
      'error',
    );
  }
  const target = str(body.target_branch) ?? mr.targetBranch;
  const event = str(body.state_event);
  if (event !== undefined && event !== 'close' && event !== 'reopen')
    return gitlabError(400, 'state_event does not have a valid value', 'error');
  if (target !== mr.targetBranch || event === 'reopen') {
    if (!project.branches.has(target))
      return gitlabError(409, [`Target branch "${target}" does not exist`]);
    const refused =
      mr.state === 'opened' || event === 'reopen'
        ? validateBranches(project, mr.sourceBranch, target, mr)
        : undefined;
    if (refused) return refused;
  }
  if (str(body.title) !== undefined) mr.title = str(body.title)!;
  if (body.description !== undefined)
    mr.description = str(body.description) ?? null;
  mr.targetBranch = target;
  const labels = labelsOf(body.labels);
  if (labels) mr.labels = labels;
  for (const l of labelsOf(body.add_labels) ?? [])
    if (!mr.labels.includes(l)) mr.labels.push(l);
  const remove = labelsOf(body.remove_labels) ?? [];
  mr.labels = mr.labels.filter(l => !remove.includes(l));
  const assignees = ids(body.assignee_ids) ?? ids(body.assignee_id);
  if (assignees) mr.assigneeIds = assignees;
  const reviewers = ids(body.reviewer_ids);
  if (reviewers) mr.reviewerIds = reviewers;
  if (typeof body.remove_source_branch === 'boolean')
    mr.removeSourceBranch = body.remove_source_branch;
  if (typeof body.squash === 'boolean') mr.squash = body.squash;
  if (event === 'close' && mr.state === 'opened') {
    mr.state = 'closed';
    mr.frozenSha = mergeRequestSha(project, mr) ?? undefined;
  }
  if (event === 'reopen' && mr.state === 'closed') mr.state = 'opened';
  mr.updatedAt = isoMillis(core.now());
  return { status: 200, body: mergeRequestJson(core, project, mr) };
}

/**
 * "Merge a merge request": 405 unless open, 406 `Branch cannot be merged`
 * on a conflict, 409 `SHA does not match HEAD of source branch: <sha>` for
 * a stale `sha`. The double makes a merge commit (GitLab's default merge
 * method) or, with `squash`, one squashed commit on the target branch.
 */
function merge(ctx: RouteContext, mr: MergeRequestState): GitLabReply {
  const { core, project, body, viewer } = ctx;
  if (mr.state !== 'opened') return methodNotAllowed();
  const source = project.branches.get(mr.sourceBranch);
  const target = project.branches.get(mr.targetBranch);
  if (!source || !target) return gitlabError(406, 'Branch cannot be merged');
  const sha = str(body.sha);
  if (sha && sha !== source)
    return gitlabError(
      409,
      `SHA does not match HEAD of source branch: ${source}`,
    );
  const base = project.store.mergeBase(source, target);
  const flat = (s?: string) =>
    s ? project.store.flatten(project.store.commit(s)!.tree) : new Map();
  const { merged, conflicts } = mergeFlatTrees(
    flat(base),
    flat(target),
    flat(source),
  );
  if (conflicts.length > 0) return gitlabError(406, 'Branch cannot be merged');
  const squash = body.squash === true || mr.squash;
  const date = isoSeconds(core.now());
  const signature = {
    name: viewer!.name,
    email: viewer!.email,
    date,
  };
  const commit = project.store.writeCommit({
    tree: project.store.buildTree(merged),
    parents: squash ? [target] : [target, source],
    message: squash
      ? str(body.squash_commit_message) ?? mr.title
      : str(body.merge_commit_message) ??
        `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'\n\n${
          mr.title
        }\n\nSee merge request ${pathWithNamespace(project)}!${mr.iid}`,
    author: signature,
    committer: signature,
  });
  project.branches.set(mr.targetBranch, commit);
  mr.state = 'merged';
  mr.squash = squash;
  mr.mergeCommitSha = commit;
  mr.frozenSha = source;
  mr.mergedAt = isoMillis(core.now());
  mr.updatedAt = mr.mergedAt;
  if (body.should_remove_source_branch === true || mr.removeSourceBranch) {
    project.branches.delete(mr.sourceBranch);
  }
  return { status: 200, body: mergeRequestJson(core, project, mr) };
}

export const mergeRequestRoutes: Route[] = [
  {
    methods: ['GET', 'POST'],
    pattern: /^\/merge_requests$/,
    write: true,
    handle: ctx =>
      ctx.method === 'POST' ? create(ctx) : listMergeRequests(ctx),
  },
  {
    methods: ['GET', 'PUT'],
    pattern: /^\/merge_requests\/([0-9]+)$/,
    write: true,
    handle: ctx => {
      const mr = find(ctx.project, ctx.params[0]);
      if (!mr) return notFound('Merge Request');
      return ctx.method === 'PUT'
        ? update(ctx, mr)
        : { status: 200, body: mergeRequestJson(ctx.core, ctx.project, mr) };
    },
  },
  {
    methods: ['PUT'],
    pattern: /^\/merge_requests\/([0-9]+)\/merge$/,
    write: true,
    handle: ctx => {
      const mr = find(ctx.project, ctx.params[0]);
      if (!mr) return notFound('Merge Request');
      return merge(ctx, mr);
    },
  },
];
