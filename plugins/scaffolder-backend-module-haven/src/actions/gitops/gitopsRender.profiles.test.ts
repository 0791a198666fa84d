import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  createHelmRepositoryDouble,
  createOciRegistryDouble,
  OPEN_WEBUI_8,
  OPEN_WEBUI_16,
  setupDoubleServer,
} from '@haven-plus/haven-doubles';
import { HelmRepositoryReader } from '@haven-plus/plugin-haven-node';
import { parseAllDocuments } from 'yaml';
import { gitopsConfigs, readTree, run } from './__testUtils__/gitopsHarness';
import { createGitopsRenderAction } from './gitopsRender';

const server = setupDoubleServer();
const REPO = 'https://helm.openwebui.com';
const APP = 'open-webui-voorbeeld';
const APP_DIR = `apps/haven-sandbox/${APP}`;

const OPEN_WEBUI = {
  component: APP,
  cluster: 'haven-sandbox',
  namespace: 'voorbeeld',
  profile: 'open-webui',
  chart: { repositoryUrl: REPO, name: 'open-webui', version: '16.x' },
  secrets: [
    { name: 'webui-secret-key', key: 'WEBUI_SECRET_KEY' },
    { name: 'openai-api-key', key: 'OPENAI_API_KEY' },
  ],
};

function helmRepository() {
  const double = createHelmRepositoryDouble({
    baseUrl: REPO,
    charts: [OPEN_WEBUI_8, OPEN_WEBUI_16],
  });
  server.use(...double.handlers);
  return double;
}

