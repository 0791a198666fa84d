import { createHash } from 'node:crypto';
import {
  lineChanges,
  type FlatEntry,
  type FlatTree,
} from '../github/gitObjects';
import { commitTarball } from '../github/tarball';
import {
  gitlabError,
  missingParam,
  notFound,
  type GitLabReply,
  type Json,
  type JsonObject,
} from './errors';
import {
  commitJson,
  isoSeconds,
  paginate,
  pathWithNamespace,
  resolveRef,
  str,
  type Core,
  type ProjectState,
  type Route,
  type RouteContext,
} from './model';

/*
 * The repository endpoints of GitLab's REST API v4 that Backstage's GitLab
 * publishers (@backstage/plugin-scaffolder-backend-module-gitlab, through
 * @gitbeaker/rest) and its GitlabUrlReader call:
 *
 * - docs.gitlab.com/api/branches: "List repository branches", "Get single
 *   repository branch", "Create repository branch";
 * - docs.gitlab.com/api/repositories: "List repository tree", "Get file
 *   archive";
 * - docs.gitlab.com/api/repository_files: "Get file from repository", "Get
 *   raw file from repository";
 * - docs.gitlab.com/api/commits: "List repository commits", "Create a commit
 *   with multiple files and actions", "Get a single commit".
 */

const sha256 = (content: Buffer) =>
  createHash('sha256').update(content).digest('hex');

const flatOf = (project: ProjectState, sha: string): FlatTree =>
  project.store.flatten(project.store.commit(sha)!.tree);

/** The newest commit reachable from `sha` that changed `path` (file or folder). */
export function lastCommitFor(
  project: ProjectState,
  sha: string,
  path: string,
): string | undefined {
  const entryAt = (commit: string) => {
    const c = project.store.commit(commit);
    return c ? project.store.lookup(c.tree, path)?.sha : undefined;
  };
  for (const commit of project.store.history(sha)) {
    const here = entryAt(commit);
    if (here === undefined) continue;
    const parents = project.store.commit(commit)!.parents;
    if (parents.length === 0 || parents.every(p => entryAt(p) !== here)) {
      return commit;
    }
  }
  return undefined;
}

/** A branch as the Branches API returns it. */
export function branchJson(
  core: Core,
  project: ProjectState,
  name: string,
): JsonObject {
  const sha = project.branches.get(name)!;
  const defaultHead = project.branches.get(project.defaultBranch);
  return {
    name,
    merged:
      name !== project.defaultBranch &&
      !!defaultHead &&
      project.store.isAncestor(sha, defaultHead),
    protected: name === project.defaultBranch,
    default: name === project.defaultBranch,
    developers_can_push: false,
    developers_can_merge: false,
    can_push: true,
    web_url: `${core.web}/${pathWithNamespace(project)}/-/tree/${name}`,
    commit: commitJson(core, project, sha),
  };
}

/**
 * Branch names git accepts (git-check-ref-format): no `..`, no control
 * characters, space, `~^:?*[\`, no leading `-` or `/`, no trailing `/` or
 * `.lock`, no `@{`, not `@`.
 */
