import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  backstageVaultPolicy,
  templatedAppsPolicy,
} from '@haven-plus/haven-doubles';
import {
  GITHUB_SANDBOX,
  SANDBOX_DOUBLES,
  startSandboxDoubles,
  startVaultDoubleOnLoopback,
  type RunningSandbox,
  type RunningVaultDouble,
} from '@haven-plus/haven-sandbox';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGithubModule from '@backstage/plugin-scaffolder-backend-module-github';
import scaffolderHavenModule from '@haven-plus/plugin-scaffolder-backend-module-haven';
import {
  appEntity,
  readTemplate,
  serviceFleetFiles,
  serviceValues,
} from './reliability/engineHarness';
import {
  awaitTask,
  backendBaseUrl,
  backendRequest,
  fleetBranchFiles,
  githubApi,
  githubIntegration,
  SANDBOX_GITOPS_CONFIG,
  sandboxVaultConfig,
  type BackendRequest,
} from './reliability/testBackend';

/*
 * The haven-decommission template through Backstage's real scaffolder
 * engine: an app created with haven-service and merged, then decommissioned.
 * The GitHub publisher and the URL reader talk over HTTP to the sandbox's
 * GitHub double, the Vault actions to a Vault double on loopback in per-app
 * policy mode, whose Backstage token holds README.md's policy plus the
 * delete rights decommissioning needs.
 */

jest.setTimeout(90_000);

const APP = 'decom-app';
const NAMESPACE = 'decom-ns';
const { owner, name: repo } = GITHUB_SANDBOX.fleetRepo;
const V = SANDBOX_DOUBLES.vault;
const ROLE = `haven-${NAMESPACE}.${APP}`;
const POLICY = `haven-app-${NAMESPACE}.${APP}`;
const KV_PATH = `apps/${NAMESPACE}/${APP}`;
const LIST = 'clusters/haven-sandbox/apps/kustomization.yaml';
const DIR = `apps/haven-sandbox/${APP}`;
const CATALOG_INFO_URL = `https://github.com/${owner}/${repo}/blob/main/${DIR}/catalog-info.yaml`;
const DECOMMISSION_BRANCH = `haven/haven-sandbox/${APP}/decommission`;
const ENTITY_REF = `component:default/${APP}`;

/** The entity as the catalog holds it once Create's catalog:register ran. */
const entity = appEntity(APP, {
  namespace: NAMESPACE,
  annotations: {
    'backstage.io/managed-by-location': `url:${CATALOG_INFO_URL}`,
  },
});

/**
 * The catalog's location routes (GET /locations/by-entity/..., DELETE
 * /locations/:id) for the one location Create registered, so
 * haven:catalog:unregister has a catalog to talk to; it records each call.
 */
const catalogCalls: string[] = [];
let registered = true;
const catalogLocations = createBackendPlugin({
  pluginId: 'catalog',
  register(env) {
    env.registerInit({
      deps: { http: coreServices.httpRouter },
      async init({ http }) {
        http.use((req, res, next) => {
          const byEntity =
            /^\/locations\/by-entity\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(
              req.path,
            );
          const location = /^\/locations\/([^/]+)$/.exec(req.path);
          if (req.method === 'GET' && byEntity) {
            catalogCalls.push(`GET ${byEntity[3]}`);
            if (!registered || byEntity[3] !== APP) {
              res.status(404).json({ error: { name: 'NotFoundError' } });
              return;
            }
            res.json({
              id: 'loc-decom',
              type: 'url',
              target: CATALOG_INFO_URL,
            });
            return;
          }
          if (req.method === 'DELETE' && location) {
            catalogCalls.push(`DELETE ${location[1]}`);
            registered = false;
            res.status(204).end();
            return;
          }
          next();
        });
      },
    });
  },
});

let doubles: RunningSandbox;
let vault: RunningVaultDouble;
let request: BackendRequest;

const api = (method: string, route: string, body?: unknown) =>
  request(method, `/api/scaffolder${route}`, body);
const github = (route: string, init?: RequestInit) =>
  githubApi(doubles.urls.github, route, init);
const branchFiles = (branch: string) =>
  fleetBranchFiles(doubles.urls.github, branch);

async function startTask(templateRef: string, values: unknown) {
  const created = await api('POST', '/v2/tasks', {
    templateRef,
    values,
    secrets: { suppliedValue: 'sk-decom-supplied-4e7a' },
  });
  expect(created.status).toBe(201);
  return created.json.id as string;
}

const finished = (id: string) => awaitTask(request, id);

const vaultGet = (route: string) =>
  fetch(`${vault.url}/v1/${route}`, {
    headers: { 'x-vault-token': vault.rootToken },
  }).then(r => r.status);
const deletes = () =>
  vault.double.requests.filter(r => r.method === 'DELETE').length;

async function openPullOf(branch: string) {
  const pulls = await github(`/repos/${owner}/${repo}/pulls?state=all`);
  return pulls.filter((p: any) => p.head.ref === branch);
}

