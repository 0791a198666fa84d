import {
  DOCS,
  githubError,
  missingField,
  notFound,
  type GitHubReply,
  type JsonObject,
} from './errors';
import {
  EMPTY_TREE_SHA,
  typeOfMode,
  type FlatTree,
  type GitSignature,
  type TreeMode,
} from './gitObjects';
import {
  gitCommitJson,
  gitRefJson,
  idFor,
  isoSeconds,
  nodeId,
  repoApi,
  type RepoState,
} from './model';
import { resolveCommitish, type Route, type RouteContext } from './routes';

const D = {
  createBlob: `${DOCS}/git/blobs#create-a-blob`,
  getBlob: `${DOCS}/git/blobs#get-a-blob`,
  createTree: `${DOCS}/git/trees#create-a-tree`,
  getTree: `${DOCS}/git/trees#get-a-tree`,
  createCommit: `${DOCS}/git/commits#create-a-commit`,
  getCommit: `${DOCS}/git/commits#get-a-commit-object`,
  getRef: `${DOCS}/git/refs#get-a-reference`,
  matchingRefs: `${DOCS}/git/refs#list-matching-references`,
  createRef: `${DOCS}/git/refs#create-a-reference`,
  updateRef: `${DOCS}/git/refs#update-a-reference`,
  deleteRef: `${DOCS}/git/refs#delete-a-reference`,
};

const MODES: TreeMode[] = ['100644', '100755', '040000', '160000', '120000'];
const isSha = (s: unknown): s is string =>
  typeof s === 'string' && /^[0-9a-f]{40}$/i.test(s);

/** The author/committer of an API-made commit: the caller, as the git data API defaults it. */
export function callerSignature(login: string, date: Date): GitSignature {
  return {
    name: login,
    email: `${idFor(`user:${login}`)}+${login}@users.noreply.github.com`,
    date: isoSeconds(date),
  };
}

/** OpenAPI `git-tree`, non-recursive or recursive. */
function treeJson(
  ctx: RouteContext,
  sha: string,
  recursive: boolean,
): JsonObject {
  const { repo } = ctx;
  const api = repoApi(ctx.core, repo);
  const items: JsonObject[] = [];
  const walk = (treeSha: string, prefix: string) => {
    for (const e of repo.store.tree(treeSha)?.entries ?? []) {
      const path = prefix ? `${prefix}/${e.name}` : e.name;
      const item: JsonObject = { path, mode: e.mode, type: e.type, sha: e.sha };
      if (e.type === 'blob') {
        item.size = repo.store.blob(e.sha)?.content.length ?? 0;
        item.url = `${api}/git/blobs/${e.sha}`;
      } else if (e.type === 'tree') {
        item.url = `${api}/git/trees/${e.sha}`;
      }
      items.push(item);
      if (recursive && e.type === 'tree') walk(e.sha, path);
    }
  };
  walk(sha, '');
  return {
    sha,
    url: `${api}/git/trees/${sha}`,
    tree: items,
    truncated: false,
  };
}

/**
 * POST /repos/{owner}/{repo}/git/blobs — docs.github.com/rest/git/blobs#create-a-blob
 * (`encoding`: `utf-8` default, or `base64`). Caller:
 * octokit-plugin-create-pull-request value-to-tree-object.js, for every
 * file Backstage's action sends base64-encoded (githubPullRequest.cjs.js
 * `determineFileEncoding`: all but symlinks); it spreads `mode` into the
 * body too, which GitHub ignores.
 */
