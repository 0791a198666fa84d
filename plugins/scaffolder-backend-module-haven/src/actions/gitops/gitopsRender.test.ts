import { createMockDirectory } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import {
  gitopsConfigs,
  OPEN_WEBUI_INPUT,
  readTree,
  runRender,
} from './__testUtils__/gitopsHarness';

const APP_DIR = 'apps/haven-sandbox/open-webui-voorbeeld';

function docs(text: string): any[] {
  return parseAllDocuments(text).map(d => d.toJS());
}

describe('haven:gitops:render', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  it('writes the app folder and its Flux Kustomization where the fleet repo expects them', async () => {
    const result = await runRender(
      gitopsConfigs(),
      OPEN_WEBUI_INPUT,
      workspace.path,
    );
    expect(result.error).toBeUndefined();
    const tree = readTree(`${workspace.path}/fleet`);
    expect(Object.keys(tree).sort()).toEqual(
      [
        `${APP_DIR}/externalsecret.yaml`,
        `${APP_DIR}/helmrelease.yaml`,
        `${APP_DIR}/ingress.yaml`,
        `${APP_DIR}/kustomization.yaml`,
        `${APP_DIR}/namespace.yaml`,
        `${APP_DIR}/secretstore.yaml`,
        `${APP_DIR}/serviceaccount.yaml`,
        `${APP_DIR}/source.yaml`,
        'clusters/haven-sandbox/apps/open-webui-voorbeeld.yaml',
      ].sort(),
    );
    expect(result.outputs).toMatchObject({
      environment: 'sandbox',
      namespace: 'voorbeeld',
      appPath: APP_DIR,
      registerFile: 'fleet/clusters/haven-sandbox/apps/kustomization.yaml',
      registerFileUrl:
        'https://github.com/haven-fleet/fleet/blob/main/clusters/haven-sandbox/apps/kustomization.yaml',
      registerEntry: 'open-webui-voorbeeld.yaml',
      fleetRepoUrl: 'github.com?owner=haven-fleet&repo=fleet',
      fleetProvider: 'github',
      fleetBranch: 'main',
      pullRequestBranch: 'haven/haven-sandbox/open-webui-voorbeeld',
      catalogInfoPath: `fleet/${APP_DIR}/catalog-info.yaml`,
      annotations: {
        'backstage.io/kubernetes-id': 'open-webui-voorbeeld',
        'vault.io/secrets-engine': 'kv-apps',
        'vault.io/secrets-path': 'apps/voorbeeld/open-webui-voorbeeld',
        'haven.plus/otel-service-name': 'open-webui-voorbeeld',
        'haven.plus/otel-service-namespace': 'voorbeeld',
      },
    });

    // Every object carries the kubernetes-id label.
    for (const [file, text] of Object.entries(tree)) {
      for (const doc of docs(text)) {
        if (file.endsWith('/kustomization.yaml')) continue;
        expect([file, doc.metadata?.labels]).toEqual([
          file,
          { 'backstage.io/kubernetes-id': 'open-webui-voorbeeld' },
        ]);
      }
    }
  });

  it('maps each Vault secret to a key of the synced Secret and the chart environment, with the OTLP settings', async () => {
    await runRender(gitopsConfigs(), OPEN_WEBUI_INPUT, workspace.path);
    const tree = readTree(`${workspace.path}/fleet`);
    const [externalSecret] = docs(tree[`${APP_DIR}/externalsecret.yaml`]);
    expect(externalSecret.spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: {
        kind: 'SecretStore',
        name: 'open-webui-voorbeeld-vault',
      },
      target: {
        name: 'open-webui-voorbeeld-vault',
        creationPolicy: 'Owner',
        deletionPolicy: 'Retain',
      },
      data: [
        {
          secretKey: 'WEBUI_SECRET_KEY',
          remoteRef: {
            key: 'apps/voorbeeld/open-webui-voorbeeld/webui-secret-key',
            property: 'value',
          },
        },
        {
          secretKey: 'OPENAI_API_KEY',
          remoteRef: {
            key: 'apps/voorbeeld/open-webui-voorbeeld/openai-api-key',
            property: 'value',
          },
        },
      ],
    });
    const [store] = docs(tree[`${APP_DIR}/secretstore.yaml`]);
    expect(store.spec.provider.vault).toEqual({
      server: 'https://vault.haven.example.nl',
      path: 'kv-apps',
      version: 'v2',
      auth: {
        kubernetes: {
          mountPath: 'kubernetes',
          role: 'haven-voorbeeld.open-webui-voorbeeld',
          serviceAccountRef: {
            name: 'open-webui-voorbeeld',
            audiences: ['vault'],
          },
        },
      },
    });
    const [release] = docs(tree[`${APP_DIR}/helmrelease.yaml`]);
    expect(release.spec.chart.spec).toEqual({
      chart: 'open-webui',
      version: '8.x',
      sourceRef: {
        kind: 'HelmRepository',
        name: 'open-webui-voorbeeld',
        namespace: 'voorbeeld',
      },
      interval: '12h',
    });
    expect(release.spec.values.extraEnvVars).toEqual([
      {
        name: 'WEBUI_SECRET_KEY',
        valueFrom: {
          secretKeyRef: {
            name: 'open-webui-voorbeeld-vault',
            key: 'WEBUI_SECRET_KEY',
          },
        },
      },
      {
        name: 'OPENAI_API_KEY',
        valueFrom: {
          secretKeyRef: {
            name: 'open-webui-voorbeeld-vault',
            key: 'OPENAI_API_KEY',
          },
        },
      },
      { name: 'OTEL_SERVICE_NAME', value: 'open-webui-voorbeeld' },
      {
        name: 'OTEL_RESOURCE_ATTRIBUTES',
        value:
          'service.namespace=voorbeeld,deployment.environment.name=sandbox,deployment.environment=sandbox,k8s.cluster.name=haven-sandbox',
      },
      {
        name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
        value: 'http://alloy.observability.svc.cluster.local:4318',
      },
      { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' },
    ]);
    const [flux] = docs(
      tree['clusters/haven-sandbox/apps/open-webui-voorbeeld.yaml'],
    );
    expect(flux.spec).toEqual({
      interval: '10m',
      retryInterval: '2m',
      timeout: '5m',
      path: `./${APP_DIR}`,
      prune: true,
      wait: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      dependsOn: [{ name: 'infrastructure' }],
    });
    const [kustomization] = docs(tree[`${APP_DIR}/kustomization.yaml`]);
    expect(kustomization.resources).toEqual([
      'namespace.yaml',
      'serviceaccount.yaml',
      'secretstore.yaml',
      'externalsecret.yaml',
      'source.yaml',
      'helmrelease.yaml',
      'ingress.yaml',
    ]);
  });

  it('reads like a person wrote it', async () => {
    await runRender(gitopsConfigs(), OPEN_WEBUI_INPUT, workspace.path);
    const tree = readTree(`${workspace.path}/fleet`);
    expect(tree[`${APP_DIR}/helmrelease.yaml`]).toMatchSnapshot();
    expect(tree[`${APP_DIR}/externalsecret.yaml`]).toMatchSnapshot();
    expect(
      tree['clusters/haven-sandbox/apps/open-webui-voorbeeld.yaml'],
    ).toMatchSnapshot();
  });

  it('uses an OCIRepository and chartRef for an oci:// chart, and marks the image tag for Flux image automation', async () => {
    await runRender(
      gitopsConfigs(),
      {
        component: 'podinfo',
        cluster: 'haven-sandbox',
        chart: {
          repositoryUrl: 'oci://ghcr.io/stefanprodan/charts',
          name: 'podinfo',
          version: '6.9.2',
        },
        observability: false,
        imageAutomation: {
          image: 'ghcr.io/stefanprodan/podinfo',
          tag: '6.9.2',
          semverRange: '>=6.9.0 <7.0.0',
        },
      },
      workspace.path,
    );
    const tree = readTree(`${workspace.path}/fleet`);
    const dir = 'apps/haven-sandbox/podinfo';
    expect(Object.keys(tree).sort()).toEqual(
      [
        `${dir}/helmrelease.yaml`,
        `${dir}/image-automation.yaml`,
        `${dir}/kustomization.yaml`,
        `${dir}/namespace.yaml`,
        `${dir}/serviceaccount.yaml`,
        `${dir}/source.yaml`,
        'clusters/haven-sandbox/apps/podinfo.yaml',
      ].sort(),
    );
    const [source] = docs(tree[`${dir}/source.yaml`]);
    expect(source.kind).toBe('OCIRepository');
    expect(source.spec.url).toBe('oci://ghcr.io/stefanprodan/charts/podinfo');
    expect(source.spec.ref).toEqual({ tag: '6.9.2' });
    const text = tree[`${dir}/helmrelease.yaml`];
    const [release] = docs(text);
    expect(release.spec.chartRef).toEqual({
      kind: 'OCIRepository',
      name: 'podinfo',
      namespace: 'podinfo',
    });
    expect(release.spec.chart).toBeUndefined();
    expect(release.spec.values).toEqual({
      image: { repository: 'ghcr.io/stefanprodan/podinfo', tag: '6.9.2' },
      podLabels: { 'backstage.io/kubernetes-id': 'podinfo' },
    });
    expect(text).toContain(
      'tag: 6.9.2 # {"$imagepolicy":"podinfo:podinfo:tag"}',
    );
    const automation = docs(tree[`${dir}/image-automation.yaml`]);
    expect(automation.map(d => d.kind)).toEqual([
      'ImageRepository',
      'ImagePolicy',
      'ImageUpdateAutomation',
    ]);
    expect(automation[2].spec.update).toEqual({
      path: `./${dir}`,
      strategy: 'Setters',
    });
  });

  it('refers to the platform ClusterSecretStore instead of writing a SecretStore when the cluster has one', async () => {
    await runRender(
      gitopsConfigs({ clusterSecretStore: 'vault-apps' }),
      OPEN_WEBUI_INPUT,
      workspace.path,
    );
    const tree = readTree(`${workspace.path}/fleet`);
    expect(tree[`${APP_DIR}/secretstore.yaml`]).toBeUndefined();
    const [externalSecret] = docs(tree[`${APP_DIR}/externalsecret.yaml`]);
    expect(externalSecret.spec.secretStoreRef).toEqual({
      kind: 'ClusterSecretStore',
      name: 'vault-apps',
    });
  });

  it('renders byte-identical files on a re-run, and the same files in a dry run', async () => {
    await runRender(gitopsConfigs(), OPEN_WEBUI_INPUT, workspace.path);
    const first = readTree(`${workspace.path}/fleet`);
    await runRender(gitopsConfigs(), OPEN_WEBUI_INPUT, workspace.path);
    expect(readTree(`${workspace.path}/fleet`)).toEqual(first);
    workspace.clear();
    const dry = await runRender(
      gitopsConfigs(),
      OPEN_WEBUI_INPUT,
      workspace.path,
      {
        dryRun: true,
      },
    );
    expect(dry.error).toBeUndefined();
    expect(readTree(`${workspace.path}/fleet`)).toEqual(first);
  });

  it("reads an empty envValuesPath, as a form sends it, as the profile's default", async () => {
    await runRender(gitopsConfigs(), OPEN_WEBUI_INPUT, workspace.path);
    const byDefault = readTree(`${workspace.path}/fleet`);
    workspace.clear();
    const result = await runRender(
      gitopsConfigs(),
      { ...OPEN_WEBUI_INPUT, envValuesPath: '' },
      workspace.path,
    );
    expect(result.error).toBeUndefined();
    expect(readTree(`${workspace.path}/fleet`)).toEqual(byDefault);
  });

  it.each([
    ['component', { component: 'Open_WebUI' }, /component/],
    ['cluster', { cluster: 'elsewhere' }, /Unknown cluster "elsewhere"/],
    ['hostname', { hostname: 'evil.example.nl\nkind: Secret' }, /hostname/],
    [
      'chart url',
      {
        chart: {
          ...OPEN_WEBUI_INPUT.chart,
          repositoryUrl: 'http://charts.example.nl',
        },
      },
      /https:\/\/ or oci:\/\//,
    ],
    [
      'chart version',
      { chart: { ...OPEN_WEBUI_INPUT.chart, version: 'latest' } },
      /SemVer/,
    ],
    [
      'secret key',
      { secrets: [{ name: 'a', key: 'A-B' }] },
      /key of secret "a"/,
    ],
    [
      'duplicate key',
      {
        secrets: [
          { name: 'a', key: 'K' },
          { name: 'b', key: 'K' },
        ],
      },
      /listed twice/,
    ],
    ['values path', { envValuesPath: 'env[0]' }, /envValuesPath/],
    ['target path', { targetPath: '../outside' }, /targetPath/],
    ['duration', { refreshInterval: '1 day' }, /refreshInterval/],
  ])(
    'rejects a bad %s with InputError before writing anything',
    async (_what, patch, message) => {
      const result = await runRender(
        gitopsConfigs(),
        { ...OPEN_WEBUI_INPUT, ...patch },
        workspace.path,
      );
      expect(result.error).toBeInstanceOf(InputError);
      expect(result.error?.message).toMatch(message);
      expect(readTree(workspace.path)).toEqual({});
    },
  );

  it('rejects 200 generated malformed form values before writing anything', async () => {
    // Characters no field of its kind may hold; upper case only breaks DNS names.
    const breaker = fc.constantFrom(
      '\n',
      '"',
      ':',
      ' ',
      '/',
      '..',
      '{',
      '#',
      '*',
      '$',
    );
    const field = fc.constantFrom(
      'component',
      'namespace',
      'hostname',
      'chart.name',
      'chart.version',
      'secret',
      'serviceAccount',
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        field,
        breaker,
        fc.stringMatching(/^[a-z]{1,8}$/),
        async (which, bad, word) => {
          runs += 1;
          const value = `${word}${bad}${word}`;
          const input: Record<string, unknown> = { ...OPEN_WEBUI_INPUT };
          if (which === 'chart.name')
            input.chart = { ...OPEN_WEBUI_INPUT.chart, name: value };
          else if (which === 'chart.version')
            input.chart = {
              ...OPEN_WEBUI_INPUT.chart,
              version: `1.0${[' ', '*', '..'].includes(bad) ? '/' : bad}`,
            };
          else if (which === 'secret') input.secrets = [{ name: value }];
          else
            input[which] = which === 'hostname' ? `${value}.example.nl` : value;
          const result = await runRender(
            gitopsConfigs(),
            input as never,
            workspace.path,
          );
          expect(result.error).toBeInstanceOf(InputError);
          expect(readTree(workspace.path)).toEqual({});
        },
      ),
      { numRuns: 200 },
    );
    expect(runs).toBe(200);
  });

  it('says what to configure when haven.gitops is missing', async () => {
    const result = await runRender(
      { gitops: undefined, vault: gitopsConfigs().vault } as never,
      OPEN_WEBUI_INPUT,
      workspace.path,
    );
    expect(result.error?.message).toMatch(
      /haven.gitops and haven.vault must be configured/,
    );
  });
});
