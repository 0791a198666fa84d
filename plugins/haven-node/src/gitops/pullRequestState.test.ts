import { ConfigReader } from '@backstage/config';
import {
  createGitHubDouble,
  createGitLabDouble,
  setupDoubleServer,
} from '@haven-plus/haven-doubles';
import {
  githubBranchSha,
  openGithubPull,
  openGitlabMergeRequest,
  settleGithubPull,
  settleGitlabMergeRequest,
} from '@haven-plus/haven-test-utils';
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

describe('PullRequestStateReader on GitHub', () => {
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

  const access = {
    apiBaseUrl: GITHUB_API,
    token: GITHUB_TOKEN,
    owner: 'haven-fleet',
    repo: 'fleet',
  };
  const openPull = (branch: string) => openGithubPull(access, branch);

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
    await settleGithubPull(access, pull.number, 'merge');
    const merged = await reader().read(pull.html_url);
    expect(merged).toMatchObject({ state: 'merged', provider: 'github' });
    expect(merged.mergeCommitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(merged.mergeCommitSha).toBe(await githubBranchSha(access, 'main'));
    expect(Date.parse(merged.mergedAt!)).not.toBeNaN();
  });

  it('tells closed without a merge from merged', async () => {
    const pull = await openPull('gone');
    await settleGithubPull(access, pull.number, 'close');
    const state = await reader().read(pull.html_url);
    expect(state.state).toBe('closed');
    expect(state.mergedAt).toBeUndefined();
    expect(state.mergeCommitSha).toBeUndefined();
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

  const access = {
    apiBaseUrl: `${GITLAB}/api/v4`,
    token: GITLAB_TOKEN,
    project: 'haven-fleet/fleet',
  };
  const openMergeRequest = (branch: string) =>
    openGitlabMergeRequest(access, branch);

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
    await settleGitlabMergeRequest(access, mr.iid, 'merge');
    const merged = await reader().read(mr.web_url);
    expect(merged.state).toBe('merged');
    expect(merged.mergeCommitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(Date.parse(merged.mergedAt!)).not.toBeNaN();

    const other = await openMergeRequest('gone');
    await settleGitlabMergeRequest(access, other.iid, 'close');
    await expect(reader().read(other.web_url)).resolves.toMatchObject({
      state: 'closed',
    });
  });
});