function createBlob(ctx: RouteContext): GitHubReply {
  const { content, encoding = 'utf-8' } = ctx.body;
  if (typeof content !== 'string') return missingField(D.createBlob, 'content');
  let bytes: Buffer;
  if (encoding === 'base64') bytes = Buffer.from(content, 'base64');
  else if (encoding === 'utf-8' || encoding === 'utf8')
    bytes = Buffer.from(content, 'utf8');
  else {
    // wording: the double's (the docs: "Currently, "utf-8" and "base64" are supported")
    return githubError(
      422,
      `encoding must be one of "utf-8", "base64"`,
      D.createBlob,
    );
  }
  const sha = ctx.repo.store.writeBlob(bytes);
  const url = `${repoApi(ctx.core, ctx.repo)}/git/blobs/${sha}`;
  return { status: 201, body: { url, sha }, headers: { location: url } };
}

/** GET /repos/{owner}/{repo}/git/blobs/{file_sha} — "The content in the response will always be Base64 encoded." */
function getBlob(ctx: RouteContext): GitHubReply {
  const sha = ctx.params[0].toLowerCase();
  const blob = ctx.repo.store.blob(sha);
  if (!blob) return notFound(D.getBlob);
  return {
    status: 200,
    body: {
      sha,
      node_id: nodeId('B', `${ctx.repo.id}:${sha}`),
      size: blob.content.length,
      url: `${repoApi(ctx.core, ctx.repo)}/git/blobs/${sha}`,
      content: (blob.content.toString('base64').match(/.{1,60}/g) ?? [])
        .map(l => `${l}\n`)
        .join(''),
      encoding: 'base64',
    },
  };
}

/**
 * POST /repos/{owner}/{repo}/git/trees — docs.github.com/rest/git/trees#create-a-tree:
 * entries of `path`, `mode`, `type`, and `sha` or `content`; `sha: null`
 * deletes; `base_tree` is the tree the entries change, else the new tree
 * holds the entries only. Caller: octokit-plugin-create-pull-request
 * create-tree.js (`base_tree` = the base branch's latest tree).
 */
function createTree(ctx: RouteContext): GitHubReply {
  const { repo } = ctx;
  const { tree, base_tree: baseTree } = ctx.body;
  if (!Array.isArray(tree)) return missingField(D.createTree, 'tree');
  let flat: FlatTree = new Map();
  if (baseTree !== undefined && baseTree !== null) {
    const resolved =
      typeof baseTree === 'string' ? repo.store.tree(baseTree) : undefined;
    if (!resolved) {
      // wording: the double's; the docs name base_tree "an existing Git tree object"
      return githubError(
        422,
        `base_tree ${String(baseTree)} is not a valid tree oid`,
        D.createTree,
      );
    }
    flat = repo.store.flatten(String(baseTree).toLowerCase());
  }
  for (const raw of tree) {
    const item = (raw ?? {}) as JsonObject;
    const path =
      typeof item.path === 'string' ? item.path.replace(/^\/+|\/+$/g, '') : '';
    if (!path) return missingField(D.createTree, 'path');
    const mode = item.mode as TreeMode;
    if (!MODES.includes(mode)) {
      return githubError(
        422,
        `Invalid request.\n\n${JSON.stringify(
          item.mode ?? null,
        )} is not a member of ["100644", "100755", "040000", "160000", "120000"].`,
        D.createTree,
      );
    }
    const type = typeOfMode(mode);
    const under = (p: string) => p === path || p.startsWith(`${path}/`);
    if ('content' in item && 'sha' in item) {
      // "Using both tree.sha and content will return an error." (wording: the double's)
      return githubError(
        422,
        'Invalid tree info: use either tree.sha or content, not both',
        D.createTree,
      );
    }
    if ('sha' in item && item.sha === null) {
      // delete. create-tree.js: "Deleting a non-existent file from a tree
      // leads to an "GitRPC::BadObjectState" error" (the docs: "Returns an
      // error if you try to delete a file that does not exist.")
      const doomed = [...flat.keys()].filter(under);
      if (doomed.length === 0) {
        return githubError(422, 'GitRPC::BadObjectState', D.createTree);
      }
      doomed.forEach(p => flat.delete(p));
      continue;
    }
    let sha: string;
    if (typeof item.content === 'string') {
      if (type !== 'blob') {
        return githubError(
          422,
          'Invalid tree info: content is for blobs only',
          D.createTree,
        );
      }
      sha = repo.store.writeBlob(Buffer.from(item.content, 'utf8'));
    } else if (isSha(item.sha)) {
      sha = item.sha.toLowerCase();
      if (type === 'blob' && !repo.store.blob(sha)) {
        return githubError(
          422,
          `tree.sha ${sha} is not a valid blob`,
          D.createTree,
        );
      }
      if (type === 'tree' && !repo.store.tree(sha)) {
        return githubError(
          422,
          `tree.sha ${sha} is not a valid tree`,
          D.createTree,
        );
      }
    } else {
      return missingField(D.createTree, 'sha');
    }
    // an entry replaces whatever was at its path, file or folder
    [...flat.keys()].filter(under).forEach(p => flat.delete(p));
    if (type === 'tree') {
      for (const [p, e] of repo.store.flatten(sha)) flat.set(`${path}/${p}`, e);
    } else {
      flat.set(path, { mode, type, sha });
    }
  }
  const sha = flat.size === 0 ? EMPTY_TREE_SHA : repo.store.buildTree(flat);
  const body = treeJson(ctx, sha, false);
  return { status: 201, body, headers: { location: String(body.url) } };
}

