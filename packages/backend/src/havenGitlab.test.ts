import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGithubModule from '@backstage/plugin-scaffolder-backend-module-github';
import scaffolderGitlabModule from '@backstage/plugin-scaffolder-backend-module-gitlab';
import {
  createGitLabDouble,
  serveOnLoopback,
  type GitLabDouble,
  type LoopbackServer,
} from '@haven-plus/haven-doubles';
import {
  fleetRepositorySeed,
  SANDBOX_DOUBLES,
  startSandboxDoubles,
  type RunningSandbox,
} from '@haven-plus/haven-sandbox';
import { findRepoRoot } from '@haven-plus/haven-test-utils';
import scaffolderHavenModule from '@haven-plus/plugin-scaffolder-backend-module-haven';
import { parse as parseYaml } from 'yaml';
import {
  appEntity,
  readTemplate,
  serviceFleetFiles,
  serviceValues,
} from './reliability/engineHarness';
import { recordFigures } from './reliability/figures';

/*
 * GitLab as the fleet host, through Backstage's real scaffolder engine: the
 * haven-service and haven-add-secret templates with fleetProvider gitlab,
 * their haven:gitlab:merge-request steps and the GitLab URL reader talking
 * over HTTP to the GitLab double on loopback, Vault and the Helm charts to
 * the sandbox's doubles.
 */

jest.setTimeout(90_000);

const APP = 'gitlab-engine-app';
const PROJECT = 'haven-fleet/fleet';
const TOKEN = 'glpat-engine-test-not-a-secret';
const SUPPLIED_VALUE = 'sk-supplied-gitlab-4e1f7a';
const BRANCH = `haven/haven-sandbox/${APP}`;
const figures = recordFigures('gitlab-engine');
const sandboxHaven = parseYaml(
  fs.readFileSync(path.join(findRepoRoot(), 'app-config.yaml'), 'utf8'),
).haven;

let doubles: RunningSandbox;
let gitlabServer: LoopbackServer;
let gitlab: GitLabDouble;
let baseUrl: string;