export function validBranchName(name: string): boolean {
  return (
    name.length > 0 &&
    name !== '@' &&
    !name.includes('..') &&
    !name.includes('@{') &&
    !name.includes('//') &&
    // eslint-disable-next-line no-control-regex
    !/[\x00-\x20\x7f~^:?*[\\]/.test(name) &&
    !/^[-/]|\/$|\.lock$|\.$/.test(name) &&
    !name.split('/').some(part => part.startsWith('.'))
  );
}

const branches: Route[] = [
  {
    methods: ['GET', 'POST'],
    pattern: /^\/repository\/branches$/,
    write: true,
    handle: ({ core, project, url, method, body }) => {
      if (method === 'GET') {
        const search = url.searchParams.get('search') ?? '';
        const names = [...project.branches.keys()]
          .filter(n => n.includes(search))
          .sort();
        const page = paginate(url, names);
        return {
          status: 200,
          body: page.items.map(n => branchJson(core, project, n)),
          headers: page.headers,
        };
      }
      // "Create repository branch": `branch` and `ref` are required.
      const branch = str(body.branch);
      const ref = str(body.ref);
      if (!branch) return missingParam('branch');
      if (!ref) return missingParam('ref');
      if (!validBranchName(branch))
        return gitlabError(400, 'Branch name is invalid');
      if (project.branches.has(branch))
        return gitlabError(400, 'Branch already exists');
      const sha = resolveRef(project, ref);
      if (!sha) return gitlabError(400, `Invalid reference name: ${ref}`);
      project.branches.set(branch, sha);
      return { status: 201, body: branchJson(core, project, branch) };
    },
  },
  {
    methods: ['GET'],
    pattern: /^\/repository\/branches\/([^/]+)$/,
    handle: ({ core, project, params }) => {
      const [name] = params;
      if (!project.branches.has(name)) return notFound('Branch');
      return { status: 200, body: branchJson(core, project, name) };
    },
  },
];

const tree: Route = {
  methods: ['GET'],
  pattern: /^\/repository\/tree$/,
  handle: ({ project, url }) => {
    const sha = resolveRef(project, url.searchParams.get('ref') ?? undefined);
    if (!sha) return notFound('Tree');
    const path = (url.searchParams.get('path') ?? '').replace(/^\/+|\/+$/g, '');
    const recursive = url.searchParams.get('recursive') === 'true';
    const root = project.store.lookup(project.store.commit(sha)!.tree, path);
    if (!root || root.type !== 'tree') return notFound('Tree');
    const entries: JsonObject[] = [];
    const walk = (treeSha: string, prefix: string) => {
      const listed = project.store.tree(treeSha)?.entries ?? [];
      // folders before files, as GitLab lists a level
      const ordered = [
        ...listed.filter(e => e.type === 'tree'),
        ...listed.filter(e => e.type !== 'tree'),
      ];
      for (const e of ordered) {
        const full = prefix ? `${prefix}/${e.name}` : e.name;
        entries.push({
          id: e.sha,
          name: e.name,
          type: e.type,
          path: full,
          mode: e.mode,
        });
        if (recursive && e.type === 'tree') walk(e.sha, full);
      }
    };
    walk(root.sha, path);
    const page = paginate(url, entries);
    return { status: 200, body: page.items, headers: page.headers };
  },
};

const files: Route = {
  methods: ['GET', 'HEAD'],
  pattern: /^\/repository\/files\/([^/]+)(\/raw)?$/,
  handle: ({ project, url, params }) => {
    const [filePath, raw] = params;
    const ref = url.searchParams.get('ref') ?? undefined;
    // `ref` is required for the file's metadata, optional (HEAD) for raw.
    if (!raw && !ref) return missingParam('ref');
    const sha = resolveRef(project, ref);
    if (!sha) return notFound('Commit');
    const entry = project.store.lookup(
      project.store.commit(sha)!.tree,
      filePath,
    );
    if (!entry || entry.type !== 'blob') return notFound('File');
    const content = project.store.blob(entry.sha)!.content;
    const last = lastCommitFor(project, sha, filePath) ?? sha;
    const name = filePath.split('/').pop() as string;
    if (raw) {
      return {
        status: 200,
        body: content,
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          etag: `"${entry.sha}"`,
          'x-gitlab-blob-id': entry.sha,
          'x-gitlab-commit-id': sha,
          'x-gitlab-file-name': name,
          'x-gitlab-file-path': filePath,
          'x-gitlab-last-commit-id': last,
          'x-gitlab-ref': ref ?? project.defaultBranch,
          'x-gitlab-size': String(content.length),
        },
      };
    }
    return {
      status: 200,
      body: {
        file_name: name,
        file_path: filePath,
        size: content.length,
        encoding: 'base64',
        content_sha256: sha256(content),
        ref: ref as string,
        blob_id: entry.sha,
        commit_id: sha,
        last_commit_id: last,
        execute_filemode: entry.mode === '100755',
        content: content.toString('base64'),
      },
    };
  },
};

export type CommitAction = {
  action: string;
  file_path: string;
  previous_path?: string;
  content?: string;
  encoding: string;
  last_commit_id?: string;
  execute_filemode?: boolean;
};

/** `actions[]` of "Create a commit with multiple files and actions", checked as GitLab's schema does. */
function readActions(value: Json | undefined): CommitAction[] | GitLabReply {
  if (!Array.isArray(value)) return missingParam('actions');
  const out: CommitAction[] = [];
  for (const [i, raw] of value.entries()) {
    const a = (
      raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}
    ) as JsonObject;
    const action = str(a.action);
    if (!action) return missingParam(`actions[${i}][action]`);
    if (!['create', 'delete', 'move', 'update', 'chmod'].includes(action)) {
      return gitlabError(
        400,
        `actions[${i}][action] does not have a valid value`,
        'error',
      );
    }
    const filePath = str(a.file_path);
    if (!filePath) return missingParam(`actions[${i}][file_path]`);
    const encoding = str(a.encoding) ?? 'text';
    if (encoding !== 'text' && encoding !== 'base64') {
      return gitlabError(
        400,
        `actions[${i}][encoding] does not have a valid value`,
        'error',
      );
    }
    out.push({
      action,
      file_path: filePath.replace(/^\/+/, ''),
      previous_path: str(a.previous_path)?.replace(/^\/+/, ''),
      content: str(a.content),
      encoding,
      last_commit_id: str(a.last_commit_id),
      execute_filemode:
        typeof a.execute_filemode === 'boolean'
          ? a.execute_filemode
          : undefined,
    });
  }
  return out;
}