/**
 * GET /repos/{owner}/{repo}/git/trees/{tree_sha}?recursive= —
 * docs.github.com/rest/git/trees#get-a-tree ("Setting this parameter to any
 * value returns the objects or subtrees referenced"). github.com also takes
 * a commit sha or a branch name for `tree_sha`. Caller:
 * GithubUrlReader.doSearch (`trees_url` with `/<commit sha>?recursive=true`).
 */
function getTree(ctx: RouteContext): GitHubReply {
  const { repo } = ctx;
  const key = ctx.params[0];
  let sha = repo.store.tree(key) ? key.toLowerCase() : undefined;
  if (!sha) {
    const commit = resolveCommitish(repo, key);
    sha = commit ? repo.store.commit(commit)?.tree : undefined;
  }
  if (!sha) return notFound(D.getTree);
  return {
    status: 200,
    body: treeJson(ctx, sha, ctx.url.searchParams.has('recursive')),
  };
}

function parseSignature(
  value: unknown,
  fallback: GitSignature,
): GitSignature | undefined {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'object') return undefined;
  const v = value as JsonObject;
  if (typeof v.name !== 'string' || typeof v.email !== 'string')
    return undefined;
  const date =
    typeof v.date === 'string' && !Number.isNaN(Date.parse(v.date))
      ? isoSeconds(new Date(v.date))
      : fallback.date;
  return { name: v.name, email: v.email, date };
}

/**
 * POST /repos/{owner}/{repo}/git/commits — docs.github.com/rest/git/commits#create-a-commit:
 * `message`, `tree`, `parents`, optional `author`/`committer` ("By default,
 * the author will be the authenticated user and the current date";
 * "committer will use the information set in author"). Caller:
 * octokit-plugin-create-pull-request create-commit.js, with Backstage's
 * `scaffolder.defaultAuthor` as `author` when configured.
 */
