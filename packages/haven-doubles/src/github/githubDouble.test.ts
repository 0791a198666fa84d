/* eslint-disable @backstage/no-undeclared-imports -- The real Backstage
 * clients these tests drive are hoisted in the monorepo but not yet
 * devDependencies of this package: octokit, octokit-plugin-create-pull-request, @backstage/config,
 * @backstage/integration, @backstage/backend-defaults, @backstage/backend-test-utils,
 * @backstage/plugin-scaffolder-backend-module-github, @backstage/plugin-scaffolder-node,
 * @backstage/plugin-scaffolder-node-test-utils.
 * Remove this line once they are declared. */
import fs from 'node:fs';
import path from 'node:path';
import { Octokit } from 'octokit';
import {
  createPullRequest,
  DELETE_FILE,
} from 'octokit-plugin-create-pull-request';
import { ConfigReader } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { createPublishGithubPullRequestAction } from '@backstage/plugin-scaffolder-backend-module-github';
import { fetchContents, fetchFile } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { setupDoubleServer } from '../contractServer';
import {
  createGitHubDouble,
  type GitHubDouble,
  type GitHubRepositorySeed,
} from './githubDouble';

const API = 'http://github.double.test';
const TOKEN = 'test-token';
const OWNER = 'haven-fleet';
const REPO = 'fleet';
const APPS = 'clusters/haven-sandbox/apps/kustomization.yaml';

/** A fleet repository with one cluster and one app, laid out as the Haven+ templates write it. */
function fleetRepositorySeed(): GitHubRepositorySeed {
  return {
    owner: OWNER,
    name: REPO,
    defaultBranch: 'main',
    message: 'Fleet repository',
    files: {
      'README.md': `# ${OWNER}/${REPO}\n`,
      [APPS]: [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        '  - open-webui-voorbeeld.yaml',
        '',
      ].join('\n'),
      'clusters/haven-sandbox/apps/open-webui-voorbeeld.yaml': [
        'apiVersion: kustomize.toolkit.fluxcd.io/v1',
        'kind: Kustomization',
        'metadata: { name: open-webui-voorbeeld, namespace: flux-system }',
        'spec: { interval: 10m, path: ./apps/haven-sandbox/open-webui-voorbeeld, prune: true, sourceRef: { kind: GitRepository, name: flux-system } }',
        '',
      ].join('\n'),
      'apps/haven-sandbox/open-webui-voorbeeld/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
    },
  };
}

const server = setupDoubleServer();
let double: GitHubDouble;

beforeEach(() => {
  double = createGitHubDouble({
    baseUrl: API,
    token: TOKEN,
    login: 'haven-bot',
    repositories: [fleetRepositorySeed()],
  });
  server.use(...double.handlers);
});

/** The client class the action builds: `Octokit.plugin(createPullRequest)` (githubPullRequest.cjs.js defaultClientFactory). */
const OctokitPR = Octokit.plugin(createPullRequest);

/** The client with the options the action gives it (util.cjs.js getOctokitOptions, plus `throttle: { enabled: false }`). */
function prClient(
  options: { token?: string; retries?: number } = {},
): InstanceType<typeof OctokitPR> {
  return new OctokitPR({
    auth: options.token ?? TOKEN,
    baseUrl: API,
    previews: ['nebula-preview'],
    request: {
      timeout: 60000,
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
    },
    throttle: { enabled: false },
  });
}

/** Files as the action sends them: base64 (githubPullRequest.cjs.js determineFileEncoding). */
const b64 = (text: string) => ({
  mode: '100644',
  encoding: 'base64' as const,
  content: Buffer.from(text).toString('base64'),
});