/** A call to the scaffolder's REST API as the mock user. */
async function scaffolder(method: string, route: string, body?: unknown) {
  const res = await fetch(`${baseUrl}/api/scaffolder/v2${route}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: {
      authorization: mockCredentials.user.header(),
      'content-type': 'application/json',
    },
  });
  return { status: res.status, json: (await res.json()) as any };
}

/** Creates a task and waits for its end: its state, events and log. */
async function runTask(request: object) {
  const created = await scaffolder('POST', '/tasks', request);
  expect(created.status).toBe(201);
  const { id } = created.json;
  const ended = ['completed', 'failed', 'cancelled'];
  let task = await scaffolder('GET', `/tasks/${id}`);
  for (let i = 0; i < 300 && !ended.includes(task.json.status); i++) {
    await new Promise(r => setTimeout(r, 100));
    task = await scaffolder('GET', `/tasks/${id}`);
  }
  const events: any[] = (await scaffolder('GET', `/tasks/${id}/events`)).json;
  const log = events.map(e => e.body?.message ?? '').join('\n');
  return { task: task.json, events, log };
}

const serviceRequest = (values: Record<string, unknown> = {}) => ({
  templateRef: 'template:default/haven-service',
  values: { ...serviceValues(APP, `${APP} on GitLab`), ...values },
  secrets: { suppliedValue: SUPPLIED_VALUE },
});

/** The paths a branch changes against main, sorted. */
function changedFiles(branch: string): string[] {
  const main = gitlab.state.files(PROJECT);
  const files = gitlab.state.files(PROJECT, branch);
  return Object.keys(files)
    .filter(f => files[f] !== main[f])
    .sort();
}

const mergeRequestsOf = (branch: string) =>
  gitlab.state.mergeRequests(PROJECT).filter(m => m.sourceBranch === branch);

beforeAll(async () => {
  doubles = await startSandboxDoubles({ anyPort: true });
  // The sandbox's fleet repository, held by GitLab instead of GitHub.
  const seed = fleetRepositorySeed();
  gitlabServer = await serveOnLoopback(
    origin => {
      gitlab = createGitLabDouble({
        baseUrl: origin,
        token: TOKEN,
        projects: [
          {
            namespace: seed.owner,
            path: seed.name,
            defaultBranch: seed.defaultBranch,
            files: seed.files,
          },
        ],
      });
      return gitlab.handlers;
    },
    { port: 0, name: 'GitLab' },
  );
  const gitlabHost = new URL(gitlabServer.url).host;
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderGithubModule,
      scaffolderGitlabModule,
      scaffolderHavenModule,
      catalogServiceMock.factory({
        entities: [
          readTemplate('haven-service'),
          readTemplate('haven-add-secret'),
          appEntity(APP),
        ] as never[],
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          integrations: {
            // A self-hosted GitLab: host, baseUrl (the web and gitbeaker's
            // host) and apiBaseUrl, as app-config.production.yaml names them.
            gitlab: [
              {
                host: gitlabHost,
                baseUrl: gitlabServer.url,
                apiBaseUrl: `${gitlabServer.url}/api/v4`,
                token: TOKEN,
              },
            ],
          },
          // The sandbox's own haven block (app-config.yaml, what `yarn start`
          // runs), pointed at these doubles and at the GitLab fleet project.
          haven: {
            ...sandboxHaven,
            vault: { ...sandboxHaven.vault, address: doubles.urls.vault },
            charts: {
              ...sandboxHaven.charts,
              mirrors: [
                {
                  url: SANDBOX_DOUBLES.helm.mirrors,
                  readFrom: doubles.urls.helm,
                },
              ],
            },
            gitops: {
              ...sandboxHaven.gitops,
              // A loopback host has no "gitlab" in its name: say so.
              fleetRepo: {
                url: `${gitlabServer.url}/${PROJECT}`,
                branch: 'main',
                provider: 'gitlab',
              },
            },
          },
        },
      }),
    ],
  });
  baseUrl = `http://localhost:${
    ((server as Server).address() as AddressInfo).port
  }`;
});

afterAll(async () => {
  await gitlabServer?.close();
  await doubles?.stop();
});

describe('the templates on a GitLab fleet repository, in the scaffolder engine', () => {
  it('dry-runs haven-service: every step plans or renders, nothing is written to GitLab', async () => {
    const res = await scaffolder('POST', '/dry-run', {
      template: readTemplate('haven-service'),
      values: serviceValues('dry-run-app', 'dry-run-app on GitLab'),
      secrets: {},
      directoryContents: [],
    });
    expect(res.status).toBe(200);
    expect(res.json.steps.map((s: any) => s.id)).toContain('merge-request');
    expect(res.json.directoryContents.map((f: any) => f.path)).toContain(
      'fleet/apps/haven-sandbox/dry-run-app/helmrelease.yaml',
    );
    const log = res.json.log.map((l: any) => l.body.message).join('\n');
    expect(log).toContain(
      `Dry run: would commit up to 11 files to haven/haven-sandbox/dry-run-app of GitLab project ${PROJECT}`,
    );
    // fetch:plain:file reads the app list; nothing else reaches GitLab.
    expect(gitlab.requests.filter(r => r.method !== 'GET')).toEqual([]);
    expect(gitlab.state.mergeRequests(PROJECT)).toEqual([]);
  });

  it('haven-service opens one merge request with the app’s files; a re-run updates the same one', async () => {
    const first = await runTask(serviceRequest());
    expect([first.task.status, first.log.slice(-2000)]).toEqual([
      'completed',
      expect.anything(),
    ]);
    const dir = `apps/haven-sandbox/${APP}`;
    const expected = serviceFleetFiles(APP);
    expect(changedFiles(BRANCH)).toEqual(expected);
    const files = gitlab.state.files(PROJECT, BRANCH);
    // The cluster's app list was read from GitLab and extended, not replaced.
    expect(
      parseYaml(files['clusters/haven-sandbox/apps/kustomization.yaml'])
        .resources,
    ).toEqual(['open-webui-voorbeeld.yaml', `${APP}.yaml`]);
    expect(JSON.stringify(files)).not.toContain(SUPPLIED_VALUE);
    expect(first.log).not.toContain(SUPPLIED_VALUE);
    expect(first.log).not.toContain(TOKEN);
    const mrs = mergeRequestsOf(BRANCH);
    expect(mrs).toEqual([
      expect.objectContaining({
        iid: 1,
        state: 'opened',
        targetBranch: 'main',
        title: `Deliver ${APP} to haven-sandbox`,
      }),
    ]);
    const completion = first.events.find(e => e.type === 'completion');
    expect(completion.body.output.links[0]).toEqual({
      title: 'Pull request',
      url: mrs[0].webUrl,
    });
    // Vault holds the role and both secrets (metadata only).
    for (const route of [
      `/v1/auth/kubernetes/role/haven-${APP}.${APP}`,
      `/v1/kv-apps/metadata/apps/${APP}/${APP}/openai-api-key`,
    ]) {
      const res = await fetch(`${doubles.urls.vault}${route}`, {
        headers: { 'x-vault-token': SANDBOX_DOUBLES.vault.rootToken },
      });
      expect([route, res.status]).toEqual([route, 200]);
    }
    const headAfterFirst = gitlab.state.headSha(PROJECT, BRANCH);

    // The same form again: same branch, same merge request, nothing committed twice.
    const second = await runTask(serviceRequest());
    expect([second.task.status, second.log.slice(-2000)]).toEqual([
      'completed',
      expect.anything(),
    ]);
    expect(second.log).not.toMatch(/already exists/i);
    expect(second.log).toContain('Updated merge request !1');
    expect(mergeRequestsOf(BRANCH)).toHaveLength(1);
    expect(gitlab.state.files(PROJECT, BRANCH)).toEqual(files);
    expect(gitlab.state.headSha(PROJECT, BRANCH)).toBe(headAfterFirst);

    // A changed form: the same merge request, its files brought up to date.
    const third = await runTask(
      serviceRequest({ hostname: `${APP}.chat2.haven.example.nl` }),
    );
    expect(third.task.status).toBe('completed');
    const updated = gitlab.state.files(PROJECT, BRANCH);
    expect(
      Object.keys(updated)
        .filter(f => updated[f] !== files[f])
        .sort(),
    ).toEqual([`${dir}/ingress.yaml`]);
    expect(updated[`${dir}/ingress.yaml`]).toContain(
      `${APP}.chat2.haven.example.nl`,
    );
    expect(mergeRequestsOf(BRANCH)).toHaveLength(1);
    const branchCreates = gitlab.requests.filter(
      r => r.method === 'POST' && r.path.endsWith('/repository/branches'),
    );
    expect(branchCreates.map(r => r.status)).toEqual([201]);
    figures.add(
      {
        section: 'GitLab fleet host (haven-service)',
        metric: 'files changed by the merge request, first run',
        value: expected.length,
        unit: 'files',
      },
      {
        section: 'GitLab fleet host (haven-service)',
        metric: 'merge requests of the branch after 3 runs',
        value: mergeRequestsOf(BRANCH).length,
        unit: 'count',
        goal: '1',
        met: mergeRequestsOf(BRANCH).length === 1,
      },
      {
        section: 'GitLab fleet host (haven-service)',
        metric: 'commits on the branch after 3 runs (seed, first, changed)',
        value: gitlab.state.commitCount(PROJECT, BRANCH),
        unit: 'count',
      },
    );
    expect(gitlab.state.commitCount(PROJECT, BRANCH)).toBe(3);
  });

  it('haven-add-secret adds its change to the merged app by a second merge request, and a re-run keeps it at one', async () => {
    // Merge the app's merge request, as a reviewer would.
    const merged = await fetch(
      `${gitlabServer.url}/api/v4/projects/${encodeURIComponent(
        PROJECT,
      )}/merge_requests/1/merge`,
      {
        method: 'PUT',
        headers: { 'private-token': TOKEN, 'content-type': 'application/json' },
        body: JSON.stringify({ squash: true }),
      },
    );
    expect(merged.status).toBe(200);

    const request = {
      templateRef: 'template:default/haven-add-secret',
      values: {
        entity: `component:default/${APP}`,
        cluster: 'haven-sandbox',
        secretName: 'anthropic-api-key',
        generate: false,
      },
      secrets: { value: SUPPLIED_VALUE },
    };
    const run = await runTask(request);
    expect([run.task.status, run.log.slice(-1500)]).toEqual([
      'completed',
      expect.anything(),
    ]);
    expect(run.log).not.toContain(SUPPLIED_VALUE);
    const branch = `${BRANCH}/secret-anthropic-api-key`;
    const dir = `apps/haven-sandbox/${APP}`;
    expect(changedFiles(branch)).toEqual([
      `${dir}/externalsecret.yaml`,
      `${dir}/helmrelease.yaml`,
    ]);
    const files = gitlab.state.files(PROJECT, branch);
    expect(files[`${dir}/helmrelease.yaml`]).toContain(
      'name: ANTHROPIC_API_KEY',
    );
    expect(JSON.stringify(files)).not.toContain(SUPPLIED_VALUE);
    expect(mergeRequestsOf(branch)).toEqual([
      expect.objectContaining({ iid: 2, state: 'opened' }),
    ]);

    const again = await runTask(request);
    expect(again.task.status).toBe('completed');
    expect(mergeRequestsOf(branch)).toHaveLength(1);
    expect(gitlab.state.files(PROJECT, branch)).toEqual(files);
    figures.add(
      {
        section: 'GitLab fleet host (haven-add-secret)',
        metric: 'files changed by the merge request',
        value: changedFiles(branch).length,
        unit: 'files',
      },
      {
        section: 'GitLab fleet host (haven-add-secret)',
        metric: 'merge requests of the branch after 2 runs',
        value: mergeRequestsOf(branch).length,
        unit: 'count',
        goal: '1',
        met: mergeRequestsOf(branch).length === 1,
      },
    );
  });
});