function createCommit(ctx: RouteContext): GitHubReply {
  const { repo, core } = ctx;
  const { message, tree, parents = [], author, committer } = ctx.body;
  if (typeof message !== 'string')
    return missingField(D.createCommit, 'message');
  if (typeof tree !== 'string') return missingField(D.createCommit, 'tree');
  if (!repo.store.tree(tree)) {
    // github.com: 422 `Tree SHA does not exist`
    return githubError(422, 'Tree SHA does not exist', D.createCommit);
  }
  if (
    !Array.isArray(parents) ||
    parents.some(p => typeof p !== 'string' || !repo.store.commit(p))
  ) {
    // github.com: 422 `Parent SHA does not exist or is not a commit object`
    return githubError(
      422,
      'Parent SHA does not exist or is not a commit object',
      D.createCommit,
    );
  }
  const caller = callerSignature(ctx.viewer ?? 'ghost', core.now());
  const a = parseSignature(author, caller);
  if (!a) return missingField(D.createCommit, 'author.name');
  const c = parseSignature(committer, a);
  if (!c) return missingField(D.createCommit, 'committer.name');
  const commit = {
    tree: tree.toLowerCase(),
    parents: (parents as string[]).map(p => p.toLowerCase()),
    message,
    author: a,
    committer: c,
  };
  const sha = repo.store.writeCommit(commit);
  const body = gitCommitJson(core, repo, sha, { type: 'commit', ...commit });
  return { status: 201, body, headers: { location: String(body.url) } };
}

function getCommit(ctx: RouteContext): GitHubReply {
  const sha = ctx.params[0].toLowerCase();
  const commit = ctx.repo.store.commit(sha);
  if (!commit) return notFound(D.getCommit);
  return { status: 200, body: gitCommitJson(ctx.core, ctx.repo, sha, commit) };
}

/**
 * `{ref}` of the refs routes: `heads/<branch>` or `tags/<tag>` ("The :ref
 * in the URL must be formatted as heads/<branch name>"). A `refs/`-prefixed
 * ref in the URL is not found (github/rest-api-description#2746: "Following
 * these perimeter requirements leads to responses of 'Reference does not
 * exist'").
 */
const fullRef = (ref: string) => `refs/${ref}`;

/**
 * POST /repos/{owner}/{repo}/git/refs — docs.github.com/rest/git/refs#create-a-reference
 * (`ref` "If it doesn't start with 'refs' and have at least two slashes, it
 * will be rejected"). github.com: 422 `Reference already exists` when it
 * does (as in renovatebot/renovate#20281), 422 `Object does not exist` for
 * an unknown sha (octokit/octokit.js#562). Caller:
 * octokit-plugin-create-pull-request, when the head branch is new.
 */
function createRef(ctx: RouteContext): GitHubReply {
  const { repo, core } = ctx;
  const { ref, sha } = ctx.body;
  if (typeof ref !== 'string') return missingField(D.createRef, 'ref');
  if (typeof sha !== 'string') return missingField(D.createRef, 'sha');
  if (
    !/^refs\/[^/]+\/.+/.test(ref) ||
    ref.includes('..') ||
    ref.endsWith('/')
  ) {
    // wording: the double's
    return githubError(422, 'Reference name is invalid', D.createRef);
  }
  if (!repo.store.get(sha))
    return githubError(422, 'Object does not exist', D.createRef);
  if (repo.refs.has(ref))
    return githubError(422, 'Reference already exists', D.createRef);
  repo.refs.set(ref, sha.toLowerCase());
  repo.pushedAt = isoSeconds(core.now());
  const body = gitRefJson(core, repo, ref, sha.toLowerCase());
  return { status: 201, body, headers: { location: String(body.url) } };
}

/**
 * PATCH /repos/{owner}/{repo}/git/refs/{ref} — docs.github.com/rest/git/refs#update-a-reference
 * (`force`: "Leaving this out or setting it to false will make sure you're
 * not overwriting work"). github.com: 422 `Reference does not exist`, 422
 * `Update is not a fast forward`. Caller: octokit-plugin-create-pull-request,
 * `ref: heads/<head>`, `force: true`, when the head branch exists (the
 * `update: true` re-run).
 */