const NEW_APP = 'apps/haven-sandbox/chat/kustomization.yaml';
const appsWithChat = (extra = '') =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - open-webui-voorbeeld.yaml\n  - chat.yaml${extra}\n`;

const openPr = (
  client: ReturnType<typeof prClient>,
  files: Record<string, unknown>,
  extra: { update?: boolean; title?: string; createWhenEmpty?: boolean } = {},
) =>
  client.createPullRequest({
    owner: OWNER,
    repo: REPO,
    title: extra.title ?? 'Add chat',
    body: 'Adds the chat app',
    head: 'add-chat',
    changes: [
      {
        files: files as Record<string, string>,
        commit: 'Add chat',
        author: { name: 'Scaffolder', email: 'scaffolder@backstage.io' },
      },
    ],
    update: extra.update,
    createWhenEmpty: extra.createWhenEmpty,
  });

describe('the GitHub double, driven by octokit-plugin-create-pull-request as Backstage’s action drives it', () => {
  it('opens a pull request with a changed and a new file on a new branch, making the calls the plugin makes', async () => {
    const before = double.state.files(OWNER, REPO);
    const res = await openPr(prClient(), {
      [APPS]: b64(appsWithChat()),
      [NEW_APP]: b64('resources: []\n'),
    });

    expect(res?.status).toBe(201);
    expect(res?.data).toMatchObject({
      number: 1,
      html_url: 'https://github.com/haven-fleet/fleet/pull/1',
      base: { ref: 'main' },
      head: { ref: 'add-chat', label: 'haven-fleet:add-chat' },
      state: 'open',
      title: 'Add chat',
      commits: 1,
      changed_files: 2,
    });
    expect(double.state.branches(OWNER, REPO)).toEqual(['add-chat', 'main']);
    const files = double.state.files(OWNER, REPO, 'add-chat');
    expect(files[APPS]).toBe(appsWithChat());
    expect(files[NEW_APP]).toBe('resources: []\n');
    expect(files['README.md']).toBe(before['README.md']);
    expect(double.state.files(OWNER, REPO)).toEqual(before);
    expect(double.state.commitCount(OWNER, REPO, 'add-chat')).toBe(2);
    expect(double.state.pulls(OWNER, REPO)).toEqual([
      expect.objectContaining({
        number: 1,
        head: 'add-chat',
        base: 'main',
        state: 'open',
        draft: false,
        body: 'Adds the chat app',
        html_url: 'https://github.com/haven-fleet/fleet/pull/1',
      }),
    ]);
    expect(
      double.requests.map(r => `${r.method} ${r.path} ${r.status}`),
    ).toEqual([
      'GET /repos/haven-fleet/fleet 200',
      'GET /repos/haven-fleet/fleet/commits 200',
      'POST /repos/haven-fleet/fleet/git/blobs 201',
      'POST /repos/haven-fleet/fleet/git/blobs 201',
      'POST /repos/haven-fleet/fleet/git/trees 201',
      'POST /repos/haven-fleet/fleet/git/commits 201',
      'POST /graphql 200',
      'POST /repos/haven-fleet/fleet/git/refs 201',
      'POST /repos/haven-fleet/fleet/pulls 201',
    ]);
  });

  it('with update: true, a second run for the same branch updates that branch and that pull request', async () => {
    const client = prClient();
    const first = await openPr(client, { [APPS]: b64(appsWithChat()) });
    const second = await openPr(
      client,
      { [APPS]: b64(appsWithChat(' # v2')), [NEW_APP]: b64('resources: []\n') },
      { update: true, title: 'Add chat (v2)' },
    );

    expect(second?.status).toBe(200);
    expect(second?.data.number).toBe(first?.data.number);
    expect(double.state.pulls(OWNER, REPO)).toHaveLength(1);
    expect(double.state.pulls(OWNER, REPO)[0]).toMatchObject({
      number: 1,
      title: 'Add chat (v2)',
      state: 'open',
    });
    const files = double.state.files(OWNER, REPO, 'add-chat');
    expect(files[APPS]).toBe(appsWithChat(' # v2'));
    expect(files[NEW_APP]).toBe('resources: []\n');
    // the plugin builds on the base branch and force-moves the head branch
    expect(double.state.commitCount(OWNER, REPO, 'add-chat')).toBe(2);
    expect(double.state.pulls(OWNER, REPO)[0].headSha).toBe(
      double.state.headSha(OWNER, REPO, 'add-chat'),
    );
    expect(
      double.requests.map(r => `${r.method} ${r.path} ${r.status}`),
    ).toEqual(
      expect.arrayContaining([
        'PATCH /repos/haven-fleet/fleet/git/refs/heads%2Fadd-chat 200',
        'PATCH /repos/haven-fleet/fleet/pulls/1 200',
      ]),
    );
  });

  it('a re-run with identical files gives an identical tree: no duplicate content, one commit on the branch, one pull request', async () => {
    const client = prClient();
    const files = {
      [APPS]: b64(appsWithChat()),
      [NEW_APP]: b64('resources: []\n'),
    };
    await openPr(client, files);
    const firstTree = await client.rest.git.getTree({
      owner: OWNER,
      repo: REPO,
      tree_sha: 'add-chat',
      recursive: '1',
    });
    await openPr(client, files, { update: true });
    const secondTree = await client.rest.git.getTree({
      owner: OWNER,
      repo: REPO,
      tree_sha: 'add-chat',
      recursive: '1',
    });

    expect(secondTree.data.sha).toBe(firstTree.data.sha);
    const paths = secondTree.data.tree.map(e => e.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(double.state.commitCount(OWNER, REPO, 'add-chat')).toBe(2);
    expect(double.state.pulls(OWNER, REPO)).toHaveLength(1);
  });

  it('without update: true, a second run stops where the plugin does: the pull request already exists', async () => {
    const client = prClient();
    await openPr(client, { [APPS]: b64(appsWithChat()) });
    await expect(
      openPr(client, { [APPS]: b64(appsWithChat(' # v2')) }),
    ).rejects.toThrow(
      'Pull request already exists: https://github.com/haven-fleet/fleet/pull/1. Set update=true',
    );
  });

  it('deletes a file through DELETE_FILE (HEAD on contents, then sha: null in the tree)', async () => {
    await openPr(prClient(), {
      'README.md': DELETE_FILE,
      'no-such-file.txt': DELETE_FILE,
      [NEW_APP]: b64('resources: []\n'),
    });
    const files = double.state.files(OWNER, REPO, 'add-chat');
    expect(files['README.md']).toBeUndefined();
    expect(files[NEW_APP]).toBe('resources: []\n');
    expect(
      double.requests
        .filter(r => r.method === 'HEAD')
        .map(r => `${r.path} ${r.status}`),
    ).toEqual([
      '/repos/haven-fleet/fleet/contents/README.md 200',
      '/repos/haven-fleet/fleet/contents/no-such-file.txt 404',
    ]);
  });

  it('answers createWhenEmpty: false with no pull request when nothing changes', async () => {
    const readme = double.state.files(OWNER, REPO)['README.md'];
    const res = await openPr(
      prClient(),
      { 'README.md': b64(readme) },
      { createWhenEmpty: false },
    );
    expect(res).toBeNull();
    expect(double.state.pulls(OWNER, REPO)).toEqual([]);
  });
});

describe('the GitHub double under a GitHub Enterprise style base URL', () => {
  it('serves the API under /api/v3 and GraphQL at /api/graphql, where octokit sends it', async () => {
    const ghe = createGitHubDouble({
      baseUrl: 'http://ghe.double.test/api/v3',
      token: TOKEN,
      repositories: [fleetRepositorySeed()],
    });
    server.use(...ghe.handlers);
    const client = new OctokitPR({
      auth: TOKEN,
      baseUrl: 'http://ghe.double.test/api/v3',
      throttle: { enabled: false },
    });
    const res = await openPr(client, { [NEW_APP]: b64('resources: []\n') });
    expect(res?.data.number).toBe(1);
    expect(ghe.requests.map(r => r.path)).toContain('/api/graphql');
    expect(ghe.requests.map(r => r.path)).toContain(
      '/api/v3/repos/haven-fleet/fleet/pulls',
    );
  });
});

describe('the GitHub double’s errors, shaped as GitHub’s', () => {
  const octokit = (token = TOKEN) =>
    new Octokit({
      auth: token,
      baseUrl: API,
      throttle: { enabled: false },
      request: { retries: 0 },
    });

  it('answers a token it does not know with 401 Bad credentials, whatever the Authorization scheme', async () => {
    const err = await octokit('wrong')
      .rest.repos.get({ owner: OWNER, repo: REPO })
      .catch(e => e);
    expect(err.status).toBe(401);
    expect(err.response.data).toMatchObject({
      message: 'Bad credentials',
      documentation_url: expect.stringMatching(
        /^https:\/\/docs\.github\.com\/rest/,
      ),
    });
    for (const scheme of ['token', 'Bearer']) {
      const res = await fetch(`${API}/repos/${OWNER}/${REPO}`, {
        headers: { authorization: `${scheme} wrong` },
      });
      expect(res.status).toBe(401);
      const ok = await fetch(`${API}/repos/${OWNER}/${REPO}`, {
        headers: { authorization: `${scheme} ${TOKEN}` },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-oauth-scopes')).toBe('repo');
    }
    expect(double.requests.every(r => !JSON.stringify(r).includes(TOKEN))).toBe(
      true,
    );
  });

  it('answers an unknown repository, ref, or a private repository without a token with 404 Not Found', async () => {
    const unknown = await octokit()
      .rest.repos.get({ owner: OWNER, repo: 'nope' })
      .catch(e => e);
    expect(unknown.status).toBe(404);
    expect(unknown.response.data).toMatchObject({
      message: 'Not Found',
      documentation_url:
        'https://docs.github.com/rest/repos/repos#get-a-repository',
      status: '404',
    });
    const ref = await octokit()
      .rest.git.getRef({ owner: OWNER, repo: REPO, ref: 'heads/nope' })
      .catch(e => e);
    expect(ref.status).toBe(404);
    const anonymous = await fetch(`${API}/repos/${OWNER}/${REPO}`);
    expect(anonymous.status).toBe(404);
  });

  it('answers 422 Reference already exists, and 422 for a second pull request for the same head', async () => {
    const client = octokit();
    const main = double.state.headSha(OWNER, REPO) as string;
    await client.rest.git.createRef({
      owner: OWNER,
      repo: REPO,
      ref: 'refs/heads/x',
      sha: main,
    });
    const again = await client.rest.git
      .createRef({ owner: OWNER, repo: REPO, ref: 'refs/heads/x', sha: main })
      .catch(e => e);
    expect(again.status).toBe(422);
    expect(again.response.data.message).toBe('Reference already exists');

    const noCommits = await client.rest.pulls
      .create({ owner: OWNER, repo: REPO, head: 'x', base: 'main', title: 't' })
      .catch(e => e);
    expect(noCommits.status).toBe(422);
    expect(noCommits.response.data.errors).toEqual([
      {
        resource: 'PullRequest',
        code: 'custom',
        message: 'No commits between main and x',
      },
    ]);

    await openPr(prClient(), { [APPS]: b64(appsWithChat()) });
    const duplicate = await client.rest.pulls
      .create({
        owner: OWNER,
        repo: REPO,
        head: `${OWNER}:add-chat`,
        base: 'main',
        title: 't',
      })
      .catch(e => e);
    expect(duplicate.status).toBe(422);
    expect(duplicate.response.data).toMatchObject({
      message: 'Validation Failed',
      errors: [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: 'A pull request already exists for haven-fleet:add-chat.',
        },
      ],
    });
    const unknownBase = await client.rest.pulls
      .create({
        owner: OWNER,
        repo: REPO,
        head: 'add-chat',
        base: 'nope',
        title: 't',
      })
      .catch(e => e);
    expect(unknownBase.response.data.errors).toEqual([
      { resource: 'PullRequest', field: 'base', code: 'invalid' },
    ]);
  });

  it('refuses a non-fast-forward ref update unless forced', async () => {
    const client = octokit();
    await openPr(prClient(), { [APPS]: b64(appsWithChat()) });
    const main = double.state.headSha(OWNER, REPO) as string;
    const refused = await client.rest.git
      .updateRef({ owner: OWNER, repo: REPO, ref: 'heads/add-chat', sha: main })
      .catch(e => e);
    expect(refused.status).toBe(422);
    expect(refused.response.data.message).toBe('Update is not a fast forward');
    const forced = await client.rest.git.updateRef({
      owner: OWNER,
      repo: REPO,
      ref: 'heads/add-chat',
      sha: main,
      force: true,
    });
    expect(forced.data.object.sha).toBe(main);
  });

  it('computes the shas git computes for blobs, trees and commits', async () => {
    const local = createGitHubDouble({
      baseUrl: 'http://git.double.test',
      token: TOKEN,
      repositories: [
        {
          owner: 'o',
          name: 'r',
          files: { 'README.md': 'hello\n', 'a/b/c.txt': 'x', 'a.txt': 'y' },
        },
      ],
    });
    server.use(...local.handlers);
    const client = new Octokit({
      auth: TOKEN,
      baseUrl: 'http://git.double.test',
      throttle: { enabled: false },
    });
    const blob = await client.rest.git.createBlob({
      owner: 'o',
      repo: 'r',
      content: 'hello\n',
    });
    // `printf 'hello\n' | git hash-object --stdin`
    expect(blob.data.sha).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    const head = await client.rest.repos.listCommits({
      owner: 'o',
      repo: 'r',
      per_page: 1,
    });
    // `git write-tree` of the same three files
    expect(head.data[0].commit.tree.sha).toBe(
      '5daad8670d37aa79f3a9d4deb5059dcd58f4c2eb',
    );
    const commit = await client.rest.git.createCommit({
      owner: 'o',
      repo: 'r',
      message: 'Initial commit\n',
      tree: '5daad8670d37aa79f3a9d4deb5059dcd58f4c2eb',
      parents: [],
      author: {
        name: 'Haven sandbox',
        email: 'sandbox@haven.invalid',
        date: '2025-01-01T00:00:00Z',
      },
    });
    // `git commit-tree` with the same author, committer and dates
    expect(commit.data.sha).toBe('3d0b0f7ba97a65b93bf2efd58332ad7b1e692b09');
  });
});

describe('the GitHub double’s faults', () => {
  it('fails the pull request call on an injected 502 on the trees route, then heals', async () => {
    double.faults.inject({
      method: 'POST',
      path: '/repos/haven-fleet/fleet/git/trees',
      status: 502,
      times: 1,
    });
    const client = prClient({ retries: 0 });
    const err = await openPr(client, { [APPS]: b64(appsWithChat()) }).catch(
      e => e,
    );
    expect(err.status).toBe(502);
    expect(err.response.data).toMatchObject({
      message: 'Server Error',
      status: '502',
    });
    expect(double.state.branches(OWNER, REPO)).toEqual(['main']);

    const res = await openPr(client, { [APPS]: b64(appsWithChat()) });
    expect(res?.data.number).toBe(1);
    expect(double.faults.active()).toEqual([]);
  });

  it('drops the connection on an injected reset, recorded with status 0, then heals', async () => {
    double.faults.inject({
      path: '/repos/haven-fleet/fleet/git/trees',
      reset: true,
      times: 1,
    });
    const client = prClient({ retries: 0 });
    await expect(
      openPr(client, { [APPS]: b64(appsWithChat()) }),
    ).rejects.toThrow();
    expect(
      double.requests.find(r => r.path.endsWith('/git/trees'))?.status,
    ).toBe(0);
    await expect(
      openPr(client, { [APPS]: b64(appsWithChat()) }),
    ).resolves.toMatchObject({
      data: { number: 1 },
    });
  });

  it('adds injected latency', async () => {
    double.faults.inject({
      path: '/repos/haven-fleet/fleet',
      latencyMs: 150,
      times: 1,
    });
    const started = Date.now();
    await prClient().rest.repos.get({ owner: OWNER, repo: REPO });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('Backstage’s publish:github:pull-request action against the double', () => {
  const workspace = createMockDirectory();
  const integrations = ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: {
        github: [{ host: 'github.com', apiBaseUrl: API, token: TOKEN }],
      },
    }),
  );
  const action = createPublishGithubPullRequestAction({
    integrations,
    githubCredentialsProvider:
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    config: new ConfigReader({}),
  });
  const run = async (input: Record<string, unknown>) => {
    const ctx = createMockActionContext({
      input: {
        repoUrl: 'github.com?repo=fleet&owner=haven-fleet',
        branchName: 'haven/chat',
        title: 'Add chat',
        description: 'Adds the chat app to haven-sandbox',
        ...input,
      } as any,
      workspacePath: workspace.path,
    });
    await action.handler(ctx as any);
    return ctx;
  };

  beforeEach(() => {
    workspace.setContent({
      [APPS]: appsWithChat(),
      [NEW_APP]: 'resources: []\n',
    });
  });

  it('opens the pull request, requests reviewers and outputs the link Backstage shows', async () => {
    const ctx = await run({
      reviewers: ['reviewer-a'],
      teamReviewers: ['platform'],
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'remoteUrl',
      'https://github.com/haven-fleet/fleet/pull/1',
    );
    expect(ctx.output).toHaveBeenCalledWith('pullRequestNumber', 1);
    expect(ctx.output).toHaveBeenCalledWith('targetBranchName', 'main');
    expect(double.state.pulls(OWNER, REPO)[0]).toMatchObject({
      head: 'haven/chat',
      requestedReviewers: ['reviewer-a'],
      requestedTeams: ['platform'],
    });
    expect(double.state.files(OWNER, REPO, 'haven/chat')[NEW_APP]).toBe(
      'resources: []\n',
    );
  });

  it('deletes filesToDelete in nested folders (HEAD on the encoded path, then sha: null); a re-run deletes nothing more', async () => {
    const APP_YAML = 'clusters/haven-sandbox/apps/open-webui-voorbeeld.yaml';
    const APP_DIR =
      'apps/haven-sandbox/open-webui-voorbeeld/kustomization.yaml';
    workspace.setContent({
      [APPS]:
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
    });
    const input = {
      filesToDelete: [APP_YAML, APP_DIR, 'apps/haven-sandbox/never/there.yaml'],
      update: true,
    };
    await run(input);
    const files = double.state.files(OWNER, REPO, 'haven/chat');
    expect(files[APP_YAML]).toBeUndefined();
    expect(files[APP_DIR]).toBeUndefined();
    expect(files['README.md']).toBeDefined();
    // The base branch keeps them until the merge.
    expect(double.state.files(OWNER, REPO)[APP_YAML]).toBeDefined();
    // octokit-plugin-create-pull-request HEADs each path first, percent-encoded.
    expect(
      double.requests
        .filter(r => r.method === 'HEAD')
        .map(r => `${decodeURIComponent(r.path)} ${r.status}`),
    ).toEqual([
      `/repos/haven-fleet/fleet/contents/${APP_YAML} 200`,
      `/repos/haven-fleet/fleet/contents/${APP_DIR} 200`,
      '/repos/haven-fleet/fleet/contents/apps/haven-sandbox/never/there.yaml 404',
    ]);
    const head = double.state.headSha(OWNER, REPO, 'haven/chat');
    await run(input);
    expect(double.state.files(OWNER, REPO, 'haven/chat')).toEqual(files);
    expect(double.state.pulls(OWNER, REPO)).toHaveLength(1);
    expect(head).toBeDefined();
  });

  it('re-runs with update: true onto the same branch and pull request', async () => {
    await run({ update: true });
    workspace.addContent({ [APPS]: appsWithChat(' # v2') });
    const ctx = await run({ update: true, title: 'Add chat (v2)' });
    expect(ctx.output).toHaveBeenCalledWith('pullRequestNumber', 1);
    expect(double.state.pulls(OWNER, REPO)).toEqual([
      expect.objectContaining({ number: 1, title: 'Add chat (v2)' }),
    ]);
    expect(double.state.files(OWNER, REPO, 'haven/chat')[APPS]).toBe(
      appsWithChat(' # v2'),
    );
  });

  it('rides out one 502 on the trees route through octokit’s retry plugin', async () => {
    double.faults.inject({
      method: 'POST',
      path: '/repos/haven-fleet/fleet/git/trees',
      status: 502,
      times: 1,
    });
    const ctx = await run({});
    expect(ctx.output).toHaveBeenCalledWith('pullRequestNumber', 1);
    expect(
      double.requests
        .filter(r => r.path.endsWith('/git/trees'))
        .map(r => r.status),
    ).toEqual([502, 201]);
  });
});

describe('Backstage’s GithubUrlReader against the double', () => {
  const config = new ConfigReader({
    integrations: {
      github: [{ host: 'github.com', apiBaseUrl: API, token: TOKEN }],
    },
  });
  const reader = UrlReaders.default({
    config,
    logger: mockServices.logger.mock(),
  });
  const integrations = ScmIntegrations.fromConfig(config);
  const out = createMockDirectory();

  beforeEach(() => out.clear());

  it('reads a blob URL through the contents API with the raw media type, and answers its etag with 304', async () => {
    const url = `https://github.com/${OWNER}/${REPO}/blob/main/${APPS}`;
    const res = await reader.readUrl(url);
    const text = (await res.buffer()).toString('utf8');
    expect(text).toBe(fleetRepositorySeed().files[APPS]);
    expect(double.requests.at(-1)).toEqual({
      method: 'GET',
      path: `/repos/${OWNER}/${REPO}/contents/${APPS}`,
      status: 200,
    });
    expect(res.etag).toBeTruthy();
    await expect(reader.readUrl(url, { etag: res.etag })).rejects.toMatchObject(
      {
        name: 'NotModifiedError',
      },
    );
    await expect(
      reader.readUrl(`https://github.com/${OWNER}/${REPO}/blob/main/nope.yaml`),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('fetches a file as fetch:plain:file does (fetchFile)', async () => {
    await fetchFile({
      reader,
      integrations,
      fetchUrl: `https://github.com/${OWNER}/${REPO}/blob/main/README.md`,
      outputPath: out.resolve('README.md'),
    });
    expect(fs.readFileSync(out.resolve('README.md'), 'utf8')).toBe(
      fleetRepositorySeed().files['README.md'],
    );
  });

  it('reads a tree URL from the tarball as fetch:plain does (fetchContents)', async () => {
    await fetchContents({
      reader,
      integrations,
      fetchUrl: `https://github.com/${OWNER}/${REPO}/tree/main/clusters/haven-sandbox`,
      outputPath: out.resolve('cluster'),
    });
    expect(fs.readdirSync(out.resolve('cluster/apps')).sort()).toEqual([
      'kustomization.yaml',
      'open-webui-voorbeeld.yaml',
    ]);
    expect(
      fs.readFileSync(
        path.join(out.resolve('cluster/apps'), 'kustomization.yaml'),
        'utf8',
      ),
    ).toBe(fleetRepositorySeed().files[APPS]);
    expect(
      double.requests.map(r => `${r.method} ${r.path} ${r.status}`),
    ).toEqual([
      `GET /repos/${OWNER}/${REPO}/commits/main/status 200`,
      `GET /repos/${OWNER}/${REPO}/tarball/${double.state.headSha(
        OWNER,
        REPO,
      )} 302`,
      `GET /_codeload/${OWNER}/${REPO}/legacy.tar.gz/${double.state.headSha(
        OWNER,
        REPO,
      )} 200`,
    ]);
  });

  it('searches with a glob through the recursive tree and the blobs', async () => {
    const res = await reader.search(
      `https://github.com/${OWNER}/${REPO}/blob/main/**/*.yaml`,
    );
    expect(res.etag).toBe(double.state.headSha(OWNER, REPO));
    expect(res.files.map(f => f.url).sort()).toEqual(
      Object.keys(fleetRepositorySeed().files)
        .filter(p => p.endsWith('.yaml'))
        .map(p => `https://github.com/${OWNER}/${REPO}/blob/main/${p}`)
        .sort(),
    );
    const apps = res.files.find(f => f.url.endsWith(APPS));
    expect((await apps!.content()).toString('utf8')).toBe(
      fleetRepositorySeed().files[APPS],
    );
  });
});

