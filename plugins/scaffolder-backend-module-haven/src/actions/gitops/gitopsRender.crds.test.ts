import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  expectValidManifests,
  kustomizeBuild,
  loadManifestValidator,
  type ManifestValidator,
} from '@haven-plus/haven-test-utils';
import type { JsonObject } from '@backstage/types';
import { parseAllDocuments } from 'yaml';
import {
  gitopsConfigs,
  OPEN_WEBUI_INPUT,
  readTree,
  runRender,
} from './__testUtils__/gitopsHarness';

/*
 * Every document haven:gitops:render writes, validated strictly against the
 * upstream CRDs (the extract in haven-doubles' reference/crds): an unknown
 * field is an error, as under the API server's strict field validation,
 * instead of being pruned.
 */

const { hostname: _noHostname, ...withoutHostname } = OPEN_WEBUI_INPUT;

const VARIANTS: Array<[string, JsonObject, JsonObject]> = [
  ['Open WebUI with secrets, OTLP and an Ingress', OPEN_WEBUI_INPUT, {}],
  [
    'an OCI chart with image automation and no telemetry',
    {
      component: 'podinfo',
      cluster: 'haven-sandbox',
      chart: {
        repositoryUrl: 'oci://ghcr.io/stefanprodan/charts',
        name: 'podinfo',
        version: '>=6.9.0 <7.0.0',
      },
      observability: false,
      imageAutomation: {
        image: 'ghcr.io/stefanprodan/podinfo',
        tag: '6.9.2',
        semverRange: '>=6.9.0 <7.0.0',
        valuesPath: 'image',
      },
    },
    {},
  ],
  [
    'a platform ClusterSecretStore and a nested env value path',
    { ...withoutHostname, envValuesPath: 'app.container.env' },
    { clusterSecretStore: 'vault-apps', fluxNamespace: 'flux-apps' },
  ],
];

describe('haven:gitops:render output against the CRDs', () => {
  const workspace = createMockDirectory();
  let validator: ManifestValidator;
  beforeAll(() => {
    validator = loadManifestValidator();
  });
  beforeEach(() => workspace.clear());

  it.each(VARIANTS)(
    '%s: every document validates strictly',
    async (_what, input, cluster) => {
      const run = await runRender(
        gitopsConfigs(cluster),
        input,
        workspace.path,
      );
      expect(run.error).toBeUndefined();
      const tree = readTree(`${workspace.path}/fleet`);
      let documents = 0;
      const releases: any[] = [];
      for (const [file, text] of Object.entries(tree)) {
        expectValidManifests(validator, text, file);
        for (const doc of parseAllDocuments(text).map(d => d.toJS())) {
          documents += 1;
          if (doc.kind === 'HelmRelease') releases.push(doc);
        }
      }
      expect(documents).toBeGreaterThanOrEqual(7);
      // A CEL rule of the HelmRelease CRD, which the schema check does not
      // evaluate: exactly one of chart and chartRef.
      expect(releases).toHaveLength(1);
      expect(
        releases.map(
          r => Number(Boolean(r.spec.chart)) + Number(Boolean(r.spec.chartRef)),
        ),
      ).toEqual([1]);
    },
  );

  it('catches what the API server would silently prune: a misspelt field fails', async () => {
    await runRender(gitopsConfigs(), OPEN_WEBUI_INPUT, workspace.path);
    const tree = readTree(`${workspace.path}/fleet`);
    const file = 'apps/haven-sandbox/open-webui-voorbeeld/externalsecret.yaml';
    const broken = tree[file].replace('refreshInterval:', 'refreshIntervall:');
    expect(() => expectValidManifests(validator, broken, file)).toThrow(
      /unknown field "refreshIntervall"/,
    );
  });

  it('kubectl kustomize builds the app folder into exactly the listed objects, each labelled', async () => {
    await runRender(gitopsConfigs(), OPEN_WEBUI_INPUT, workspace.path);
    const built = await kustomizeBuild(
      `${workspace.path}/fleet/apps/haven-sandbox/open-webui-voorbeeld`,
    );
    if (built.skipped) {
      // eslint-disable-next-line no-console
      console.warn(
        `SKIPPED: kubectl kustomize of the app folder (${built.reason})`,
      );
      return;
    }
    const objects = parseAllDocuments(built.output).map(d => d.toJS());
    expect(objects.map(o => o.kind).sort()).toEqual(
      [
        'ExternalSecret',
        'HelmRelease',
        'HelmRepository',
        'Ingress',
        'Namespace',
        'SecretStore',
        'ServiceAccount',
      ].sort(),
    );
    for (const o of objects) {
      expect(o.metadata.labels['backstage.io/kubernetes-id']).toBe(
        'open-webui-voorbeeld',
      );
      expectValidManifests(validator, o, `kustomize:${o.kind}`);
    }
  });
});