/**
 * Applies commit actions to a flat tree with the errors GitLab's commit
 * service raises: `A file with this name already exists` (create or move
 * onto a file), `A file with this name doesn't exist` (update, delete, chmod
 * or move of a missing file), `The file has changed since you started
 * editing it: <path>` (a stale `last_commit_id`).
 */
function applyActions(
  project: ProjectState,
  parent: string | undefined,
  flat: FlatTree,
  actions: CommitAction[],
): FlatTree | GitLabReply {
  const next: FlatTree = new Map(flat);
  const blobOf = (a: CommitAction) =>
    project.store.writeBlob(
      Buffer.from(a.content ?? '', a.encoding === 'base64' ? 'base64' : 'utf8'),
    );
  const modeOf = (a: CommitAction, before?: FlatEntry): FlatEntry['mode'] => {
    if (a.execute_filemode === true) return '100755';
    if (a.execute_filemode === false) return '100644';
    return before?.mode ?? '100644';
  };
  for (const a of actions) {
    const existing = next.get(a.file_path);
    if (a.last_commit_id && parent) {
      const last = lastCommitFor(
        project,
        parent,
        a.previous_path ?? a.file_path,
      );
      if (last && last !== a.last_commit_id) {
        return gitlabError(
          400,
          `The file has changed since you started editing it: ${a.file_path}`,
        );
      }
    }
    switch (a.action) {
      case 'create':
      case 'update':
        if (a.action === 'create' && existing)
          return gitlabError(400, 'A file with this name already exists');
        if (a.action === 'update' && !existing)
          return gitlabError(400, "A file with this name doesn't exist");
        next.set(a.file_path, {
          mode: modeOf(a, existing),
          type: 'blob',
          sha: blobOf(a),
        });
        break;
      case 'delete':
        if (!existing)
          return gitlabError(400, "A file with this name doesn't exist");
        next.delete(a.file_path);
        break;
      case 'chmod':
        if (!existing)
          return gitlabError(400, "A file with this name doesn't exist");
        next.set(a.file_path, { ...existing, mode: modeOf(a, existing) });
        break;
      default: {
        // move: content optional, the old file's content when omitted
        const from = a.previous_path ? next.get(a.previous_path) : undefined;
        if (!a.previous_path || !from)
          return gitlabError(400, "A file with this name doesn't exist");
        if (existing)
          return gitlabError(400, 'A file with this name already exists');
        next.delete(a.previous_path);
        next.set(a.file_path, {
          mode: modeOf(a, from),
          type: 'blob',
          sha: a.content === undefined ? from.sha : blobOf(a),
        });
      }
    }
  }
  return next;
}

function stats(
  project: ProjectState,
  before: FlatTree,
  after: FlatTree,
): JsonObject {
  let additions = 0;
  let deletions = 0;
  const text = (e?: FlatEntry) =>
    e ? project.store.blob(e.sha)?.content.toString('utf8') ?? '' : '';
  for (const path of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(path);
    const a = after.get(path);
    if (b?.sha === a?.sha) continue;
    const change = lineChanges(text(b), text(a));
    additions += change.additions;
    deletions += change.deletions;
  }
  return { additions, deletions, total: additions + deletions };
}

const createCommit = (ctx: RouteContext): GitLabReply => {
  const { core, project, body, viewer } = ctx;
  const branch = str(body.branch);
  if (!branch) return missingParam('branch');
  const message = str(body.commit_message);
  if (!message) return missingParam('commit_message');
  const actions = readActions(body.actions);
  if (!Array.isArray(actions)) return actions;
  const startBranch = str(body.start_branch);
  const startSha = str(body.start_sha);
  const force = body.force === true;

  let parent = project.branches.get(branch);
  if (parent === undefined || force) {
    if (startBranch || startSha) {
      const start = startSha
        ? resolveRef(project, startSha)
        : project.branches.get(startBranch as string);
      if (!start) {
        return gitlabError(
          400,
          startSha
            ? `Cannot find start_sha '${startSha}'`
            : `Cannot find start_branch '${startBranch}'`,
        );
      }
      parent = start;
    } else if (parent === undefined && project.branches.size > 0) {
      return gitlabError(
        400,
        'You can only create or edit files when you are on a branch',
      );
    }
  } else if (startBranch && startBranch !== branch) {
    return gitlabError(
      400,
      `A branch called '${branch}' already exists. Switch to that branch in order to make changes`,
    );
  }
  if (!validBranchName(branch))
    return gitlabError(400, 'Branch name is invalid');

  const committer = {
    name: viewer?.name ?? 'Administrator',
    email: viewer?.email ?? 'admin@example.com',
  };
  const made = commitActions(project, {
    branch,
    parent,
    message,
    actions,
    date: isoSeconds(core.now()),
    committer,
    author: {
      name: str(body.author_name) ?? committer.name,
      email: str(body.author_email) ?? committer.email,
    },
  });
  if (!('sha' in made)) return made;
  return {
    status: 201,
    body: {
      ...commitJson(core, project, made.sha),
      stats: made.stats,
      status: null,
      project_id: project.id,
      last_pipeline: null,
    },
  };
};

