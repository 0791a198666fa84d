import { ConfigReader } from '@backstage/config';
import {
  createGitHubDouble,
  createGitLabDouble,
  setupDoubleServer,
} from '@haven-plus/haven-doubles';
import { PullRequestStateReader } from './pullRequestState';

const GITHUB_API = 'https://api.github.com';
const GITHUB_TOKEN = 'ghp-reader-secret-41d7';
const GITLAB = 'https://gitlab.example.com';
const GITLAB_TOKEN = 'glpat-reader-secret-93b1';

const server = setupDoubleServer();

function reader(integrations: object = {}) {
  return PullRequestStateReader.fromConfig(
    new ConfigReader({
      integrations: {
        github: [{ host: 'github.com', token: GITHUB_TOKEN }],
        gitlab: [
          {
            host: 'gitlab.example.com',
            apiBaseUrl: `${GITLAB}/api/v4`,
            token: GITLAB_TOKEN,
          },
        ],
        ...integrations,
      },
    }),
  );
}

async function call(url: string, token: string, method: string, body?: object) {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => undefined);
  if (!res.ok)
    throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json as any;
}

describe('PullRequestStateReader on GitHub', () => {
  const repo = `${GITHUB_API}/repos/haven-fleet/fleet`;
  beforeEach(() => {
    const double = createGitHubDouble({
      baseUrl: GITHUB_API,
      token: GITHUB_TOKEN,
      repositories: [
        { owner: 'haven-fleet', name: 'fleet', files: { 'README.md': '#\n' } },
      ],
    });
    server.use(...double.handlers);
  });

  /** A branch with one commit and its pull request, through the REST API. */
  async function openPull(
    branch: string,
  ): Promise<{ number: number; html_url: string }> {
    const main = await call(`${repo}/git/ref/heads/main`, GITHUB_TOKEN, 'GET');
    const parent = await call(
      `${repo}/git/commits/${main.object.sha}`,
      GITHUB_TOKEN,
      'GET',
    );
    const tree = await call(`${repo}/git/trees`, GITHUB_TOKEN, 'POST', {
      base_tree: parent.tree.sha,
      tree: [
        { path: `${branch}.txt`, mode: '100644', type: 'blob', content: 'x\n' },
      ],
    });
    const commit = await call(`${repo}/git/commits`, GITHUB_TOKEN, 'POST', {
      message: branch,
      tree: tree.sha,
      parents: [main.object.sha],
    });
    await call(`${repo}/git/refs`, GITHUB_TOKEN, 'POST', {
      ref: `refs/heads/${branch}`,
      sha: commit.sha,
    });
    return call(`${repo}/pulls`, GITHUB_TOKEN, 'POST', {
      title: `Deliver ${branch}`,
      head: branch,
      base: 'main',
    });
  }

  it('follows a pull request from open to merged', async () => {
    const pull = await openPull('shop');
    expect(pull.html_url).toBe(
      `https://github.com/haven-fleet/fleet/pull/${pull.number}`,
    );
    await expect(reader().read(pull.html_url)).resolves.toEqual({
      url: pull.html_url,
      provider: 'github',
      state: 'open',
      title: 'Deliver shop',
    });
    await call(`${repo}/pulls/${pull.number}/merge`, GITHUB_TOKEN, 'PUT', {});
    const merged = await reader().read(pull.html_url);
    expect(merged).toMatchObject({ state: 'merged', provider: 'github' });
    expect(Date.parse(merged.mergedAt!)).not.toBeNaN();
  });

  it('tells closed without a merge from merged', async () => {
    const pull = await openPull('gone');
    await call(`${repo}/pulls/${pull.number}`, GITHUB_TOKEN, 'PATCH', {
      state: 'closed',
    });
    const state = await reader().read(pull.html_url);
    expect(state.state).toBe('closed');
    expect(state.mergedAt).toBeUndefined();
  });

  it('says which integration to check when the token is refused, without the token', async () => {
    const pull = await openPull('denied');
    const error = await reader({
      github: [{ host: 'github.com', token: 'ghp-wrong-token-0000' }],
    })
      .read(pull.html_url)
      .catch(e => e);
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toContain('integrations.github for github.com');
    expect(error.message).not.toContain('ghp-');
  });

  it('names a missing pull request and a host with no integration', async () => {
    await expect(
      reader().read('https://github.com/haven-fleet/fleet/pull/999'),
    ).rejects.toThrow(/was not found \(HTTP 404\)/);
    await expect(
      reader().read('https://git.other.example/haven-fleet/fleet/pull/1'),
    ).rejects.toThrow(
      'No integrations.github entry for host git.other.example',
    );
    await expect(reader().read('not a url')).rejects.toThrow(
      /is not a pull request address/,
    );
    await expect(
      reader().read('https://github.com/haven-fleet/fleet/issues/1'),
    ).rejects.toThrow(/is not a pull request address/);
  });
});

describe('PullRequestStateReader on GitLab', () => {
  const project = `${GITLAB}/api/v4/projects/${encodeURIComponent(
    'haven-fleet/fleet',
  )}`;
  beforeEach(() => {
    const double = createGitLabDouble({
      baseUrl: GITLAB,
      token: GITLAB_TOKEN,
      projects: [
        {
          namespace: 'haven-fleet',
          path: 'fleet',
          files: { 'README.md': '#\n' },
        },
      ],
    });
    server.use(...double.handlers);
  });

  async function openMergeRequest(branch: string) {
    await call(`${project}/repository/commits`, GITLAB_TOKEN, 'POST', {
      branch,
      start_branch: 'main',
      commit_message: branch,
      actions: [
        { action: 'create', file_path: `${branch}.txt`, content: 'x\n' },
      ],
    });
    return call(`${project}/merge_requests`, GITLAB_TOKEN, 'POST', {
      source_branch: branch,
      target_branch: 'main',
      title: `Deliver ${branch}`,
    });
  }

  it('follows a merge request from opened to merged, and to closed', async () => {
    const mr = await openMergeRequest('shop');
    expect(mr.web_url).toBe(
      `${GITLAB}/haven-fleet/fleet/-/merge_requests/${mr.iid}`,
    );
    await expect(reader().read(mr.web_url)).resolves.toMatchObject({
      provider: 'gitlab',
      state: 'open',
      title: 'Deliver shop',
    });
    await call(
      `${project}/merge_requests/${mr.iid}/merge`,
      GITLAB_TOKEN,
      'PUT',
      {},
    );
    const merged = await reader().read(mr.web_url);
    expect(merged.state).toBe('merged');
    expect(Date.parse(merged.mergedAt!)).not.toBeNaN();

    const other = await openMergeRequest('gone');
    await call(`${project}/merge_requests/${other.iid}`, GITLAB_TOKEN, 'PUT', {
      state_event: 'close',
    });
    await expect(reader().read(other.web_url)).resolves.toMatchObject({
      state: 'closed',
    });
  });
});
