import fs from 'node:fs';
import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  GITHUB_SANDBOX,
  SANDBOX_DOUBLES,
  startSandboxDoubles,
  type RunningSandbox,
} from '@haven-plus/haven-sandbox';
import { findRepoRoot } from '@haven-plus/haven-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGithubModule from '@backstage/plugin-scaffolder-backend-module-github';
import scaffolderHavenModule from '@haven-plus/plugin-scaffolder-backend-module-haven';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { serviceFleetFiles, serviceValues } from './reliability/engineHarness';
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
 * The haven-service template through Backstage's real scaffolder engine
 * (its dry-run API and a real task), with the haven actions, the GitHub
 * publisher and the URL reader talking over HTTP to the sandbox's Vault and
 * GitHub doubles on loopback.
 */

jest.setTimeout(60_000);

const root = findRepoRoot();
const readTemplate = (name: string) =>
  parseYaml(
    fs.readFileSync(path.join(root, `templates/${name}/template.yaml`), 'utf8'),
  );
const template = readTemplate('haven-service');
const addSecretTemplate = readTemplate('haven-add-secret');
const stackTemplate = readTemplate('haven-observability-stack');
/** The component the first task creates, as the catalog will know it once merged. */
const ENGINE_APP = 'engine-test-app';
const engineAppEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: ENGINE_APP,
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': ENGINE_APP,
      'vault.io/secrets-engine': 'kv-apps',
      'vault.io/secrets-path': `apps/${ENGINE_APP}/${ENGINE_APP}`,
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'experimental',
    owner: 'group:default/haven-platform',
  },
};
const TEMPLATE_REF = 'template:default/haven-service';
const SUPPLIED_VALUE = 'sk-supplied-7f3a9c2e5b1d';
const { owner, name: repo } = GITHUB_SANDBOX.fleetRepo;

let doubles: RunningSandbox;
let backend: BackendRequest;

const values = (app: string) =>
  serviceValues(app, `${app} for the engine test`);

const api = (method: string, route: string, body?: unknown) =>
  backend(method, `/api/scaffolder${route}`, body);
const github = (route: string) => githubApi(doubles.urls.github, route);
/** Files of a branch of the fleet repository, read back through the GitHub API. */
const branchFiles = (branch: string) =>
  fleetBranchFiles(doubles.urls.github, branch);

async function runTask(
  app: string,
  request: { templateRef: string; values: unknown; secrets: unknown } = {
    templateRef: TEMPLATE_REF,
    values: values(app),
    secrets: { suppliedValue: SUPPLIED_VALUE },
  },
) {
  const created = await api('POST', '/v2/tasks', request);
  expect([created.status, created.json]).toEqual([
    201,
    { id: expect.any(String) },
  ]);
  const end = await awaitTask(backend, created.json.id, { timeoutMs: 30_000 });
  return { task: end.task as any, events: end.events };
}

beforeAll(async () => {
  doubles = await startSandboxDoubles({ anyPort: true });
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderGithubModule,
      scaffolderHavenModule,
      catalogServiceMock.factory({
        entities: [
          {
            ...template,
            metadata: { ...template.metadata, namespace: 'default' },
          },
          {
            ...addSecretTemplate,
            metadata: { ...addSecretTemplate.metadata, namespace: 'default' },
          },
          {
            ...stackTemplate,
            metadata: { ...stackTemplate.metadata, namespace: 'default' },
          },
          engineAppEntity,
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          integrations: {
            github: [githubIntegration(doubles.urls.github)],
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
            vault: sandboxVaultConfig(doubles.urls.vault),
            gitops: SANDBOX_GITOPS_CONFIG,
          },
        },
      }),
    ],
  });
  backend = backendRequest(backendBaseUrl(server));
});

afterAll(async () => {
  await doubles?.stop();
});

/** The form as a new user leaves it: every default, plus what has none. */
function formDefaults(app: string): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const page of template.spec.parameters) {
    for (const [key, field] of Object.entries<any>(page.properties)) {
      if (field.default !== undefined) defaults[key] = field.default;
    }
  }
  return {
    ...defaults,
    component: app,
    description: `${app}, the form's defaults`,
    owner: 'group:default/haven-platform',
    system: 'system:default/open-webui',
    // The reference deployment's supplied secret, as the form suggests it.
    suppliedName: 'openai-api-key',
    suppliedKey: 'OPENAI_API_KEY',
  };
}

/** A file of a dry run's workspace, parsed. */
function dryRunFile(res: { json: any }, file: string): any {
  const entry = res.json.directoryContents.find((f: any) => f.path === file);
  if (!entry) throw new Error(`dry run wrote no ${file}`);
  return parseYaml(Buffer.from(entry.base64Content, 'base64').toString('utf8'));
}

