import { DOCS, notFound, type GitHubReply, type JsonObject } from './errors';
import {
  repoApi,
  repoCommitJson,
  repoJson,
  repoWeb,
  type Core,
  type RepoState,
} from './model';
import {
  branchSha,
  paginate,
  resolveCommitish,
  type Route,
  type RouteContext,
} from './routes';
import { commitTarball } from './tarball';

/** Where the double serves the archives its tarball route redirects to (github.com: codeload.github.com). */
export const CODELOAD_PREFIX = '/_codeload';

const D = {
  repo: `${DOCS}/repos/repos#get-a-repository`,
  contents: `${DOCS}/repos/contents#get-repository-content`,
  commits: `${DOCS}/commits/commits#list-commits`,
  status: `${DOCS}/commits/statuses#get-the-combined-status-for-a-specific-reference`,
  tarball: `${DOCS}/repos/contents#download-a-repository-archive-tar`,
  branches: `${DOCS}/branches/branches#list-branches`,
  branch: `${DOCS}/branches/branches#get-a-branch`,
};

/**
 * The raw media type: docs.github.com/rest/repos/contents "Get repository
 * content" — `application/vnd.github.raw+json` returns the file's raw
 * contents. GithubUrlReader asks with the older spelling
 * `application/vnd.github.v3.raw` (GithubUrlReader.cjs.js readUrl).
 */
function wantsRaw(request: Request): boolean {
  const accept = request.headers.get('accept') ?? '';
  return /application\/vnd\.github(\.v3)?\.raw/i.test(accept);
}

function contentEntry(
  core: Core,
  repo: RepoState,
  ref: string,
  path: string,
  entry: { mode: string; type: string; sha: string },
): JsonObject {
  const api = repoApi(core, repo);
  const name = path.split('/').pop() ?? path;
  let type = entry.mode === '120000' ? 'symlink' : 'file';
  if (entry.type === 'tree') type = 'dir';
  if (entry.type === 'commit') type = 'submodule';
  const size =
    entry.type === 'blob' ? repo.store.blob(entry.sha)?.content.length ?? 0 : 0;
  const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl =
    entry.type === 'tree'
      ? `${api}/git/trees/${entry.sha}`
      : `${api}/git/blobs/${entry.sha}`;
  const html = `${repoWeb(core, repo)}/${
    type === 'dir' ? 'tree' : 'blob'
  }/${ref}/${path}`;
  return {
    type,
    size,
    name,
    path,
    sha: entry.sha,
    url: self,
    git_url: entry.type === 'commit' ? null : gitUrl,
    html_url: entry.type === 'commit' ? null : html,
    download_url:
      type === 'file'
        ? `https://raw.githubusercontent.com/${repo.owner}/${repo.name}/${ref}/${path}`
        : null,
    _links: { self, git: gitUrl, html },
  };
}

/**
 * GET|HEAD /repos/{owner}/{repo}/contents/{path}?ref= —
 * docs.github.com/rest/repos/contents#get-repository-content. Callers:
 * GithubUrlReader.readUrl via @backstage/integration getGithubFileFetchUrl
 * (`${apiBaseUrl}/repos/${owner}/${name}/contents/${path}?ref=${ref}`,
 * Accept `application/vnd.github.v3.raw`, If-None-Match with a known etag);
 * octokit-plugin-create-pull-request's create-tree.js (`HEAD …/contents/:path`
 * with `ref` = the base commit, before deleting a file).
 */
