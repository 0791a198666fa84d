import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  createGitLabDouble,
  setupDoubleServer,
  type GitLabDouble,
} from '@haven-plus/haven-doubles';
import yaml from 'yaml';
import { createGitlabMergeRequestAction } from './gitlabMergeRequest';
import { examples } from './gitlabMergeRequest.examples';

const HOST = 'gitlab.example.com';
const BASE = `https://${HOST}`;
const TOKEN = 'glpat-secret-7f3a9c2e';
const PROJECT = 'haven-fleet/fleet';
const APPS = 'clusters/haven-sandbox/apps/kustomization.yaml';
const RELEASE = 'apps/haven-sandbox/shop/helmrelease.yaml';
const BRANCH = 'haven/haven-sandbox/shop';

const integrationsFor = (token: string | undefined) =>
  ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: {
        gitlab: [{ host: HOST, apiBaseUrl: `${BASE}/api/v4`, token }],
      },
    }),
  );

const server = setupDoubleServer();
const workspace = createMockDirectory();
let double: GitLabDouble;

beforeEach(() => {
  double = createGitLabDouble({
    baseUrl: BASE,
    token: TOKEN,
    projects: [
      {
        namespace: 'haven-fleet',
        path: 'fleet',
        files: {
          [APPS]: 'resources:\n  - voorbeeld.yaml\n',
          'README.md': '#\n',
        },
      },
    ],
  });
  server.use(...double.handlers);
  workspace.setContent({
    fleet: {
      [APPS]: 'resources:\n  - voorbeeld.yaml\n  - shop.yaml\n',
      [RELEASE]: 'kind: HelmRelease\n',
    },
  });
});

async function run(
  input: Record<string, unknown> = {},
  opts: { token?: string; isDryRun?: boolean } = {},
) {
  const action = createGitlabMergeRequestAction({
    integrations: integrationsFor('token' in opts ? opts.token : TOKEN),
  });
  // createMockActionContext does not take isDryRun: set beside it.
  const ctx = createMockActionContext({
    input: {
      repoUrl: `${HOST}?owner=haven-fleet&repo=fleet`,
      branchName: BRANCH,
      targetBranchName: 'main',
      sourcePath: 'fleet',
      title: 'Deliver shop to haven-sandbox',
      description: 'Adds shop',
      ...input,
    } as any,
    workspacePath: workspace.path,
  });
  await action.handler({ ...ctx, isDryRun: opts.isDryRun } as any);
  return ctx;
}

const outputs = (ctx: { output: unknown }) =>
  Object.fromEntries((ctx.output as jest.Mock).mock.calls);