describe('haven:gitops:render with an app profile', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  const render = (
    input: Record<string, unknown>,
    cluster: Record<string, unknown> = {},
    charts: HelmRepositoryReader | null = new HelmRepositoryReader(),
  ) =>
    run(
      createGitopsRenderAction({
        ...gitopsConfigs(cluster as never),
        charts: charts ?? undefined,
      }),
      input as never,
      workspace.path,
      false,
    );

  const release = () =>
    parseAllDocuments(
      readTree(`${workspace.path}/fleet`)[`${APP_DIR}/helmrelease.yaml`],
    )[0].toJS();

  it('sends Open WebUI over gRPC with its own variables when the cluster takes gRPC on 4317', async () => {
    helmRepository();
    const result = await render(OPEN_WEBUI, {
      otlpEndpoint: 'http://alloy.observability.svc.cluster.local:4317',
      otlpProtocol: 'grpc',
    });
    expect(result.error).toBeUndefined();
    const env = release().spec.values.extraEnvVars as Array<{
      name: string;
      value?: string;
    }>;
    const value = (name: string) => env.find(e => e.name === name)?.value;
    expect({
      exporter: value('OTEL_OTLP_SPAN_EXPORTER'),
      endpoint: value('OTEL_EXPORTER_OTLP_ENDPOINT'),
      // setup.py always passes insecure=, so plaintext must be said.
      insecure: value('OTEL_EXPORTER_OTLP_INSECURE'),
      metrics: value('OTEL_METRICS_EXPORTER_OTLP_ENDPOINT'),
    }).toEqual({
      exporter: 'grpc',
      endpoint: 'http://alloy.observability.svc.cluster.local:4317',
      insecure: 'true',
      metrics: undefined,
    });
    expect(result.outputs).toMatchObject({
      chartVersion: '16.0.0',
      chartCheck: `checked against open-webui 16.0.0 (${REPO}/charts/open-webui-16.0.0.tgz)`,
    });
  });

  it('refuses a secret whose variable the chart sets itself, before writing', async () => {
    helmRepository();
    const result = await render({
      ...OPEN_WEBUI,
      secrets: [{ name: 'redis-url', key: 'REDIS_URL' }],
    });
    expect(result.error?.name).toBe('InputError');
    expect(result.error?.message).toMatch(
      /^The Open WebUI chart sets REDIS_URL itself; a secret or variable of that name would be a second entry/,
    );
    expect(readTree(`${workspace.path}/fleet`)).toEqual({});
  });

  it('refuses a values path the chart does not know, naming it and the close one', async () => {
    helmRepository();
    const result = await render({ ...OPEN_WEBUI, podLabelsPath: 'podLabel' });
    expect(result.error?.name).toBe('InputError');
    expect(result.error?.message).toContain(
      'podLabel: unknown key: open-webui 16.0.0 has no "podLabel" at (top level)',
    );
    expect(result.error?.message).toContain('did you mean podLabels?');
    expect(readTree(`${workspace.path}/fleet`)).toEqual({});
  });

  it('refuses a chart or version the repository does not have', async () => {
    helmRepository();
    const result = await render({
      ...OPEN_WEBUI,
      chart: { ...OPEN_WEBUI.chart, version: '17.x' },
    });
    expect(result.error?.message).toBe(
      `Chart open-webui 17.x from ${REPO} cannot be installed: ${REPO}/index.yaml has no release of open-webui matching "17.x" (newest: 16.0.0, 8.22.1). Check the chart's repository, name and version`,
    );
  });

  it('renders with a warning, never silently, when the chart cannot be read', async () => {
    const double = helmRepository();
    double.setDown(503);
    const result = await render(OPEN_WEBUI);
    expect(result.error).toBeUndefined();
    expect(result.outputs.chartCheck).toBe(
      `not checked: ${REPO}/index.yaml answered HTTP 503`,
    );
    expect(result.outputs.chartVersion).toBe('16.x');
    expect(result.logs.join('\n')).toContain(
      'Chart values NOT checked against open-webui 16.x from https://helm.openwebui.com',
    );
    const off = await render(OPEN_WEBUI, {}, null);
    expect(off.outputs.chartCheck).toMatch(/^not checked: no chart reader/);
  });

  it("annotates the component with its namespace's tenant when the cluster has per-team tenants", async () => {
    helmRepository();
    const telemetry = {
      defaultTenant: 'platform',
      teams: [
        { tenant: 'team-chat', namespaces: ['voorbeeld', 'acme'] },
        { tenant: 'team-shop', namespaces: ['shop'] },
      ],
    };
    const inTeam = await render(OPEN_WEBUI, { telemetry });
    expect(inTeam.outputs.annotations).toMatchObject({
      'haven.plus/telemetry-tenant': 'team-chat',
      'haven.plus/request-metric': 'http_server_requests_total',
    });
    workspace.clear();
    const unlisted = await render(
      { ...OPEN_WEBUI, namespace: 'elders' },
      { telemetry },
    );
    expect(unlisted.outputs.annotations).toMatchObject({
      'haven.plus/telemetry-tenant': 'platform',
    });
    workspace.clear();
    const single = await render(OPEN_WEBUI);
    expect(single.outputs.annotations).not.toHaveProperty(
      'haven.plus/telemetry-tenant',
    );
  });

  it('keeps the generic profile on the standard OTEL_* variables, checked against an OCI chart', async () => {
    // A chart of this test's own, pushed to an OCI registry double.
    const registry = createOciRegistryDouble({
      baseUrl: 'https://registry.example.test',
      repositories: {
        'charts/hello': [
          {
            name: 'hello',
            version: '1.2.0',
            created: '2026-01-01T00:00:00Z',
            values: {
              image: { repository: 'registry.example.test/hello', tag: '' },
              podLabels: {},
              extraEnvVars: [],
            },
          },
        ],
      },
    });
    server.use(...registry.handlers);
    const input = {
      ...OPEN_WEBUI,
      profile: 'otel-sdk',
      chart: {
        repositoryUrl: 'oci://registry.example.test/charts',
        name: 'hello',
        version: '1.x',
      },
      secrets: [],
    };
    const result = await render(input);
    expect(result.error).toBeUndefined();
    const env = release().spec.values.extraEnvVars as Array<{ name: string }>;
    expect(env.map(e => e.name)).toEqual([
      'OTEL_SERVICE_NAME',
      'OTEL_RESOURCE_ATTRIBUTES',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_PROTOCOL',
    ]);
    expect(result.outputs.chartVersion).toBe('1.2.0');
    expect(result.outputs.chartCheck).toMatch(
      /^checked against hello 1\.2\.0 \(oci:\/\/registry\.example\.test\/charts\/hello:1\.2\.0@sha256:[0-9a-f]{64}\)$/,
    );
    expect(result.outputs.annotations).toMatchObject({
      'haven.plus/request-metric': 'http_server_request_duration_seconds_count',
    });
    // The same chart without pod labels: the generic profile's default is refused.
    workspace.clear();
    const noLabels = await render({ ...input, podLabelsPath: 'labels' });
    expect(noLabels.error?.message).toContain(
      'labels: unknown key: hello 1.2.0 has no "labels" at (top level)',
    );
  });
});
