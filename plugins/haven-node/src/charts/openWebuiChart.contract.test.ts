import type { IHelmRelease } from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2/HelmRelease';
import {
  createHelmRepositoryDouble,
  OPEN_WEBUI_16,
  setupDoubleServer,
} from '@haven-plus/haven-doubles';
import { OPEN_WEBUI_PROFILE } from '../gitops/appProfiles';
import { buildAppDelivery } from '../gitops/manifests';
import { readHavenGitopsConfig } from '../config/gitopsConfig';
import { ConfigReader } from '@backstage/config';
import { HelmRepositoryReader } from './helmRepository';
import { formatValuePath, isPlainObject } from './paths';
import { unknownValueKeys } from './unknownValueKeys';
import type { ChartReference } from './chartReference';

/*
 * The Open WebUI profile's values against the open-webui chart: the Helm
 * repository double always, and the real repository when
 * HAVEN_TEST_HELM_REPOSITORY_URL names it (https://helm.openwebui.com, or a
 * mirror of it); then the double's chart is also checked key by key against
 * the real one, so the double cannot drift from the chart it stands for.
 */

const REAL = process.env.HAVEN_TEST_HELM_REPOSITORY_URL?.replace(/\/+$/, '');
if (!REAL) {
  // eslint-disable-next-line no-console
  console.warn(
    'SKIPPED: Open WebUI profile against the real open-webui chart (set HAVEN_TEST_HELM_REPOSITORY_URL, e.g. https://helm.openwebui.com, to run it)',
  );
}
const DOUBLE = 'https://helm.openwebui.test';
const server = setupDoubleServer(REAL ? { url: REAL, token: '' } : undefined);

/** What the profile renders for one app (values of the HelmRelease). */
function profileValues(): Record<string, unknown> {
  const gitops = readHavenGitopsConfig(
    new ConfigReader({
      haven: {
        gitops: {
          fleetRepo: { url: 'https://github.com/haven-fleet/fleet' },
          clusters: [
            {
              name: 'haven-sandbox',
              environment: 'sandbox',
              otlpEndpoint: 'http://alloy.observability.svc:4318',
            },
          ],
        },
      },
    }),
  )!;
  const files = buildAppDelivery({
    app: 'open-webui-voorbeeld',
    namespace: 'voorbeeld',
    serviceAccount: 'open-webui-voorbeeld',
    environment: 'sandbox',
    cluster: gitops.clusters['haven-sandbox'],
    fleetBranch: 'main',
    vault: {
      server: 'https://vault.example.nl',
      kvMount: 'kv-apps',
      kvPath: 'apps/voorbeeld/open-webui-voorbeeld',
      role: 'haven-app',
      kubernetesAuthMount: 'kubernetes',
      audience: 'vault',
    },
    chart: OPEN_WEBUI_PROFILE.chart!,
    profile: OPEN_WEBUI_PROFILE,
    envValuesPath: OPEN_WEBUI_PROFILE.envValuesPath,
    podLabelsPath: OPEN_WEBUI_PROFILE.podLabelsPath,
    secrets: [
      { name: 'webui-secret-key', key: 'WEBUI_SECRET_KEY' },
      { name: 'openai-api-key', key: 'OPENAI_API_KEY' },
    ],
    refreshInterval: '1h',
    observability: {
      serviceName: 'open-webui-voorbeeld',
      serviceNamespace: 'voorbeeld',
    },
    imageAutomation: {
      image: 'ghcr.io/open-webui/open-webui',
      tag: '0.11.0',
      semverRange: '>=0.11.0 <1.0.0',
      valuesPath: 'image',
    },
  });
  const release = files
    .flatMap(f => f.objects)
    .find((o): o is IHelmRelease => o.kind === 'HelmRelease');
  return (release?.spec?.values ?? {}) as Record<string, unknown>;
}

async function lookup(repositoryUrl: string): Promise<ChartReference> {
  const result = await new HelmRepositoryReader().lookup({
    ...OPEN_WEBUI_PROFILE.chart!,
    repositoryUrl,
  });
  if (result.status !== 'checked') throw new Error(result.reason);
  return result.reference;
}

/** Every leaf path of a values tree (maps walked, lists and scalars are leaves). */
function leaves(
  value: Record<string, unknown>,
  path: string[] = [],
): Array<{ path: string[]; value: unknown }> {
  return Object.entries(value).flatMap(([k, v]) =>
    isPlainObject(v) && Object.keys(v).length > 0
      ? leaves(v, [...path, k])
      : [{ path: [...path, k], value: v }],
  );
}

function at(tree: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = tree;
  for (const k of path) {
    if (!isPlainObject(node) || !(k in node)) return undefined;
    node = node[k];
  }
  return node;
}

describe('the Open WebUI profile against the open-webui chart', () => {
  it('sets only values keys the Helm repository double knows', async () => {
    server.use(
      ...createHelmRepositoryDouble({
        baseUrl: DOUBLE,
        charts: [OPEN_WEBUI_16],
      }).handlers,
    );
    expect(unknownValueKeys(profileValues(), await lookup(DOUBLE))).toEqual([]);
  });
});

(REAL ? describe : describe.skip)('the real open-webui chart', () => {
  it('sets only values keys the real chart knows', async () => {
    const real = await lookup(REAL!);
    expect(real.version).toMatch(/^16\./);
    expect(unknownValueKeys(profileValues(), real)).toEqual([]);
  });

  it('holds in the double only keys and defaults the real chart has', async () => {
    const real = await lookup(REAL!);
    const differences = leaves(OPEN_WEBUI_16.values).flatMap(leaf => {
      const theirs = at(real.defaults, leaf.path);
      return JSON.stringify(theirs) === JSON.stringify(leaf.value)
        ? []
        : [
            `${formatValuePath(leaf.path)}: double ${JSON.stringify(
              leaf.value,
            )}, chart ${JSON.stringify(theirs)}`,
          ];
    });
    expect(differences).toEqual([]);
    expect(real.subcharts).toEqual(
      expect.arrayContaining(OPEN_WEBUI_16.dependencies!.map(d => d.name)),
    );
  });
});