describe('the haven-service template in the scaffolder engine', () => {
  it("renders the form's defaults into a release the real Open WebUI and its chart act on", async () => {
    const app = 'defaults-app';
    const res = await api('POST', '/v2/dry-run', {
      template,
      values: formDefaults(app),
      secrets: { suppliedValue: SUPPLIED_VALUE },
      directoryContents: [],
    });
    expect(res.status).toBe(200);
    const log = res.json.log.map((l: any) => l.body.message).join('\n');
    const release = dryRunFile(
      res,
      `fleet/apps/haven-sandbox/${app}/helmrelease.yaml`,
    );
    const chartValues = release.spec.values;
    expect(release.spec.chart.spec).toMatchObject({
      chart: 'open-webui',
      version: '16.x',
      sourceRef: { kind: 'HelmRepository', name: app },
    });
    const env: Array<{ name: string; value?: string; valueFrom?: unknown }> =
      chartValues.extraEnvVars;
    const byName = Object.fromEntries(env.map(e => [e.name, e]));

    // Open WebUI exports nothing without its own switches (env.py).
    for (const name of [
      'ENABLE_OTEL',
      'ENABLE_OTEL_TRACES',
      'ENABLE_OTEL_METRICS',
      'ENABLE_OTEL_LOGS',
    ]) {
      expect([name, byName[name]?.value]).toEqual([name, 'true']);
    }
    // The cluster's Alloy takes OTLP/HTTP on 4318: the app's own exporter
    // switch says "http", and each signal gets its full path (the app
    // passes the endpoint verbatim).
    const alloy = 'http://alloy.observability.svc.cluster.local:4318';
    expect({
      protocol: byName.OTEL_OTLP_SPAN_EXPORTER?.value,
      traces: byName.OTEL_EXPORTER_OTLP_ENDPOINT?.value,
      metrics: byName.OTEL_METRICS_EXPORTER_OTLP_ENDPOINT?.value,
      logs: byName.OTEL_LOGS_EXPORTER_OTLP_ENDPOINT?.value,
      service: byName.OTEL_SERVICE_NAME?.value,
    }).toEqual({
      protocol: 'http',
      traces: `${alloy}/v1/traces`,
      metrics: `${alloy}/v1/metrics`,
      logs: `${alloy}/v1/logs`,
      service: app,
    });
    expect(byName.OTEL_RESOURCE_ATTRIBUTES?.value).toContain(
      `service.namespace=${app}`,
    );
    // Nothing the app does not read, nothing twice, nothing the chart sets.
    expect(byName.OTEL_EXPORTER_OTLP_PROTOCOL).toBeUndefined();
    expect(new Set(env.map(e => e.name)).size).toBe(env.length);
    for (const name of ['OPENAI_API_KEY', 'OPENAI_API_KEYS']) {
      expect(byName[name]).toBeUndefined();
    }
    // The key comes through the chart's own existing-Secret values, which
    // it reads only with Pipelines off; no placeholder key.
    expect(chartValues).toMatchObject({
      openaiApiKey: '',
      openaiApiKeyExistingSecret: `${app}-vault`,
      openaiApiKeyExistingSecretKey: 'OPENAI_API_KEY',
      pipelines: { enabled: false },
      ollama: { enabled: false },
      podLabels: { 'backstage.io/kubernetes-id': app },
    });
    expect(byName.WEBUI_SECRET_KEY).toEqual({
      name: 'WEBUI_SECRET_KEY',
      valueFrom: {
        secretKeyRef: { name: `${app}-vault`, key: 'WEBUI_SECRET_KEY' },
      },
    });
    const externalSecret = dryRunFile(
      res,
      `fleet/apps/haven-sandbox/${app}/externalsecret.yaml`,
    );
    expect(
      externalSecret.spec.data.map((d: any) => d.secretKey).sort(),
    ).toEqual(['OPENAI_API_KEY', 'WEBUI_SECRET_KEY']);
    // Every values key is known to the release 16.x resolves to.
    expect(log).toContain(
      'Chart values checked against open-webui 16.0.0 (https://helm.openwebui.com/charts/open-webui-16.0.0.tgz): every key known',
    );
    const catalogInfo = dryRunFile(
      res,
      `fleet/apps/haven-sandbox/${app}/catalog-info.yaml`,
    );
    expect(catalogInfo.metadata.annotations).toMatchObject({
      'haven.plus/request-metric': 'http_server_requests_total',
    });
    expect(JSON.stringify(res.json)).not.toContain(SUPPLIED_VALUE);
  });

  it('refuses a chart version whose values do not have the keys the profile sets, naming the key', async () => {
    const res = await api('POST', '/v2/dry-run', {
      template,
      values: { ...formDefaults('old-chart-app'), chartVersion: '8.x' },
      secrets: { suppliedValue: SUPPLIED_VALUE },
      directoryContents: [],
    });
    const log = JSON.stringify(res.json);
    expect(log).toContain(
      'The values for chart open-webui 8.22.1 (8.x) do not fit it: openaiApiKeyExistingSecret: unknown key',
    );
    expect(res.json.directoryContents ?? []).toEqual([]);
  });

  it('dry-runs: every step plans or renders, nothing reaches Vault or GitHub', async () => {
    const before = await github(`/repos/${owner}/${repo}/pulls?state=all`);
    const res = await api('POST', '/v2/dry-run', {
      template,
      values: values('dry-run-app'),
      secrets: {},
      directoryContents: [],
    });
    expect(res.status).toBe(200);
    const paths = res.json.directoryContents.map((f: any) => f.path).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        'fleet/apps/haven-sandbox/dry-run-app/helmrelease.yaml',
        'fleet/apps/haven-sandbox/dry-run-app/externalsecret.yaml',
        'fleet/apps/haven-sandbox/dry-run-app/catalog-info.yaml',
        'fleet/clusters/haven-sandbox/apps/dry-run-app.yaml',
        'fleet/clusters/haven-sandbox/apps/kustomization.yaml',
      ]),
    );
    const steps = res.json.steps.map((s: any) => s.id);
    expect(steps).toContain('pull-request');
    expect(await github(`/repos/${owner}/${repo}/pulls?state=all`)).toEqual(
      before,
    );
  });

  it('opens a pull request holding exactly the expected files, and a re-run updates the same one', async () => {
    const app = ENGINE_APP;
    const first = await runTask(app);
    const log = first.events.map(e => e.body?.message ?? '').join('\n');
    expect([first.task.status, log.slice(-2000)]).toEqual([
      'completed',
      expect.anything(),
    ]);

    const pulls = await github(`/repos/${owner}/${repo}/pulls?state=all`);
    const mine = pulls.filter(
      (p: any) => p.head.ref === `haven/haven-sandbox/${app}`,
    );
    expect(mine).toHaveLength(1);
    expect(mine[0].base.ref).toBe('main');

    const main = await branchFiles('main');
    const files = await branchFiles(`haven/haven-sandbox/${app}`);
    const changed = Object.keys(files)
      .filter(f => files[f] !== main[f])
      .sort();
    expect(changed).toEqual(serviceFleetFiles(app));
    // Nothing of the fleet repository was removed.
    expect(Object.keys(main).filter(f => !(f in files))).toEqual([]);

    // Every Kubernetes object carries the kubernetes-id; no secret value anywhere.
    for (const file of changed) {
      expect(files[file]).not.toContain(SUPPLIED_VALUE);
      if (
        file.endsWith('kustomization.yaml') ||
        file.endsWith('catalog-info.yaml')
      )
        continue;
      for (const doc of parseAllDocuments(files[file]).map(d => d.toJS())) {
        expect([
          file,
          doc.metadata.labels['backstage.io/kubernetes-id'],
        ]).toEqual([file, app]);
      }
    }
    expect(log).not.toContain(SUPPLIED_VALUE);
    expect(
      parseYaml(files['clusters/haven-sandbox/apps/kustomization.yaml'])
        .resources,
    ).toEqual(['open-webui-voorbeeld.yaml', `${app}.yaml`]);
    // The task's output (its completion event) links to the pull request.
    const completion = first.events.find(e => e.type === 'completion');
    expect(completion.body.output.links[0]).toEqual({
      title: 'Pull request',
      url: mine[0].html_url,
    });

    // Vault holds the role and both secrets (metadata only; values are never read).
    for (const route of [
      `/v1/auth/kubernetes/role/haven-${app}.${app}`,
      `/v1/kv-apps/metadata/apps/${app}/${app}/webui-secret-key`,
      `/v1/kv-apps/metadata/apps/${app}/${app}/openai-api-key`,
    ]) {
      const res = await fetch(`${doubles.urls.vault}${route}`, {
        headers: { 'x-vault-token': SANDBOX_DOUBLES.vault.rootToken },
      });
      expect([route, res.status]).toEqual([route, 200]);
    }

    // The same form again: same branch, same PR, nothing added twice.
    const second = await runTask(app);
    expect(second.task.status).toBe('completed');
    const pullsAfter = await github(`/repos/${owner}/${repo}/pulls?state=all`);
    expect(
      pullsAfter.filter(
        (p: any) => p.head.ref === `haven/haven-sandbox/${app}`,
      ),
    ).toHaveLength(1);
    const filesAfter = await branchFiles(`haven/haven-sandbox/${app}`);
    expect(filesAfter).toEqual(files);
  });
  it('haven-add-secret wires one more secret into the merged app by a second pull request', async () => {
    // Merge the first task's pull request, as a reviewer would.
    const pulls = await github(`/repos/${owner}/${repo}/pulls?state=open`);
    const first = pulls.find(
      (p: any) => p.head.ref === `haven/haven-sandbox/${ENGINE_APP}`,
    );
    const merged = await fetch(
      `${doubles.urls.github}/repos/${owner}/${repo}/pulls/${first.number}/merge`,
      {
        method: 'PUT',
        headers: {
          authorization: `token ${GITHUB_SANDBOX.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ merge_method: 'squash' }),
      },
    );
    expect(merged.status).toBe(200);

    const request = {
      templateRef: 'template:default/haven-add-secret',
      values: {
        entity: `component:default/${ENGINE_APP}`,
        cluster: 'haven-sandbox',
        secretName: 'anthropic-api-key',
        generate: false,
      },
      secrets: { value: SUPPLIED_VALUE },
    };
    const run = await runTask(ENGINE_APP, request);
    const log = run.events.map(e => e.body?.message ?? '').join('\n');
    expect([run.task.status, log.slice(-1500)]).toEqual([
      'completed',
      expect.anything(),
    ]);
    expect(log).not.toContain(SUPPLIED_VALUE);

    const branch = `haven/haven-sandbox/${ENGINE_APP}/secret-anthropic-api-key`;
    const main = await branchFiles('main');
    const files = await branchFiles(branch);
    const dir = `apps/haven-sandbox/${ENGINE_APP}`;
    expect(
      Object.keys(files)
        .filter(f => files[f] !== main[f])
        .sort(),
    ).toEqual([`${dir}/externalsecret.yaml`, `${dir}/helmrelease.yaml`]);
    expect(files[`${dir}/helmrelease.yaml`]).toContain(
      'name: ANTHROPIC_API_KEY',
    );
    expect(JSON.stringify(files)).not.toContain(SUPPLIED_VALUE);
    const vault = await fetch(
      `${doubles.urls.vault}/v1/kv-apps/metadata/apps/${ENGINE_APP}/${ENGINE_APP}/anthropic-api-key`,
      { headers: { 'x-vault-token': SANDBOX_DOUBLES.vault.rootToken } },
    );
    expect(vault.status).toBe(200);

    // Again, now that the branch holds the change: same pull request, nothing new.
    const again = await runTask(ENGINE_APP, request);
    expect(again.task.status).toBe('completed');
    const open = await github(`/repos/${owner}/${repo}/pulls?state=all`);
    expect(open.filter((p: any) => p.head.ref === branch)).toHaveLength(1);
    expect(await branchFiles(branch)).toEqual(files);
  });
  it("haven-observability-stack opens the cluster's telemetry pull request, and a re-run updates it", async () => {
    const request = {
      templateRef: 'template:default/haven-observability-stack',
      values: {
        cluster: 'haven-sandbox',
        provider: 'scaleway-nl-ams',
        bucketPrefix: 'haven-sandbox',
        logsRetention: '744h',
        metricsRetention: '2160h',
        tracesRetention: '336h',
        tenancy: 'single',
        lokiMode: 'monolithic',
        tempoMode: 'monolithic',
        grafanaHostname: 'grafana.haven-sandbox.example.nl',
      },
      secrets: {},
    };
    const first = await runTask('observability', request);
    const log = first.events.map(e => e.body?.message ?? '').join('\n');
    expect([first.task.status, log.slice(-1500)]).toEqual([
      'completed',
      expect.anything(),
    ]);
    const branch = 'haven/haven-sandbox/observability';
    const main = await branchFiles('main');
    const files = await branchFiles(branch);
    const dir = 'infrastructure/haven-sandbox/observability';
    expect(
      Object.keys(files)
        .filter(f => files[f] !== main[f])
        .sort(),
    ).toEqual([
      'clusters/haven-sandbox/observability.yaml',
      `${dir}/alloy.yaml`,
      `${dir}/grafana.yaml`,
      `${dir}/kustomization.yaml`,
      `${dir}/loki.yaml`,
      `${dir}/mimir.yaml`,
      `${dir}/namespace.yaml`,
      `${dir}/secrets.yaml`,
      `${dir}/sources.yaml`,
      `${dir}/tempo.yaml`,
    ]);
    const completion = first.events.find(e => e.type === 'completion');
    expect(completion.body.output.links[0].url).toMatch(
      /^http:\/\/127\.0\.0\.1:[0-9]+\/haven-fleet\/fleet\/pull\/[0-9]+$/,
    );

    const again = await runTask('observability', request);
    expect(again.task.status).toBe('completed');
    const pulls = await github(`/repos/${owner}/${repo}/pulls?state=all`);
    expect(pulls.filter((p: any) => p.head.ref === branch)).toHaveLength(1);
    expect(await branchFiles(branch)).toEqual(files);
  });
});
