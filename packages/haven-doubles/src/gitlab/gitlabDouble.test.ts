/* eslint-disable @backstage/no-undeclared-imports -- The real Backstage
 * clients these tests drive are hoisted in the monorepo but not
 * devDependencies of this package: @backstage/plugin-scaffolder-backend-module-gitlab
 * (and @gitbeaker/rest under it), like the GitHub double's test's clients.
 * Remove this line once they are declared. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { createPublishGitlabMergeRequestAction } from '@backstage/plugin-scaffolder-backend-module-gitlab';
import { fetchContents, fetchFile } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { setupDoubleServer } from '../contractServer';
import {
  createGitLabDouble,
  type GitLabDouble,
  type GitLabProjectSeed,
} from './gitlabDouble';

const BASE = 'http://gitlab.double.test';
const API = `${BASE}/api/v4`;
const TOKEN = 'glpat-test-token';
const PROJECT = 'haven-fleet/fleet';
const ID = encodeURIComponent(PROJECT);
const APPS = 'clusters/haven-sandbox/apps/kustomization.yaml';
const NEW_APP = 'apps/haven-sandbox/chat/kustomization.yaml';

/** The fleet repository's files at start: one cluster, one app. */
const SEED_FILES: Record<string, string> = {
  'README.md': '# haven-fleet/fleet\n',
  [APPS]:
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - open-webui-voorbeeld.yaml\n',
  'clusters/haven-sandbox/apps/open-webui-voorbeeld.yaml':
    'kind: Kustomization\n',
};
const fleet: GitLabProjectSeed = {
  namespace: 'haven-fleet',
  path: 'fleet',
  message: 'Fleet repository',
  files: SEED_FILES,
};

/** Backstage's GitLab integration for the double's host (baseUrl: gitbeaker's host). */
const GITLAB_CONFIG = new ConfigReader({
  integrations: {
    gitlab: [
      {
        host: 'gitlab.double.test',
        baseUrl: BASE,
        apiBaseUrl: API,
        token: TOKEN,
      },
    ],
  },
});

const server = setupDoubleServer();
const startDouble = () => {
  const started = createGitLabDouble({
    baseUrl: BASE,
    token: TOKEN,
    projects: [fleet],
    now: () => new Date('2025-06-01T12:00:00Z'),
  });
  server.use(...started.handlers);
  return started;
};
let double: GitLabDouble;
beforeEach(() => {
  double = startDouble();
});