function getContents(ctx: RouteContext): GitHubReply {
  const { repo, core, url, request } = ctx;
  const path = (ctx.params[0] ?? '').replace(/^\/+|\/+$/g, '');
  const ref = url.searchParams.get('ref') || repo.defaultBranch;
  const commitSha = resolveCommitish(repo, ref);
  if (!commitSha) {
    // github.com: 404 `No commit found for the ref <ref>`
    return notFound(D.contents, `No commit found for the ref ${ref}`);
  }
  const commit = repo.store.commit(commitSha);
  const entry = commit && repo.store.lookup(commit.tree, path);
  if (!commit || !entry) return notFound(D.contents);
  if (entry.type === 'tree') {
    // a folder: its listing (the raw media type does not apply to folders)
    const tree = repo.store.tree(entry.sha);
    return {
      status: 200,
      body: (tree?.entries ?? []).map(e =>
        contentEntry(core, repo, ref, path ? `${path}/${e.name}` : e.name, e),
      ),
    };
  }
  const blob = entry.type === 'blob' ? repo.store.blob(entry.sha) : undefined;
  if (blob && wantsRaw(request)) {
    return {
      status: 200,
      body: blob.content,
      headers: {
        'content-type': 'application/vnd.github.raw',
        'x-github-media-type': 'github.v3; param=raw',
        // a file's etag: the double uses its blob sha (the body's identity)
        etag: `"${entry.sha}"`,
      },
    };
  }
  const json = contentEntry(core, repo, ref, path, entry);
  if (blob && json.type === 'file') {
    // "content" is base64 with a line break every 60 characters, as github.com sends it
    json.content = (blob.content.toString('base64').match(/.{1,60}/g) ?? [])
      .map(l => `${l}\n`)
      .join('');
    json.encoding = 'base64';
  } else if (blob && json.type === 'symlink') {
    json.target = blob.content.toString('utf8');
  }
  return { status: 200, body: json };
}

/**
 * GET /repos/{owner}/{repo}/commits?sha=&per_page=&page= —
 * docs.github.com/rest/commits/commits#list-commits. Caller:
 * octokit-plugin-create-pull-request compose-create-pull-request.js
 * (`sha: base, per_page: 1`: the base branch's latest commit and its tree).
 */
function listCommits(ctx: RouteContext): GitHubReply {
  const { repo, core, url } = ctx;
  const ref = url.searchParams.get('sha') || repo.defaultBranch;
  const start = resolveCommitish(repo, ref);
  if (!start) return notFound(D.commits);
  const path = url.searchParams.get('path')?.replace(/^\/+|\/+$/g, '');
  let shas = repo.store.history(start);
  if (path) {
    // commits whose tree differs at `path` from their first parent's
    shas = shas.filter(sha => {
      const c = repo.store.commit(sha);
      const p = c?.parents[0] ? repo.store.commit(c.parents[0]) : undefined;
      const here = c ? repo.store.lookup(c.tree, path)?.sha : undefined;
      const before = p ? repo.store.lookup(p.tree, path)?.sha : undefined;
      return here !== before;
    });
  }
  const page = paginate(url, shas);
  return {
    status: 200,
    body: page.items.map(sha =>
      repoCommitJson(core, repo, sha, repo.store.commit(sha)!),
    ),
    headers: page.headers,
  };
}

/**
 * GET /repos/{owner}/{repo}/commits/{ref}/status —
 * docs.github.com/rest/commits/statuses#get-the-combined-status-for-a-specific-reference.
 * Caller: GithubUrlReader.getRepoDetails (readTree / search): reads `sha`
 * (the commit the ref points at) and `repository.archive_url` /
 * `repository.trees_url`. No statuses are ever reported to the double, so
 * `state` is `pending` ("pending if there are no statuses").
 */
function combinedStatus(ctx: RouteContext): GitHubReply {
  const { repo, core } = ctx;
  const ref = ctx.params[0];
  const sha = resolveCommitish(repo, ref);
  if (!sha) {
    // github.com: 404 `No commit found for SHA: <ref>`
    return notFound(D.status, `No commit found for SHA: ${ref}`);
  }
  const full = repoJson(core, repo, ctx.viewer);
  const { permissions: _p, ...repository } = full;
  return {
    status: 200,
    body: {
      state: 'pending',
      statuses: [],
      sha,
      total_count: 0,
      repository,
      commit_url: `${repoApi(core, repo)}/commits/${sha}`,
      url: `${repoApi(core, repo)}/commits/${sha}/status`,
    },
  };
}

/**
 * GET /repos/{owner}/{repo}/tarball/{ref} —
 * docs.github.com/rest/repos/contents#download-a-repository-archive-tar:
 * "Gets a redirect URL to download a tar archive", answered 302 with the
 * codeload URL in `Location`. Caller: GithubUrlReader.doReadTree follows
 * `archive_url` with `{archive_format}` = tarball and `{/ref}` = the commit
 * sha. The double's "codeload" lives on its own origin, under `/_codeload/`.
 */
