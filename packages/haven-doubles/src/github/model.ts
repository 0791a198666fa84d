import { createHash } from 'node:crypto';
import type { Json, JsonObject } from './errors';
import { ObjectStore, type GitCommit, type GitSignature } from './gitObjects';

export interface PullState {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  /** head branch (same repository: the double serves no forks) */
  headRef: string;
  /** head sha when last seen, for a pull request whose branch is gone */
  headSha: string;
  baseRef: string;
  user: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: string | null;
  maintainerCanModify: boolean;
  requestedReviewers: string[];
  requestedTeams: string[];
  assignees: string[];
}

export interface RepoState {
  id: number;
  owner: string;
  ownerType: 'Organization' | 'User';
  name: string;
  defaultBranch: string;
  private: boolean;
  store: ObjectStore;
  /** full ref name (`refs/heads/main`) -> commit sha */
  refs: Map<string, string>;
  pulls: PullState[];
  /** issues and pull requests share one sequence of numbers */
  nextNumber: number;
  createdAt: string;
  pushedAt: string;
}

/** What every route may use. */
export interface Core {
  /** API base URL without a trailing slash, e.g. http://127.0.0.1:7103 */
  api: string;
  /** Web base URL, https://github.com unless told otherwise */
  web: string;
  now(): Date;
  repo(owner: string, name: string): RepoState | undefined;
  /** ids the double hands out for new pull requests */
  nextId(): number;
}

/** A stable positive id for a name (users, orgs, repositories). */
export function idFor(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) % 100000000;
}

/** GraphQL-style global node id, `<prefix>_<base64>` as github.com's newer ids look. */
export function nodeId(prefix: string, key: string): string {
  return `${prefix}_${Buffer.from(key).toString('base64url')}`;
}

/** ISO 8601 to the second, as the REST API writes timestamps (`2011-01-26T19:01:12Z`). */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** OpenAPI `simple-user`. */
export function userJson(
  core: Core,
  login: string,
  type: 'User' | 'Organization' | 'Bot' = 'User',
): JsonObject {
  const id = idFor(`user:${login}`);
  const api = `${core.api}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId(type === 'Organization' ? 'O' : 'U', String(id)),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${core.web}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    site_admin: false,
  };
}

/** OpenAPI `team-simple` for a requested team reviewer (`org/slug` or `slug`). */
export function teamJson(core: Core, org: string, slug: string): JsonObject {
  const id = idFor(`team:${org}/${slug}`);
  return {
    id,
    node_id: nodeId('T', String(id)),
    url: `${core.api}/organizations/${idFor(`user:${org}`)}/team/${id}`,
    html_url: `${core.web}/orgs/${org}/teams/${slug}`,
    name: slug,
    slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${core.api}/organizations/${idFor(
      `user:${org}`,
    )}/team/${id}/members{/member}`,
    repositories_url: `${core.api}/organizations/${idFor(
      `user:${org}`,
    )}/team/${id}/repos`,
    parent: null,
  };
}

export const repoApi = (core: Core, repo: RepoState) =>
  `${core.api}/repos/${repo.owner}/${repo.name}`;
export const repoWeb = (core: Core, repo: RepoState) =>
  `${core.web}/${repo.owner}/${repo.name}`;

/**
 * OpenAPI `repository` / `full-repository` (GET /repos/{owner}/{repo}). The
 * URL templates are what GithubUrlReader follows: `archive_url`
 * (`{archive_format}{/ref}`) for readTree and `trees_url` (`{/sha}`) for
 * search (GithubUrlReader.cjs.js doReadTree / doSearch).
 */
export function repoJson(
  core: Core,
  repo: RepoState,
  viewer: string | undefined,
): JsonObject {
  const api = repoApi(core, repo);
  const web = repoWeb(core, repo);
  return {
    id: repo.id,
    node_id: nodeId('R', String(repo.id)),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: repo.private,
    owner: userJson(core, repo.owner, repo.ownerType),
    html_url: web,
    description: null,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git:${web.replace(/^https?:/, '')}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${new URL(core.web).host}:${repo.owner}/${repo.name}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${web}.git`,
    hooks_url: `${api}/hooks`,
    svn_url: web,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    archived: false,
    disabled: false,
    open_issues_count: repo.pulls.filter(p => p.state === 'open').length,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.private ? 'private' : 'public',
    forks: 0,
    open_issues: repo.pulls.filter(p => p.state === 'open').length,
    watchers: 0,
    default_branch: repo.defaultBranch,
    created_at: repo.createdAt,
    updated_at: repo.pushedAt,
    pushed_at: repo.pushedAt,
    // The caller's access: present only for an authenticated caller. Every
    // token the double knows may push (octokit-plugin-create-pull-request
    // forks when `permissions.push` is false).
    ...(viewer
      ? {
          permissions: {
            admin: false,
            maintain: false,
            push: true,
            triage: true,
            pull: true,
          },
        }
      : {}),
    network_count: 0,
    subscribers_count: 0,
  };
}

/** OpenAPI `git-user` as the git data API returns it. */
export function signatureJson(s: GitSignature): JsonObject {
  return { name: s.name, email: s.email, date: s.date };
}

/** OpenAPI `git-commit` (git/create-commit, git/get-commit). */
export function gitCommitJson(
  core: Core,
  repo: RepoState,
  sha: string,
  commit: GitCommit,
): JsonObject {
  const api = repoApi(core, repo);
  return {
    sha,
    node_id: nodeId('C', `${repo.id}:${sha}`),
    url: `${api}/git/commits/${sha}`,
    html_url: `${repoWeb(core, repo)}/commit/${sha}`,
    author: signatureJson(commit.author),
    committer: signatureJson(commit.committer),
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    message: commit.message,
    parents: commit.parents.map(p => ({
      sha: p,
      url: `${api}/git/commits/${p}`,
      html_url: `${repoWeb(core, repo)}/commit/${p}`,
    })),
    verification: {
      verified: false,
      reason: 'unsigned',
      signature: null,
      payload: null,
    },
  };
}

/** OpenAPI `commit` (repos/list-commits, the branch's `commit`). */
export function repoCommitJson(
  core: Core,
  repo: RepoState,
  sha: string,
  commit: GitCommit,
): JsonObject {
  const api = repoApi(core, repo);
  const git = gitCommitJson(core, repo, sha, commit);
  return {
    sha,
    node_id: git.node_id,
    commit: {
      author: git.author,
      committer: git.committer,
      message: commit.message,
      tree: git.tree,
      url: git.url,
      comment_count: 0,
      verification: git.verification,
    },
    url: `${api}/commits/${sha}`,
    html_url: git.html_url,
    comments_url: `${api}/commits/${sha}/comments`,
    // GitHub links a commit to an account by its author email; the double
    // links none.
    author: null,
    committer: null,
    parents: commit.parents.map(p => ({
      sha: p,
      url: `${api}/commits/${p}`,
      html_url: `${repoWeb(core, repo)}/commit/${p}`,
    })),
  };
}

/** OpenAPI `git-ref`. */
export function gitRefJson(
  core: Core,
  repo: RepoState,
  ref: string,
  sha: string,
): JsonObject {
  const api = repoApi(core, repo);
  return {
    ref,
    node_id: nodeId('REF', `${repo.id}:${ref}`),
    url: `${api}/git/${ref}`,
    object: { type: 'commit', sha, url: `${api}/git/commits/${sha}` },
  };
}

export const asJson = (value: unknown): Json => value as Json;