async function call(
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = { 'private-token': TOKEN },
): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${API}${route}`, {
    method,
    headers: {
      ...headers,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json: any = text;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // raw file contents
  }
  return { status: res.status, json, headers: res.headers };
}

describe('the GitLab double: authentication and projects', () => {
  it('takes PRIVATE-TOKEN and Authorization: Bearer, answers 401 to any other token and 404 to anonymous callers of a private project', async () => {
    expect((await call('GET', `/projects/${ID}`)).json).toMatchObject({
      id: 1,
      path_with_namespace: PROJECT,
      default_branch: 'main',
      web_url: `${BASE}/${PROJECT}`,
    });
    expect(
      (
        await call('GET', '/projects/1', undefined, {
          authorization: `Bearer ${TOKEN}`,
        })
      ).status,
    ).toBe(200);
    expect(
      await call('GET', `/projects/${ID}`, undefined, {
        'private-token': 'wrong',
      }),
    ).toMatchObject({ status: 401, json: { message: '401 Unauthorized' } });
    expect(
      await call('GET', `/projects/${ID}`, undefined, {
        authorization: 'Basic abc',
      }),
    ).toMatchObject({ status: 401 });
    expect(await call('GET', `/projects/${ID}`, undefined, {})).toMatchObject({
      status: 404,
      json: { message: '404 Project Not Found' },
    });
    expect(
      await call('GET', `/projects/${encodeURIComponent('haven-fleet/nope')}`),
    ).toMatchObject({
      status: 404,
      json: { message: '404 Project Not Found' },
    });
    // no token anywhere in what the double records
    expect(JSON.stringify(double.requests)).not.toContain(TOKEN);
  });
});

describe('the GitLab double: branches, files, tree and commits', () => {
  it('creates a branch once; a second create is 400 Branch already exists, an unknown ref 400 Invalid reference name', async () => {
    const created = await call('POST', `/projects/${ID}/repository/branches`, {
      branch: 'haven/chat',
      ref: 'main',
    });
    expect(created).toMatchObject({
      status: 201,
      json: {
        name: 'haven/chat',
        default: false,
        commit: { id: double.state.headSha(PROJECT) },
        web_url: `${BASE}/${PROJECT}/-/tree/haven/chat`,
      },
    });
    const refusals: Array<[Record<string, string>, object]> = [
      [
        { branch: 'haven/chat', ref: 'main' },
        { message: 'Branch already exists' },
      ],
      [
        { branch: 'other', ref: 'nope' },
        { message: 'Invalid reference name: nope' },
      ],
      [{ ref: 'main' }, { error: 'branch is missing' }],
      [{ branch: 'a..b', ref: 'main' }, { message: 'Branch name is invalid' }],
    ];
    for (const [body, answer] of refusals) {
      expect([
        body,
        await call('POST', `/projects/${ID}/repository/branches`, body),
      ]).toEqual([
        body,
        expect.objectContaining({ status: 400, json: answer }),
      ]);
    }
    expect(
      await call(
        'GET',
        `/projects/${ID}/repository/branches/${encodeURIComponent(
          'haven/chat',
        )}`,
      ),
    ).toMatchObject({ status: 200, json: { name: 'haven/chat' } });
    expect(
      await call('GET', `/projects/${ID}/repository/branches/nope`),
    ).toMatchObject({ status: 404, json: { message: '404 Branch Not Found' } });
    expect(double.state.branches(PROJECT)).toEqual(['haven/chat', 'main']);
  });

  it('commits actions to a branch with the errors of GitLab’s commit service', async () => {
    const commit = (branch: string, actions: unknown[], extra = {}) =>
      call('POST', `/projects/${ID}/repository/commits`, {
        branch,
        commit_message: 'Add chat',
        actions,
        ...extra,
      });
    expect(
      await commit('haven/chat', [
        { action: 'create', file_path: NEW_APP, content: 'x' },
      ]),
    ).toMatchObject({
      status: 400,
      json: {
        message: 'You can only create or edit files when you are on a branch',
      },
    });
    const created = await commit(
      'haven/chat',
      [
        {
          action: 'create',
          file_path: NEW_APP,
          encoding: 'base64',
          content: Buffer.from('resources: []\n').toString('base64'),
        },
        { action: 'update', file_path: APPS, content: 'resources: [chat]\n' },
        { action: 'delete', file_path: 'README.md' },
      ],
      { start_branch: 'main' },
    );
    expect(created).toMatchObject({
      status: 201,
      json: {
        title: 'Add chat',
        parent_ids: [double.state.headSha(PROJECT)],
        author_name: 'haven-bot',
      },
    });
    expect(created.json.id).toBe(double.state.headSha(PROJECT, 'haven/chat'));
    const files = double.state.files(PROJECT, 'haven/chat');
    expect(files[NEW_APP]).toBe('resources: []\n');
    expect(files[APPS]).toBe('resources: [chat]\n');
    expect(files['README.md']).toBeUndefined();
    expect(double.state.files(PROJECT)['README.md']).toBeDefined();

    expect(
      await commit('haven/chat', [
        { action: 'create', file_path: NEW_APP, content: 'again' },
      ]),
    ).toMatchObject({
      status: 400,
      json: { message: 'A file with this name already exists' },
    });
    expect(
      await commit('haven/chat', [
        { action: 'update', file_path: 'nope.yaml', content: 'x' },
      ]),
    ).toMatchObject({
      status: 400,
      json: { message: "A file with this name doesn't exist" },
    });
    expect(
      await commit('haven/chat', [{ action: 'rename', file_path: 'x' }]),
    ).toMatchObject({
      status: 400,
      json: { error: 'actions[0][action] does not have a valid value' },
    });
    // nothing of a refused commit was applied
    expect(double.state.commitCount(PROJECT, 'haven/chat')).toBe(2);
  });

  it('lists the tree with git blob ids, pages it with GitLab’s headers, and serves files and raw files', async () => {
    const tree = await call(
      'GET',
      `/projects/${ID}/repository/tree?ref=main&recursive=true&per_page=2`,
    );
    expect(tree.status).toBe(200);
    expect(tree.json).toHaveLength(2);
    expect(tree.headers.get('x-total')).toBe('6');
    expect(tree.headers.get('x-total-pages')).toBe('3');
    expect(tree.headers.get('x-next-page')).toBe('2');
    expect(tree.headers.get('link')).toContain('rel="next"');
    const all = await call(
      'GET',
      `/projects/${ID}/repository/tree?ref=main&recursive=true&per_page=100`,
    );
    const readme = all.json.find((e: any) => e.path === 'README.md');
    // git hash-object of "# haven-fleet/fleet\n"
    const content = SEED_FILES['README.md'];
    expect(readme).toEqual({
      id: createHash('sha1')
        .update(`blob ${Buffer.byteLength(content)}\0${content}`)
        .digest('hex'),
      name: 'README.md',
      type: 'blob',
      path: 'README.md',
      mode: '100644',
    });
    // folders before files on each level
    expect(all.json.map((e: any) => `${e.type} ${e.path}`)).toEqual([
      'tree clusters',
      'tree clusters/haven-sandbox',
      'tree clusters/haven-sandbox/apps',
      `blob ${APPS}`,
      'blob clusters/haven-sandbox/apps/open-webui-voorbeeld.yaml',
      'blob README.md',
    ]);
    expect(
      await call('GET', `/projects/${ID}/repository/tree?ref=nope`),
    ).toMatchObject({ status: 404, json: { message: '404 Tree Not Found' } });

    const file = await call(
      'GET',
      `/projects/${ID}/repository/files/${encodeURIComponent(APPS)}?ref=main`,
    );
    expect(file.json).toMatchObject({
      file_path: APPS,
      file_name: 'kustomization.yaml',
      encoding: 'base64',
      ref: 'main',
      last_commit_id: double.state.headSha(PROJECT),
    });
    expect(Buffer.from(file.json.content, 'base64').toString('utf8')).toBe(
      SEED_FILES[APPS],
    );
    const raw = await call(
      'GET',
      `/projects/${ID}/repository/files/${encodeURIComponent(
        APPS,
      )}/raw?ref=main`,
    );
    expect(raw.json).toBe(SEED_FILES[APPS]);
    expect(
      await call(
        'GET',
        `/projects/${ID}/repository/files/${encodeURIComponent(
          'nope.yaml',
        )}/raw?ref=main`,
      ),
    ).toMatchObject({ status: 404, json: { message: '404 File Not Found' } });
  });
});

describe('the GitLab double: merge requests', () => {
  beforeEach(async () => {
    await call('POST', `/projects/${ID}/repository/branches`, {
      branch: 'haven/chat',
      ref: 'main',
    });
    await call('POST', `/projects/${ID}/repository/commits`, {
      branch: 'haven/chat',
      commit_message: 'Add chat',
      actions: [{ action: 'create', file_path: NEW_APP, content: 'x\n' }],
    });
  });

  const open = () =>
    call('POST', `/projects/${ID}/merge_requests`, {
      source_branch: 'haven/chat',
      target_branch: 'main',
      title: 'Add chat',
      description: 'Adds the chat app',
    });

  it('opens one merge request per source branch: a second is 409 with GitLab’s message array', async () => {
    expect(await open()).toMatchObject({
      status: 201,
      json: {
        iid: 1,
        state: 'opened',
        source_branch: 'haven/chat',
        target_branch: 'main',
        web_url: `${BASE}/${PROJECT}/-/merge_requests/1`,
        detailed_merge_status: 'mergeable',
        sha: double.state.headSha(PROJECT, 'haven/chat'),
      },
    });
    expect(await open()).toMatchObject({
      status: 409,
      json: {
        message: [
          'Another open merge request already exists for this source branch: !1',
        ],
      },
    });
    const listed = await call(
      'GET',
      `/projects/${ID}/merge_requests?source_branch=${encodeURIComponent(
        'haven/chat',
      )}&state=opened`,
    );
    expect(listed.json.map((m: any) => m.iid)).toEqual([1]);
    expect(
      (await call('GET', `/projects/${ID}/merge_requests?source_branch=other`))
        .json,
    ).toEqual([]);
    expect(double.state.mergeRequests(PROJECT)).toHaveLength(1);
  });

  it('updates a merge request’s title and description, and refuses an empty update', async () => {
    await open();
    expect(
      await call('PUT', `/projects/${ID}/merge_requests/1`, {
        title: 'Add chat (v2)',
        description: 'v2',
      }),
    ).toMatchObject({
      status: 200,
      json: { iid: 1, title: 'Add chat (v2)', description: 'v2' },
    });
    expect(
      (await call('PUT', `/projects/${ID}/merge_requests/1`, {})).status,
    ).toBe(400);
    expect(await call('GET', `/projects/${ID}/merge_requests/9`)).toMatchObject(
      {
        status: 404,
        json: { message: '404 Merge Request Not Found' },
      },
    );
  });

  it('merges into the target branch, then refuses to merge again with 405', async () => {
    await open();
    const merged = await call('PUT', `/projects/${ID}/merge_requests/1/merge`, {
      should_remove_source_branch: true,
    });
    expect(merged).toMatchObject({ status: 200, json: { state: 'merged' } });
    expect(double.state.files(PROJECT)[NEW_APP]).toBe('x\n');
    expect(double.state.branches(PROJECT)).toEqual(['main']);
    expect(
      (await call('PUT', `/projects/${ID}/merge_requests/1/merge`)).status,
    ).toBe(405);
  });

  it('answers an injected fault with GitLab’s error body, then heals', async () => {
    double.faults.inject({
      method: 'POST',
      path: `/projects/${ID}/merge_requests`,
      status: 500,
      times: 1,
    });
    expect(await open()).toMatchObject({
      status: 500,
      json: { message: '500 Internal Server Error' },
    });
    expect((await open()).status).toBe(201);
  });
});

describe('Backstage’s publish:gitlab:merge-request against the double', () => {
  const integrations = ScmIntegrations.fromConfig(GITLAB_CONFIG);
  const action = createPublishGitlabMergeRequestAction({ integrations });
  const workspace = createMockDirectory();
  const run = async (input: Record<string, unknown> = {}) => {
    const ctx = createMockActionContext({
      input: {
        repoUrl: 'gitlab.double.test?owner=haven-fleet&repo=fleet',
        branchName: 'haven/chat',
        targetBranchName: 'main',
        title: 'Add chat',
        description: 'Adds the chat app',
        ...input,
      } as any,
      workspacePath: workspace.path,
    });
    await action.handler(ctx as any);
    return ctx;
  };

  beforeEach(() => {
    workspace.setContent({
      [APPS]: 'resources: [chat]\n',
      [NEW_APP]: 'resources: []\n',
    });
  });

  it('creates the branch, one commit (update for a file main has, create for a new one) and the merge request', async () => {
    const ctx = await run();
    expect(ctx.output).toHaveBeenCalledWith(
      'mergeRequestUrl',
      `${BASE}/${PROJECT}/-/merge_requests/1`,
    );
    expect(double.state.mergeRequests(PROJECT)).toEqual([
      expect.objectContaining({ iid: 1, sourceBranch: 'haven/chat' }),
    ]);
    const files = double.state.files(PROJECT, 'haven/chat');
    expect(files[APPS]).toBe('resources: [chat]\n');
    expect(files[NEW_APP]).toBe('resources: []\n');
    expect(double.state.commitCount(PROJECT, 'haven/chat')).toBe(2);
    expect(
      double.requests.map(r => `${r.method} ${r.path} ${r.status}`),
    ).toEqual([
      `GET /api/v4/projects/${ID}/repository/tree 200`,
      `GET /api/v4/projects/${ID}/repository/branches/haven%2Fchat 404`,
      `POST /api/v4/projects/${ID}/repository/branches 201`,
      `POST /api/v4/projects/${ID}/repository/commits 201`,
      `POST /api/v4/projects/${ID}/merge_requests 201`,
    ]);
  });

  it('stops a re-run with changed files where the installed action does: the branch already exists', async () => {
    await run();
    workspace.addContent({ [NEW_APP]: 'resources: [v2]\n' });
    await expect(run()).rejects.toThrow(
      `The branch creation failed because the branch already exists at: ${BASE}/${PROJECT}/-/tree/haven/chat. Additionally, there is a Merge Request for this branch: ${BASE}/${PROJECT}/-/merge_requests/1`,
    );
    expect(double.state.mergeRequests(PROJECT)).toHaveLength(1);
  });
});

describe('Backstage’s GitlabUrlReader against the double', () => {
  const config = GITLAB_CONFIG;
  const reader = UrlReaders.default({
    config,
    logger: mockServices.logger.mock(),
  });
  const integrations = ScmIntegrations.fromConfig(config);
  const out = createMockDirectory();

  beforeEach(() => out.clear());

  it('reads a blob URL through the raw file endpoint with a Bearer token, 404 as NotFoundError', async () => {
    const res = await reader.readUrl(`${BASE}/${PROJECT}/-/blob/main/${APPS}`);
    expect((await res.buffer()).toString('utf8')).toBe(SEED_FILES[APPS]);
    expect(double.requests.at(-1)).toEqual({
      method: 'GET',
      path: `/api/v4/projects/${ID}/repository/files/${encodeURIComponent(
        APPS,
      )}/raw`,
      status: 200,
    });
    await expect(
      reader.readUrl(`${BASE}/${PROJECT}/-/blob/main/nope.yaml`),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('fetches a file as fetch:plain:file does, and a folder as fetch:plain does (project, commits, archive)', async () => {
    await fetchFile({
      reader,
      integrations,
      fetchUrl: `${BASE}/${PROJECT}/-/blob/main/README.md`,
      outputPath: out.resolve('README.md'),
    });
    expect(fs.readFileSync(out.resolve('README.md'), 'utf8')).toBe(
      SEED_FILES['README.md'],
    );
    await fetchContents({
      reader,
      integrations,
      fetchUrl: `${BASE}/${PROJECT}/-/tree/main/clusters/haven-sandbox`,
      outputPath: out.resolve('cluster'),
    });
    expect(fs.readdirSync(out.resolve('cluster/apps')).sort()).toEqual([
      'kustomization.yaml',
      'open-webui-voorbeeld.yaml',
    ]);
    expect(
      double.requests.slice(-3).map(r => `${r.method} ${r.path} ${r.status}`),
    ).toEqual([
      `GET /api/v4/projects/${ID} 200`,
      `GET /api/v4/projects/${ID}/repository/commits 200`,
      `GET /api/v4/projects/${ID}/repository/archive 200`,
    ]);
  });
});