async function merge(branch: string) {
  const [pull] = await openPullOf(branch);
  await github(`/repos/${owner}/${repo}/pulls/${pull.number}/merge`, {
    method: 'PUT',
    body: '{}',
  });
  return pull;
}

const DECOMMISSION = 'template:default/haven-decommission';
const decommissionValues = (extra: Record<string, unknown> = {}) => ({
  entity: ENTITY_REF,
  cluster: 'haven-sandbox',
  deleteSecrets: false,
  timeoutMinutes: 2,
  ...extra,
});

beforeAll(async () => {
  doubles = await startSandboxDoubles({ anyPort: true });
  vault = await startVaultDoubleOnLoopback(0, {
    kvMounts: [V.kvMount],
    kubernetesAuthMounts: [
      { path: V.kubernetesAuthMount, accessor: V.kubernetesAuthAccessor },
    ],
    policies: [
      {
        name: 'haven-backstage',
        policy: backstageVaultPolicy({
          kvMount: V.kvMount,
          kubernetesAuthMount: V.kubernetesAuthMount,
          pathPrefix: V.pathPrefix,
          perApp: true,
        }),
      },
      {
        // What an administrator adds for decommissioning: delete on the
        // roles, per-app policies and app paths Backstage manages.
        name: 'haven-backstage-decommission',
        policy: [
          `path "auth/${V.kubernetesAuthMount}/role/haven-*" { capabilities = ["delete"] }`,
          'path "sys/policies/acl/haven-app-*" { capabilities = ["delete"] }',
          `path "${V.kvMount}/metadata/${V.pathPrefix}/*" { capabilities = ["delete"] }`,
        ].join('\n'),
      },
      {
        name: 'haven-apps',
        policy: templatedAppsPolicy({
          kvMount: V.kvMount,
          pathPrefix: V.pathPrefix,
          accessor: V.kubernetesAuthAccessor,
        }),
      },
    ],
    tokens: [
      {
        token: V.backstageToken,
        policies: ['haven-backstage', 'haven-backstage-decommission'],
      },
    ],
  });
  const templates = (['haven-service', 'haven-decommission'] as const).map(
    readTemplate,
  );
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderGithubModule,
      scaffolderHavenModule,
      catalogLocations,
      catalogServiceMock.factory({
        entities: [...templates, entity] as never[],
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          integrations: {
            github: [
              githubIntegration(doubles.urls.github),
              // The double's pull request links are at its own address, as
              // in app-config.yaml: await-merge reads them through this entry.
              {
                ...githubIntegration(doubles.urls.github),
                host: new URL(doubles.urls.github).host,
              },
            ],
          },
          haven: {
            charts: {
              mirrors: [
                {
                  url: SANDBOX_DOUBLES.helm.mirrors,
                  readFrom: doubles.urls.helm,
                },
              ],
            },
            vault: sandboxVaultConfig(vault.url, { policyMode: 'per-app' }),
            gitops: SANDBOX_GITOPS_CONFIG,
          },
        },
      }),
    ],
  });
  request = backendRequest(backendBaseUrl(server));

  // The app, created and merged.
  const created = await finished(
    await startTask('template:default/haven-service', {
      ...serviceValues(APP, `${APP} for the decommission test`),
      namespace: NAMESPACE,
    }),
  );
  if (created.status !== 'completed') {
    throw new Error(
      `haven-service did not create ${APP}: ${created.log.slice(-1500)}`,
    );
  }
  await merge(`haven/haven-sandbox/${APP}`);
});

afterAll(async () => {
  await doubles?.stop();
  await vault?.close();
});

