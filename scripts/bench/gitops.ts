/*
 * GitOps: the render time of one app's manifests (typed objects to YAML),
 * the chart values check (reading the chart from a Helm repository double on
 * loopback, first and cached, and checking the values), and the time to add
 * an app to a cluster's app list of 5,000 apps.
 */
import { ConfigReader } from '@backstage/config';
import {
  buildAppDelivery,
  deliveryFileToYaml,
  APP_PROFILES,
  HelmRepositoryReader,
  readHavenGitopsConfig,
  registerEntry,
  unknownValueKeys,
} from '../../plugins/haven-node/src';
import {
  OPEN_WEBUI_8,
  OPEN_WEBUI_16,
  startHelmRepositoryDoubleOnLoopback,
} from '@haven-plus/haven-doubles';
import {
  percentile,
  type Figure,
} from '../../packages/backend/src/reliability/figureTable';

const SECTION = 'GitOps';
const RENDERED_APPS = 2000;
const LIST_SIZE = 5000;
const REGISTER_RUNS = 20;
const CHART_RUNS = 20;

function gitopsConfig() {
  const config = readHavenGitopsConfig(
    new ConfigReader({
      haven: {
        gitops: {
          fleetRepo: { url: 'https://github.com/a/b' },
          clusters: [
            {
              name: 'c',
              environment: 'sandbox',
              dependsOn: ['infrastructure'],
              otlpEndpoint: 'http://alloy:4318',
            },
          ],
        },
      },
    }),
  );
  if (!config) throw new Error('the bench GitOps config did not read');
  return config;
}

/** One app as the haven-service template passes it, numbered. */
function appInput(
  i: number,
  cluster: ReturnType<typeof gitopsConfig>['clusters'][string],
) {
  return {
    app: `app-${i}`,
    namespace: `ns-${i}`,
    serviceAccount: `app-${i}`,
    environment: 'sandbox',
    cluster,
    fleetBranch: 'main',
    vault: {
      server: 'https://v',
      kvMount: 'kv',
      kvPath: `apps/ns/app-${i}`,
      role: 'r',
      kubernetesAuthMount: 'kubernetes',
      audience: 'vault',
    },
    chart: {
      repositoryUrl: 'https://helm.openwebui.com',
      name: 'open-webui',
      version: '16.x',
    },
    profile: APP_PROFILES['open-webui'],
    envValuesPath: 'extraEnvVars',
    podLabelsPath: 'podLabels',
    secrets: [
      { name: 'webui-secret-key', key: 'WEBUI_SECRET_KEY' },
      { name: 'openai-api-key', key: 'OPENAI_API_KEY' },
    ],
    refreshInterval: '1h',
    observability: { serviceName: 'x', serviceNamespace: 'y' },
    ingress: { host: 'x.example.nl', serviceName: 'x', servicePort: 80 },
  };
}

export async function runGitopsBench(): Promise<Figure[]> {
  const cluster = gitopsConfig().clusters.c;
  const render = (i: number) =>
    buildAppDelivery(appInput(i, cluster)).map(deliveryFileToYaml);

  for (let i = 0; i < 200; i++) render(i);
  let started = performance.now();
  for (let i = 0; i < RENDERED_APPS; i++) render(i);
  const renderMs = (performance.now() - started) / RENDERED_APPS;

  // The values check: a Helm repository double on loopback, as the sandbox.
  const helm = await startHelmRepositoryDoubleOnLoopback(0, [
    OPEN_WEBUI_8,
    OPEN_WEBUI_16,
  ]);
  const coreChart = {
    repositoryUrl: 'https://helm.openwebui.com',
    name: 'open-webui',
    version: '16.x',
  };
  const lookups: { cold: number[]; warm: number[] } = { cold: [], warm: [] };
  let problems = 0;
  const values = () => {
    const release = buildAppDelivery(appInput(0, cluster))
      .flatMap(f => f.objects)
      .find(o => o.kind === 'HelmRelease');
    return release && 'spec' in release ? release.spec?.values : undefined;
  };
  try {
    for (let i = 0; i < CHART_RUNS; i++) {
      const reader = new HelmRepositoryReader({
        mirrors: [{ url: coreChart.repositoryUrl, readFrom: helm.url }],
      });
      for (const kind of ['cold', 'warm'] as const) {
        started = performance.now();
        const lookup = await reader.lookup(coreChart);
        if (lookup.status !== 'checked') throw new Error(lookup.reason);
        problems += unknownValueKeys(values(), lookup.reference).length;
        lookups[kind].push(performance.now() - started);
      }
    }
  } finally {
    await helm.close();
  }
  const cold = percentile(lookups.cold, 50);
  const warm = percentile(lookups.warm, 50);

  const list = `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${Array.from(
    { length: LIST_SIZE },
    (_, i) => `  - app-${i}.yaml\n`,
  ).join('')}`;
  for (let i = 0; i < 5; i++) registerEntry(list, 'new.yaml');
  const times: number[] = [];
  for (let i = 0; i < REGISTER_RUNS; i++) {
    started = performance.now();
    registerEntry(list, `new-${i}.yaml`);
    times.push(performance.now() - started);
  }
  const median = percentile(times, 50);
  const max = Math.max(...times);

  return [
    {
      section: SECTION,
      metric: 'render one app’s manifests',
      value: Math.round(renderMs * 1000) / 1000,
      unit: 'ms',
      goal: '<= 5 ms',
      met: renderMs <= 5,
      note: `mean over ${RENDERED_APPS} apps (typed objects to YAML)`,
    },
    {
      section: SECTION,
      metric: 'chart values check, first read (index + archive), median',
      value: Math.round(cold * 10) / 10,
      unit: 'ms',
      goal: '<= 200 ms',
      met: cold <= 200 && problems === 0,
      note: `${CHART_RUNS} new readers, open-webui 16.0.0 from the loopback Helm double; ${problems} unknown keys`,
    },
    {
      section: SECTION,
      metric: 'chart values check, cached, median',
      value: Math.round(warm * 100) / 100,
      unit: 'ms',
      goal: '<= 20 ms',
      met: warm <= 20,
      note: 'index within its minute, archive per version: no request',
    },
    {
      section: SECTION,
      metric: `register into ${LIST_SIZE.toLocaleString('en')} apps, median`,
      value: Math.round(median * 10) / 10,
      unit: 'ms',
      goal: '<= 200 ms',
      met: median <= 200,
      note: `${REGISTER_RUNS} runs, max ${max.toFixed(1)} ms`,
    },
  ];
}