describe('merging a pull request (PUT /pulls/{n}/merge)', () => {
  // octokit's retry plugin would retry the 405/409 answers below (it spares 400, 401, 403, 404, 422, 451)
  it('merges the head into the base branch and closes the pull request', async () => {
    const client = prClient({ retries: 0 });
    await openPr(client, {
      [APPS]: b64(appsWithChat()),
      [NEW_APP]: b64('resources: []\n'),
    });
    const res = await client.rest.pulls.merge({
      owner: OWNER,
      repo: REPO,
      pull_number: 1,
    });
    expect(res.data).toMatchObject({
      merged: true,
      message: 'Pull Request successfully merged',
    });
    expect(double.state.headSha(OWNER, REPO)).toBe(res.data.sha);
    expect(double.state.files(OWNER, REPO)[NEW_APP]).toBe('resources: []\n');
    expect(double.state.files(OWNER, REPO)[APPS]).toBe(appsWithChat());
    expect(double.state.pulls(OWNER, REPO)[0]).toMatchObject({
      state: 'closed',
      merged: true,
    });
    expect(double.state.commitCount(OWNER, REPO)).toBe(3); // seed, PR commit, merge commit

    const again = await client.rest.pulls
      .merge({ owner: OWNER, repo: REPO, pull_number: 1 })
      .catch(e => e);
    expect(again.status).toBe(405);
    expect(again.response.data.message).toBe('Pull Request is not mergeable');
  });

  it('refuses to merge when the base branch changed the same file (405) or the head moved (409)', async () => {
    const client = prClient({ retries: 0 });
    await openPr(client, { [APPS]: b64(appsWithChat()) });
    const pr = await client.rest.pulls.get({
      owner: OWNER,
      repo: REPO,
      pull_number: 1,
    });
    const moved = await client.rest.pulls
      .merge({
        owner: OWNER,
        repo: REPO,
        pull_number: 1,
        sha: double.state.headSha(OWNER, REPO),
      })
      .catch(e => e);
    expect(moved.status).toBe(409);

    // another pull request changes the same file differently and is merged first
    await client.createPullRequest({
      owner: OWNER,
      repo: REPO,
      title: 'Other',
      body: '',
      head: 'other',
      changes: [{ files: { [APPS]: 'resources: []\n' }, commit: 'Other' }],
    });
    await client.rest.pulls.merge({ owner: OWNER, repo: REPO, pull_number: 2 });
    const conflicted = await client.rest.pulls
      .merge({
        owner: OWNER,
        repo: REPO,
        pull_number: 1,
        sha: pr.data.head.sha,
      })
      .catch(e => e);
    expect(conflicted.status).toBe(405);
    const after = await client.rest.pulls.get({
      owner: OWNER,
      repo: REPO,
      pull_number: 1,
    });
    expect(after.data).toMatchObject({
      mergeable: false,
      mergeable_state: 'dirty',
    });
  });
});
