/*
 * GitOps benchmark: prints the render time of one app's manifests (typed
 * objects to YAML) and the time to add an app to a cluster list of 5,000
 * apps. Run: node_modules/.bin/tsx scripts/bench/gitops.ts
 * (with .toolchain/bin on PATH). Figures, not assertions.
 */
import { ConfigReader } from '@backstage/config';
import {
  buildAppDelivery,
  deliveryFileToYaml,
  readHavenGitopsConfig,
  registerEntry,
} from '../../plugins/haven-node/src';
const g = readHavenGitopsConfig(
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
)!;
const input = (i: number) => ({
  app: `app-${i}`,
  namespace: `ns-${i}`,
  serviceAccount: `app-${i}`,
  environment: 'sandbox',
  cluster: g.clusters.c,
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
});
for (let i = 0; i < 200; i++)
  buildAppDelivery(input(i)).map(deliveryFileToYaml);
let t = performance.now();
const N = 2000;
for (let i = 0; i < N; i++) buildAppDelivery(input(i)).map(deliveryFileToYaml);
console.log(
  `render: ${((performance.now() - t) / N).toFixed(3)} ms per app (${N} apps)`,
);
const big =
  'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n' +
  Array.from({ length: 5000 }, (_, i) => `  - app-${i}.yaml\n`).join('');
for (let i = 0; i < 5; i++) registerEntry(big, 'new.yaml');
const times: number[] = [];
for (let i = 0; i < 20; i++) {
  t = performance.now();
  registerEntry(big, `new-${i}.yaml`);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(
  `register into 5,000 apps: median ${times[10].toFixed(
    1,
  )} ms, max ${times[19].toFixed(1)} ms (20 runs)`,
);