describe('haven:gitlab:merge-request', () => {
  it('creates the branch from the target, commits the files and opens one merge request', async () => {
    const ctx = await run();
    expect(outputs(ctx)).toEqual({
      mergeRequestUrl: `${BASE}/${PROJECT}/-/merge_requests/1`,
      mergeRequestIid: 1,
      projectPath: PROJECT,
      targetBranchName: 'main',
      created: true,
      committedFiles: 2,
    });
    expect(double.state.mergeRequests(PROJECT)).toEqual([
      expect.objectContaining({
        iid: 1,
        sourceBranch: BRANCH,
        targetBranch: 'main',
        state: 'opened',
        title: 'Deliver shop to haven-sandbox',
        description: 'Adds shop',
      }),
    ]);
    const files = double.state.files(PROJECT, BRANCH);
    expect(files[APPS]).toBe('resources:\n  - voorbeeld.yaml\n  - shop.yaml\n');
    expect(files[RELEASE]).toBe('kind: HelmRelease\n');
    expect(files['README.md']).toBe('#\n');
    expect(double.state.files(PROJECT)[RELEASE]).toBeUndefined();
  });

  it('a re-run with the same files commits nothing and updates the same merge request', async () => {
    await run();
    const head = double.state.headSha(PROJECT, BRANCH);
    const ctx = await run({ title: 'Deliver shop (again)' });
    expect(outputs(ctx)).toMatchObject({
      mergeRequestIid: 1,
      created: false,
      committedFiles: 0,
    });
    expect(double.state.headSha(PROJECT, BRANCH)).toBe(head);
    expect(double.state.mergeRequests(PROJECT)).toEqual([
      expect.objectContaining({ iid: 1, title: 'Deliver shop (again)' }),
    ]);
    expect(
      double.requests.filter(r => r.method === 'POST').map(r => r.status),
    ).toEqual([201, 201, 201]); // branch, commit, merge request: once each
  });

  it('a re-run with a changed file commits only that file, as an update, to the same branch and merge request', async () => {
    await run();
    workspace.addContent({ [`fleet/${RELEASE}`]: 'kind: HelmRelease # v2\n' });
    const ctx = await run();
    expect(outputs(ctx)).toMatchObject({
      mergeRequestIid: 1,
      created: false,
      committedFiles: 1,
    });
    expect(double.state.files(PROJECT, BRANCH)[RELEASE]).toBe(
      'kind: HelmRelease # v2\n',
    );
    expect(double.state.commitCount(PROJECT, BRANCH)).toBe(3);
    expect(double.state.mergeRequests(PROJECT)).toHaveLength(1);
  });

  it('opens a new merge request once the previous one of the branch is merged', async () => {
    await run();
    const merged = await fetch(
      `${BASE}/api/v4/projects/${encodeURIComponent(
        PROJECT,
      )}/merge_requests/1/merge`,
      { method: 'PUT', headers: { 'private-token': TOKEN } },
    );
    expect(merged.status).toBe(200);
    workspace.addContent({ [`fleet/${RELEASE}`]: 'kind: HelmRelease # v2\n' });
    const ctx = await run();
    expect(outputs(ctx)).toMatchObject({ mergeRequestIid: 2, created: true });
  });

  it('deletes filesToDelete in the same commit, skipping one the branch lacks; a re-run commits nothing', async () => {
    double = createGitLabDouble({
      baseUrl: BASE,
      token: TOKEN,
      projects: [
        {
          namespace: 'haven-fleet',
          path: 'fleet',
          files: {
            [APPS]: 'resources:\n  - voorbeeld.yaml\n  - shop.yaml\n',
            [RELEASE]: 'kind: HelmRelease\n',
            'clusters/haven-sandbox/apps/shop.yaml': 'kind: Kustomization\n',
          },
        },
      ],
    });
    server.use(...double.handlers);
    workspace.setContent({
      fleet: { [APPS]: 'resources:\n  - voorbeeld.yaml\n' },
    });
    const filesToDelete = [
      RELEASE,
      'clusters/haven-sandbox/apps/shop.yaml',
      'apps/haven-sandbox/shop/never-there.yaml',
    ];
    const ctx = await run({ filesToDelete });
    expect(outputs(ctx)).toMatchObject({ created: true, committedFiles: 3 });
    const files = double.state.files(PROJECT, BRANCH);
    expect(Object.keys(files).sort()).toEqual([APPS]);
    expect(files[APPS]).toBe('resources:\n  - voorbeeld.yaml\n');
    // The target branch is untouched until the merge request is merged.
    expect(double.state.files(PROJECT)[RELEASE]).toBe('kind: HelmRelease\n');

    const head = double.state.headSha(PROJECT, BRANCH);
    const again = await run({ filesToDelete });
    expect(outputs(again)).toMatchObject({ created: false, committedFiles: 0 });
    expect(double.state.headSha(PROJECT, BRANCH)).toBe(head);
  });

  it('refuses a filesToDelete entry outside the repository before any call', async () => {
    await expect(
      run({ filesToDelete: ['../etc/passwd'] }),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(double.requests).toEqual([]);
  });

  it('dry-run: plans without calling GitLab', async () => {
    const ctx = await run({}, { isDryRun: true });
    expect(outputs(ctx)).toMatchObject({ created: false, committedFiles: 0 });
    expect(double.requests).toEqual([]);
  });

  it('refuses bad input before any call, and says what to do for a refused token or a missing project; the token is never in a message', async () => {
    await expect(run({ branchName: 'main' })).rejects.toThrow(
      'branchName and targetBranchName are both main',
    );
    await expect(run({}, { token: undefined })).rejects.toThrow(
      'has no token: set integrations.gitlab[].token',
    );
    expect(double.requests).toEqual([]);
    const denied = run({}, { token: 'glpat-wrong' });
    await expect(denied).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(denied).rejects.toThrow('401 401 Unauthorized');
    const missing = run({ repoUrl: `${HOST}?owner=haven-fleet&repo=nope` });
    await expect(missing).rejects.toMatchObject({ name: 'NotFoundError' });
    const messages = await Promise.all(
      [denied, missing].map(p => p.catch((e: Error) => e.message)),
    );
    for (const m of messages) expect(m).not.toContain(TOKEN);
  });

  it('turns a GitLab error into a GitlabRequestError with its message', async () => {
    double.faults.inject({
      method: 'POST',
      path: `/projects/${encodeURIComponent(PROJECT)}/merge_requests`,
      status: 500,
    });
    await expect(run()).rejects.toMatchObject({
      name: 'GitlabRequestError',
      status: 500,
      message: `Opening the merge request on GitLab project ${PROJECT} failed: 500 500 Internal Server Error`,
    });
  });

  it.each(examples.map(e => [e.description, e] as const))(
    'example: %s',
    async (_d, example) => {
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('haven:gitlab:merge-request');
      const ctx = await run(step.input);
      expect(outputs(ctx)).toMatchObject({ created: true, mergeRequestIid: 1 });
    },
  );
});
