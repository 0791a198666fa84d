/*
 * GitOps: the render time of one app's manifests (typed objects to YAML) and
 * the time to add an app to a cluster's app list of 5,000 apps.
 */
import { ConfigReader } from '@backstage/config';
import {
  buildAppDelivery,
  deliveryFileToYaml,
  readHavenGitopsConfig,
  registerEntry,
} from '../../plugins/haven-node/src';
import {
  percentile,
  type Figure,
} from '../../packages/backend/src/reliability/figureTable';

const SECTION = 'GitOps';
const RENDERED_APPS = 2000;
const LIST_SIZE = 5000;
const REGISTER_RUNS = 20;

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
      version: '8.x',
    },
    envValuesPath: 'extraEnvVars',
    secrets: [
      { name: 'a', key: 'A' },
      { name: 'b', key: 'B' },
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
      metric: `register into ${LIST_SIZE.toLocaleString('en')} apps, median`,
      value: Math.round(median * 10) / 10,
      unit: 'ms',
      goal: '<= 200 ms',
      met: median <= 200,
      note: `${REGISTER_RUNS} runs, max ${max.toFixed(1)} ms`,
    },
  ];
}