/**
 * Applies `actions` on top of `parent` (none: a root commit), writes the
 * commit and moves `branch` to it; what the commits API and the double's
 * seed both do.
 */
export function commitActions(
  project: ProjectState,
  commit: {
    branch: string;
    parent?: string;
    message: string;
    actions: CommitAction[];
    /** git signature date, seconds precision */
    date: string;
    author: { name: string; email: string };
    committer: { name: string; email: string };
  },
): { sha: string; stats: JsonObject } | GitLabReply {
  const { parent, date } = commit;
  const before: FlatTree = parent ? flatOf(project, parent) : new Map();
  const after = applyActions(project, parent, before, commit.actions);
  if (!(after instanceof Map)) return after;
  const sha = project.store.writeCommit({
    tree: project.store.buildTree(after),
    parents: parent ? [parent] : [],
    message: commit.message,
    author: { ...commit.author, date },
    committer: { ...commit.committer, date },
  });
  project.branches.set(commit.branch, sha);
  return { sha, stats: stats(project, before, after) };
}

const commits: Route[] = [
  {
    methods: ['GET', 'POST'],
    pattern: /^\/repository\/commits$/,
    write: true,
    handle: ctx => {
      if (ctx.method === 'POST') return createCommit(ctx);
      const { core, project, url } = ctx;
      const head = resolveRef(
        project,
        url.searchParams.get('ref_name') ?? undefined,
      );
      if (!head) return notFound('Commit');
      const path = (url.searchParams.get('path') ?? '').replace(
        /^\/+|\/+$/g,
        '',
      );
      let shas = project.store.history(head);
      if (path) {
        const entryAt = (s: string) =>
          project.store.lookup(project.store.commit(s)!.tree, path)?.sha;
        shas = shas.filter(s => {
          const here = entryAt(s);
          const parents = project.store.commit(s)!.parents;
          return parents.length === 0
            ? here !== undefined
            : parents.every(p => entryAt(p) !== here);
        });
      }
      const page = paginate(url, shas);
      return {
        status: 200,
        body: page.items.map(s => commitJson(core, project, s)),
        headers: page.headers,
      };
    },
  },
  {
    methods: ['GET'],
    pattern: /^\/repository\/commits\/([^/]+)$/,
    handle: ({ core, project, params }) => {
      const sha = resolveRef(project, params[0]);
      if (!sha) return notFound('Commit');
      const commit = project.store.commit(sha)!;
      const before: FlatTree = commit.parents[0]
        ? flatOf(project, commit.parents[0])
        : new Map();
      return {
        status: 200,
        body: {
          ...commitJson(core, project, sha),
          stats: stats(project, before, flatOf(project, sha)),
          status: null,
          project_id: project.id,
          last_pipeline: null,
        },
      };
    },
  },
];

/**
 * "Get file archive": `GET /projects/:id/repository/archive[.format]` with
 * `sha` (default: the default branch) and `path`; the double serves
 * `tar.gz` only. Everything sits in one top folder,
 * `<project path>-<ref>-<commit sha>` (`/` in the ref and in `path` written
 * as `-`, `-<path>` appended when a path is asked for).
 */
const archive: Route = {
  methods: ['GET'],
  pattern: /^\/repository\/archive(\.tar\.gz)?$/,
  handle: ({ project, url }) => {
    const ref = url.searchParams.get('sha') ?? project.defaultBranch;
    const sha = resolveRef(project, ref);
    if (!sha) return notFound('Commit');
    const path = (url.searchParams.get('path') ?? '').replace(/^\/+|\/+$/g, '');
    let commit = sha;
    if (path) {
      const kept: FlatTree = new Map(
        [...flatOf(project, sha)].filter(([p]) => p.startsWith(`${path}/`)),
      );
      if (kept.size === 0) return notFound('File');
      const original = project.store.commit(sha)!;
      commit = project.store.writeCommit({
        ...original,
        tree: project.store.buildTree(kept),
      });
    }
    const top = [project.path, ref.replace(/\//g, '-'), sha]
      .concat(path ? [path.replace(/\//g, '-')] : [])
      .join('-');
    return {
      status: 200,
      body: commitTarball(project.store, commit, top),
      headers: {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="${top}.tar.gz"`,
      },
    };
  },
};

export const repositoryRoutes: Route[] = [
  ...branches,
  tree,
  files,
  ...commits,
  archive,
];