function tarballRedirect(ctx: RouteContext): GitHubReply {
  const { repo, core } = ctx;
  const ref = ctx.params[0] || repo.defaultBranch;
  const sha = resolveCommitish(repo, ref);
  if (!sha) return notFound(D.tarball);
  return {
    status: 302,
    headers: {
      location: `${core.api}${CODELOAD_PREFIX}/${repo.owner}/${repo.name}/legacy.tar.gz/${sha}`,
    },
  };
}

/** The archive itself: `<owner>-<repo>-<7-character sha>/…`, as github.com names its top folder. */
export function codeload(repo: RepoState, sha: string): GitHubReply {
  if (!repo.store.commit(sha)) return notFound(D.tarball);
  const top = `${repo.owner}-${repo.name}-${sha.slice(0, 7)}`;
  return {
    status: 200,
    body: commitTarball(repo.store, sha, top),
    headers: {
      'content-type': 'application/x-gzip',
      'content-disposition': `attachment; filename=${top}.tar.gz`,
      etag: `"${sha}"`,
    },
  };
}

function branchJson(ctx: RouteContext, name: string, sha: string): JsonObject {
  const { core, repo } = ctx;
  return {
    name,
    commit: { sha, url: `${repoApi(core, repo)}/commits/${sha}` },
    protected: false,
  };
}

export const repoRoutes: Route[] = [
  {
    // docs.github.com/rest/repos/repos#get-a-repository. Callers:
    // octokit-plugin-create-pull-request (default_branch, permissions, and
    // the `x-oauth-scopes` response header), GithubUrlReader.getDefaultBranch.
    methods: ['GET'],
    pattern: /^$/,
    docs: D.repo,
    handle: ctx => ({
      status: 200,
      body: repoJson(ctx.core, ctx.repo, ctx.viewer),
    }),
  },
  {
    methods: ['GET', 'HEAD'],
    pattern: /^\/contents(?:\/(.*))?$/,
    docs: D.contents,
    handle: getContents,
  },
  {
    methods: ['GET'],
    pattern: /^\/commits$/,
    docs: D.commits,
    handle: listCommits,
  },
  {
    methods: ['GET'],
    pattern: /^\/commits\/(.+)\/status$/,
    docs: D.status,
    handle: combinedStatus,
  },
  {
    methods: ['GET'],
    pattern: /^\/tarball(?:\/(.+))?$/,
    docs: D.tarball,
    handle: tarballRedirect,
  },
  {
    // docs.github.com/rest/branches/branches#list-branches
    methods: ['GET'],
    pattern: /^\/branches$/,
    docs: D.branches,
    handle: ctx => {
      const branches = [...ctx.repo.refs.entries()]
        .filter(([ref]) => ref.startsWith('refs/heads/'))
        .map(([ref, sha]) =>
          branchJson(ctx, ref.slice('refs/heads/'.length), sha),
        )
        .sort((a, b) => String(a.name).localeCompare(String(b.name)));
      const page = paginate(ctx.url, branches);
      return { status: 200, body: page.items, headers: page.headers };
    },
  },
  {
    // docs.github.com/rest/branches/branches#get-a-branch; github.com
    // answers an unknown branch with 404 `Branch not found`.
    methods: ['GET'],
    pattern: /^\/branches\/(.+)$/,
    docs: D.branch,
    handle: ctx => {
      const name = ctx.params[0];
      const sha = branchSha(ctx.repo, name);
      if (!sha) return notFound(D.branch, 'Branch not found');
      const api = repoApi(ctx.core, ctx.repo);
      return {
        status: 200,
        body: {
          ...branchJson(ctx, name, sha),
          commit: repoCommitJson(
            ctx.core,
            ctx.repo,
            sha,
            ctx.repo.store.commit(sha)!,
          ),
          _links: {
            self: `${api}/branches/${name}`,
            html: `${repoWeb(ctx.core, ctx.repo)}/tree/${name}`,
          },
          protection: {
            enabled: false,
            required_status_checks: {
              enforcement_level: 'off',
              contexts: [],
              checks: [],
            },
          },
          protection_url: `${api}/branches/${name}/protection`,
        },
      };
    },
  },
];