function updateRef(ctx: RouteContext): GitHubReply {
  const { repo, core } = ctx;
  const ref = fullRef(ctx.params[0]);
  const { sha, force = false } = ctx.body;
  if (typeof sha !== 'string') return missingField(D.updateRef, 'sha');
  const current = repo.refs.get(ref);
  if (!current)
    return githubError(422, 'Reference does not exist', D.updateRef);
  if (!repo.store.commit(sha))
    return githubError(422, 'Object does not exist', D.updateRef);
  const next = sha.toLowerCase();
  if (force !== true && !repo.store.isAncestor(current, next)) {
    return githubError(422, 'Update is not a fast forward', D.updateRef);
  }
  repo.refs.set(ref, next);
  repo.pushedAt = isoSeconds(core.now());
  return { status: 200, body: gitRefJson(core, repo, ref, next) };
}

function deleteRef(ctx: RouteContext): GitHubReply {
  const ref = fullRef(ctx.params[0]);
  if (!ctx.repo.refs.has(ref)) {
    return githubError(422, 'Reference does not exist', D.deleteRef);
  }
  ctx.repo.refs.delete(ref);
  // github.com closes the open pull requests whose head branch is deleted
  const now = isoSeconds(ctx.core.now());
  for (const pull of ctx.repo.pulls) {
    if (pull.state === 'open' && ref === `refs/heads/${pull.headRef}`) {
      pull.state = 'closed';
      pull.closedAt = now;
      pull.updatedAt = now;
    }
  }
  return { status: 204 };
}

const refsMatching = (repo: RepoState, prefix: string) =>
  [...repo.refs.entries()]
    .filter(([ref]) => ref.startsWith(prefix))
    .sort(([a], [b]) => a.localeCompare(b));

export const gitRoutes: Route[] = [
  {
    methods: ['POST'],
    pattern: /^\/git\/blobs$/,
    docs: D.createBlob,
    write: true,
    handle: createBlob,
  },
  {
    methods: ['GET'],
    pattern: /^\/git\/blobs\/([^/]+)$/,
    docs: D.getBlob,
    handle: getBlob,
  },
  {
    methods: ['POST'],
    pattern: /^\/git\/trees$/,
    docs: D.createTree,
    write: true,
    handle: createTree,
  },
  {
    methods: ['GET'],
    pattern: /^\/git\/trees\/(.+)$/,
    docs: D.getTree,
    handle: getTree,
  },
  {
    methods: ['POST'],
    pattern: /^\/git\/commits$/,
    docs: D.createCommit,
    write: true,
    handle: createCommit,
  },
  {
    methods: ['GET'],
    pattern: /^\/git\/commits\/([^/]+)$/,
    docs: D.getCommit,
    handle: getCommit,
  },
  {
    // docs.github.com/rest/git/refs#get-a-reference: "If the :ref doesn't match an existing ref, a 404 is returned."
    methods: ['GET'],
    pattern: /^\/git\/ref\/(.+)$/,
    docs: D.getRef,
    handle: ctx => {
      const ref = fullRef(ctx.params[0]);
      const sha = ctx.repo.refs.get(ref);
      if (!sha) return notFound(D.getRef);
      return { status: 200, body: gitRefJson(ctx.core, ctx.repo, ref, sha) };
    },
  },
  {
    // docs.github.com/rest/git/refs#list-matching-references: refs that start with `:ref`
    methods: ['GET'],
    pattern: /^\/git\/matching-refs\/(.*)$/,
    docs: D.matchingRefs,
    handle: ctx => ({
      status: 200,
      body: refsMatching(ctx.repo, fullRef(ctx.params[0] ?? '')).map(
        ([ref, sha]) => gitRefJson(ctx.core, ctx.repo, ref, sha),
      ),
    }),
  },
  {
    methods: ['POST'],
    pattern: /^\/git\/refs$/,
    docs: D.createRef,
    write: true,
    handle: createRef,
  },
  {
    methods: ['PATCH'],
    pattern: /^\/git\/refs\/(.+)$/,
    docs: D.updateRef,
    write: true,
    handle: updateRef,
  },
  {
    methods: ['DELETE'],
    pattern: /^\/git\/refs\/(.+)$/,
    docs: D.deleteRef,
    write: true,
    handle: deleteRef,
  },
];