describe('the haven-decommission template in the scaffolder engine', () => {
  it('dry-runs: plans the pull request and the Vault deletes, deletes nothing', async () => {
    const pulls = (await github(`/repos/${owner}/${repo}/pulls?state=all`))
      .length;
    const res = await api('POST', '/v2/dry-run', {
      template: readTemplate('haven-decommission'),
      values: decommissionValues({
        deleteSecrets: true,
        confirmPath: `kv-apps/${KV_PATH}`,
      }),
      secrets: {},
      directoryContents: [],
    });
    expect(res.status).toBe(200);
    const log = res.json.log.map((l: any) => l.body.message).join('\n');
    expect(log).toContain(`role ${ROLE}: delete`);
    expect(log).toContain(`secret ${KV_PATH}/webui-secret-key: delete`);
    expect(log).toContain('dry run: nothing is deleted');
    const list = res.json.directoryContents.find(
      (f: any) => f.path === `fleet/${LIST}`,
    );
    expect(
      Buffer.from(list.base64Content, 'base64').toString('utf8'),
    ).not.toContain(`${APP}.yaml`);
    expect(deletes()).toBe(0);
    expect(catalogCalls.filter(c => c.startsWith('DELETE'))).toEqual([]);
    expect(
      (await github(`/repos/${owner}/${repo}/pulls?state=all`)).length,
    ).toBe(pulls);
  });

  it('opens the pull request, deletes nothing in Vault before the merge, then the role, the policy and the catalog entry; a re-run changes nothing', async () => {
    const main = await branchFiles('main');
    expect(main[`${DIR}/helmrelease.yaml`]).toBeDefined();
    expect(await vaultGet(`auth/kubernetes/role/${ROLE}`)).toBe(200);
    expect(await vaultGet(`sys/policies/acl/${POLICY}`)).toBe(200);

    const id = await startTask(DECOMMISSION, decommissionValues());
    // Wait for the pull request; the task then waits for its merge.
    let pull: any;
    for (let i = 0; i < 300 && !pull; i++) {
      [pull] = await openPullOf(DECOMMISSION_BRANCH);
      if (!pull) await new Promise(r => setTimeout(r, 100));
    }
    expect(pull).toBeDefined();
    expect(pull.state).toBe('open');

    // The pull request: the app's files deleted, the one line out of the list.
    const files = await branchFiles(DECOMMISSION_BRANCH);
    const deleted = Object.keys(main)
      .filter(f => !(f in files))
      .sort();
    expect(deleted).toEqual(serviceFleetFiles(APP).filter(f => f !== LIST));
    const changed = Object.keys(files).filter(f => files[f] !== main[f]);
    expect(changed).toEqual([LIST]);
    const before = main[LIST].split('\n');
    const after = files[LIST].split('\n');
    expect(before.filter(l => !after.includes(l))).toEqual([
      expect.stringMatching(new RegExp(`^\\s*- ${APP}\\.yaml`)),
    ]);
    expect(after).toEqual(before.filter(l => !l.includes(`${APP}.yaml`)));
    expect(files[LIST]).toBe(
      main[LIST].replace(new RegExp(`^\\s*- ${APP}\\.yaml[^\\n]*\\n`, 'm'), ''),
    );

    // Before the merge: nothing deleted in Vault or the catalog.
    expect(deletes()).toBe(0);
    expect(await vaultGet(`auth/kubernetes/role/${ROLE}`)).toBe(200);
    expect(catalogCalls.filter(c => c.startsWith('DELETE'))).toEqual([]);

    await merge(DECOMMISSION_BRANCH);
    const done = await finished(id);
    expect([done.status, done.log.slice(-2000)]).toEqual([
      'completed',
      expect.anything(),
    ]);
    expect(await vaultGet(`auth/kubernetes/role/${ROLE}`)).toBe(404);
    expect(await vaultGet(`sys/policies/acl/${POLICY}`)).toBe(404);
    // Not ticked: the secrets stay.
    expect(await vaultGet(`kv-apps/metadata/${KV_PATH}/webui-secret-key`)).toBe(
      200,
    );
    expect(await vaultGet(`kv-apps/metadata/${KV_PATH}/openai-api-key`)).toBe(
      200,
    );
    expect(catalogCalls.filter(c => c.startsWith('DELETE'))).toEqual([
      'DELETE loc-decom',
    ]);
    const completion = done.events.find(e => e.type === 'completion');
    expect(completion.body.output.links[0]).toEqual({
      title: 'Pull request',
      url: pull.html_url,
    });
    expect(done.log).toContain(`role ${ROLE}: delete`);
    expect(done.log).not.toContain('sk-decom-supplied-4e7a');

    // The same form again: no pull request, no Vault write, no catalog delete.
    const writes = vault.double.state.writeCount;
    const sent = deletes();
    const again = await finished(
      await startTask(DECOMMISSION, decommissionValues()),
    );
    expect([again.status, again.log.slice(-2000)]).toEqual([
      'completed',
      expect.anything(),
    ]);
    expect(again.log).toContain('already gone');
    expect(await openPullOf(DECOMMISSION_BRANCH)).toHaveLength(1);
    expect(vault.double.state.writeCount).toBe(writes);
    expect(deletes()).toBe(sent);
    expect(catalogCalls.filter(c => c.startsWith('DELETE'))).toHaveLength(1);
  });

  it('deletes the secrets only when ticked with the path typed to confirm', async () => {
    const mistyped = await finished(
      await startTask(
        DECOMMISSION,
        decommissionValues({ deleteSecrets: true, confirmPath: KV_PATH }),
      ),
    );
    expect(mistyped.status).toBe('failed');
    expect(mistyped.log).toContain(`must be exactly "kv-apps/${KV_PATH}"`);
    expect(await vaultGet(`kv-apps/metadata/${KV_PATH}/webui-secret-key`)).toBe(
      200,
    );

    const confirmed = await finished(
      await startTask(
        DECOMMISSION,
        decommissionValues({
          deleteSecrets: true,
          confirmPath: `kv-apps/${KV_PATH}`,
        }),
      ),
    );
    expect([confirmed.status, confirmed.log.slice(-2000)]).toEqual([
      'completed',
      expect.anything(),
    ]);
    for (const name of ['webui-secret-key', 'openai-api-key']) {
      expect(await vaultGet(`kv-apps/metadata/${KV_PATH}/${name}`)).toBe(404);
    }
  });
});
