/**
 * Opening, merging and closing pull requests on the GitHub and GitLab
 * doubles through their REST APIs, as a person or a CI job would, for tests
 * that follow a pull request's state.
 */

async function call(
  url: string,
  token: string,
  method: string,
  body?: object,
): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => undefined);
  if (!res.ok) {
    throw new Error(`${method} ${new URL(url).pathname}: HTTP ${res.status}`);
  }
  return json;
}

/** A GitHub repository the double serves, and a token it accepts. */
export interface GithubRepoAccess {
  /** The API base, e.g. https://api.github.com */
  apiBaseUrl: string;
  token: string;
  owner: string;
  repo: string;
}

/**
 * A branch off `main` with one new file, and its pull request (git data
 * API: trees, commits, refs; then "Create a pull request").
 */
export async function openGithubPull(
  access: GithubRepoAccess,
  branch: string,
): Promise<{ number: number; html_url: string; title: string }> {
  const { token } = access;
  const repo = `${access.apiBaseUrl}/repos/${access.owner}/${access.repo}`;
  const main = await call(`${repo}/git/ref/heads/main`, token, 'GET');
  const parent = await call(
    `${repo}/git/commits/${main.object.sha}`,
    token,
    'GET',
  );
  const tree = await call(`${repo}/git/trees`, token, 'POST', {
    base_tree: parent.tree.sha,
    tree: [
      { path: `${branch}.txt`, mode: '100644', type: 'blob', content: 'x\n' },
    ],
  });
  const commit = await call(`${repo}/git/commits`, token, 'POST', {
    message: branch,
    tree: tree.sha,
    parents: [main.object.sha],
  });
  await call(`${repo}/git/refs`, token, 'POST', {
    ref: `refs/heads/${branch}`,
    sha: commit.sha,
  });
  return call(`${repo}/pulls`, token, 'POST', {
    title: `Deliver ${branch}`,
    head: branch,
    base: 'main',
  });
}

/** Merges (`PUT .../merge`) or closes (`PATCH state: closed`) a pull request. */
export async function settleGithubPull(
  access: GithubRepoAccess,
  pullNumber: number,
  how: 'merge' | 'close',
): Promise<void> {
  const pull = `${access.apiBaseUrl}/repos/${access.owner}/${access.repo}/pulls/${pullNumber}`;
  if (how === 'merge') await call(`${pull}/merge`, access.token, 'PUT', {});
  else await call(pull, access.token, 'PATCH', { state: 'closed' });
}

/** The head of a GitHub branch. */
export async function githubBranchSha(
  access: GithubRepoAccess,
  branch: string,
): Promise<string> {
  const ref = await call(
    `${access.apiBaseUrl}/repos/${access.owner}/${access.repo}/git/ref/heads/${branch}`,
    access.token,
    'GET',
  );
  return ref.object.sha;
}

/** A GitLab project the double serves, and a token it accepts. */
export interface GitlabProjectAccess {
  /** e.g. https://gitlab.example.com/api/v4 */
  apiBaseUrl: string;
  token: string;
  /** e.g. haven-fleet/fleet */
  project: string;
}

/** A branch with one new file ("Create a commit" with start_branch) and its merge request. */
export async function openGitlabMergeRequest(
  access: GitlabProjectAccess,
  branch: string,
): Promise<{ iid: number; web_url: string }> {
  const project = `${access.apiBaseUrl}/projects/${encodeURIComponent(
    access.project,
  )}`;
  await call(`${project}/repository/commits`, access.token, 'POST', {
    branch,
    start_branch: 'main',
    commit_message: branch,
    actions: [{ action: 'create', file_path: `${branch}.txt`, content: 'x\n' }],
  });
  return call(`${project}/merge_requests`, access.token, 'POST', {
    source_branch: branch,
    target_branch: 'main',
    title: `Deliver ${branch}`,
  });
}

/** Merges (`PUT .../merge`) or closes (`state_event: close`) a merge request. */
export async function settleGitlabMergeRequest(
  access: GitlabProjectAccess,
  iid: number,
  how: 'merge' | 'close',
): Promise<void> {
  const mr = `${access.apiBaseUrl}/projects/${encodeURIComponent(
    access.project,
  )}/merge_requests/${iid}`;
  if (how === 'merge') await call(`${mr}/merge`, access.token, 'PUT', {});
  else await call(mr, access.token, 'PUT', { state_event: 'close' });
}
