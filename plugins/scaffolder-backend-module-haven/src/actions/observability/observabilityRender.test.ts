import { createMockDirectory } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  expectKnownValues,
  expectValidManifests,
  loadManifestValidator,
} from '@haven-plus/haven-test-utils';
import { DEFAULT_DATASOURCE_UIDS } from '@haven-plus/plugin-haven-common';
import { checkAlloyWiring } from '@haven-plus/plugin-haven-node/testUtils';
import { parseAllDocuments } from 'yaml';
import {
  gitopsConfigs,
  readTree,
  run,
} from '../gitops/__testUtils__/gitopsHarness';
import { createObservabilityRenderAction } from './observabilityRender';

const DIR = 'infrastructure/haven-sandbox/observability';
const action = () =>
  createObservabilityRenderAction({
    ...gitopsConfigs(),
    datasourceUids: DEFAULT_DATASOURCE_UIDS,
  });
const INPUT = {
  cluster: 'haven-sandbox',
  storage: { provider: 'scaleway-nl-ams', bucketPrefix: 'haven-sandbox' },
  grafanaHostname: 'grafana.haven-sandbox.example.nl',
};
const DISTRIBUTED = {
  ...INPUT,
  tenancy: { mode: 'multi', tenant: 'platform' },
  modes: { loki: 'distributed', tempo: 'distributed' },
};

const PER_TEAM = {
  ...INPUT,
  tenancy: {
    mode: 'per-team',
    defaultTenant: 'platform',
    teams: [
      { tenant: 'team-shop', namespaces: ['shop', 'shop-staging'] },
      { tenant: 'team-billing', namespaces: ['billing'] },
    ],
  },
};

function docs(text: string): any[] {
  return parseAllDocuments(text).map(d => d.toJS());
}

function releases(tree: Record<string, string>): Record<string, any> {
  return Object.fromEntries(
    Object.values(tree)
      .flatMap(docs)
      .filter(d => d.kind === 'HelmRelease')
      .map(d => [d.metadata.name, d]),
  );
}

/** Which reference chart each release's values are checked against. */
const CHART_OF: Record<string, (modes: any) => string> = {
  loki: () => 'loki',
  tempo: modes =>
    modes?.tempo === 'distributed' ? 'tempo-distributed' : 'tempo',
  mimir: () => 'mimir-distributed',
  alloy: () => 'alloy',
  grafana: () => 'grafana',
};

describe('haven:observability:render', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  it('writes the stack folder and its Flux Kustomization', async () => {
    const result = await run(action(), INPUT, workspace.path, false);
    expect(result.error).toBeUndefined();
    const tree = readTree(`${workspace.path}/fleet`);
    expect(Object.keys(tree).sort()).toEqual(
      [
        `${DIR}/alloy.yaml`,
        `${DIR}/grafana.yaml`,
        `${DIR}/kustomization.yaml`,
        `${DIR}/loki.yaml`,
        `${DIR}/mimir.yaml`,
        `${DIR}/namespace.yaml`,
        `${DIR}/secrets.yaml`,
        `${DIR}/sources.yaml`,
        `${DIR}/tempo.yaml`,
        'clusters/haven-sandbox/observability.yaml',
      ].sort(),
    );
    expect(result.outputs).toMatchObject({
      folder: DIR,
      pullRequestBranch: 'haven/haven-sandbox/observability',
      otlpEndpoint: 'http://alloy.observability.svc.cluster.local:4318',
      vaultSecrets: [
        'kv-apps/platform/haven-sandbox/observability/s3 (access_key_id, secret_access_key)',
        'kv-apps/platform/haven-sandbox/observability/grafana-admin (user, password)',
      ],
    });
    const r = releases(tree);
    expect(
      Object.fromEntries(
        Object.entries(r).map(([name, d]) => [
          name,
          (d.spec.dependsOn ?? []).map((x: any) => x.name),
        ]),
      ),
    ).toEqual({
      loki: [],
      tempo: [],
      mimir: [],
      alloy: ['loki', 'tempo', 'mimir'],
      grafana: ['loki', 'tempo', 'mimir'],
    });
    // Chart homes: grafana-community OCI for Loki, Tempo, Grafana (reference README).
    const sources = docs(tree[`${DIR}/sources.yaml`]);
    expect(sources.map(s => [s.kind, s.spec.url, s.spec.ref?.tag])).toEqual([
      [
        'OCIRepository',
        'oci://ghcr.io/grafana-community/helm-charts/loki',
        '18.11.0',
      ],
      [
        'OCIRepository',
        'oci://ghcr.io/grafana-community/helm-charts/tempo',
        '2.2.4',
      ],
      [
        'OCIRepository',
        'oci://ghcr.io/grafana-community/helm-charts/grafana',
        '12.11.1',
      ],
      ['HelmRepository', 'https://grafana.github.io/helm-charts', undefined],
    ]);
  });

  it('keeps credentials out of the repository: S3 keys and Grafana admin come from Vault via External Secrets', async () => {
    await run(action(), INPUT, workspace.path, false);
    const tree = readTree(`${workspace.path}/fleet`);
    const secrets = docs(tree[`${DIR}/secrets.yaml`]);
    expect(secrets.map(s => s.kind)).toEqual([
      'ClusterSecretStore',
      'ExternalSecret',
      'ExternalSecret',
    ]);
    expect(secrets[1].spec.data).toEqual([
      {
        secretKey: 'S3_ACCESS_KEY_ID',
        remoteRef: {
          key: 'platform/haven-sandbox/observability/s3',
          property: 'access_key_id',
        },
      },
      {
        secretKey: 'S3_SECRET_ACCESS_KEY',
        remoteRef: {
          key: 'platform/haven-sandbox/observability/s3',
          property: 'secret_access_key',
        },
      },
    ]);
    const loki = releases(tree).loki.spec.values;
    expect(loki.loki.storage.s3.accessKeyId).toBe('${S3_ACCESS_KEY_ID}');
    expect(loki.defaults.extraArgs).toContain('-config.expand-env=true');
    expect(loki.loki.storage.bucketNames).toEqual({
      chunks: 'haven-sandbox-loki-chunks',
      ruler: 'haven-sandbox-loki-ruler',
    });
    expect(loki.loki.storage.s3.endpoint).toBe('s3.nl-ams.scw.cloud');
  });

  it('provisions Grafana datasources with the fixed UIDs and trace <-> log links', async () => {
    await run(action(), INPUT, workspace.path, false);
    const grafana = releases(readTree(`${workspace.path}/fleet`)).grafana.spec
      .values;
    const ds = grafana.datasources['datasources.yaml'].datasources;
    expect(ds.map((d: any) => [d.type, d.uid])).toEqual([
      ['loki', 'haven-loki'],
      ['tempo', 'haven-tempo'],
      ['prometheus', 'haven-mimir'],
    ]);
    expect(ds[1].jsonData.tracesToLogsV2.datasourceUid).toBe('haven-loki');
    expect(ds[0].jsonData.derivedFields[0].datasourceUid).toBe('haven-tempo');
  });

  it("wires Alloy's configuration: every component's inputs lead to an existing output", async () => {
    for (const input of [INPUT, DISTRIBUTED, PER_TEAM]) {
      workspace.clear();
      await run(action(), input, workspace.path, false);
      const alloy = releases(readTree(`${workspace.path}/fleet`)).alloy.spec
        .values;
      const config: string = alloy.alloy.configMap.content;
      expect(checkAlloyWiring(config)).toEqual([]);
      expect(config).toContain('otelcol.receiver.otlp "default"');
      expect(config).toContain(
        'http://loki-gateway.observability.svc.cluster.local/otlp',
      );
    }
  });

  it.each([
    ['monolithic, one tenant', INPUT],
    ['distributed, multi-tenant', DISTRIBUTED],
    ['monolithic, a tenant per team', PER_TEAM],
  ])(
    '%s: every Flux and ESO document validates strictly, every chart value key exists in its chart',
    async (_what, input) => {
      await run(action(), input as JsonObject, workspace.path, false);
      const tree = readTree(`${workspace.path}/fleet`);
      const validator = loadManifestValidator();
      for (const [file, text] of Object.entries(tree)) {
        expectValidManifests(validator, text, file);
      }
      for (const [name, release] of Object.entries(releases(tree))) {
        const chart = CHART_OF[name]((input as any).modes);
        const result = expectKnownValues(chart, release.spec.values, {
          allowMissingReference: true,
        });
        if (result?.skipped) {
          // eslint-disable-next-line no-console
          console.warn(`SKIPPED: values of ${name} (${result.skipped})`);
        }
      }
    },
  );

  it.each([
    [
      'bucket prefix',
      { storage: { provider: 'scaleway-nl-ams', bucketPrefix: 'Bad_Bucket' } },
      /bucketPrefix/,
    ],
    [
      'custom endpoint',
      {
        storage: {
          provider: 'custom',
          endpoint: 'http://x',
          region: 'nl',
          bucketPrefix: 'ok',
        },
      },
      /storage.endpoint/,
    ],
    [
      'retention',
      { retention: { logs: '31 days', metrics: '1h', traces: '1h' } },
      /retention.logs/,
    ],
    [
      'tenant',
      { tenancy: { mode: 'multi', tenant: 'Team A' } },
      /tenancy.tenant/,
    ],
    ['cluster', { cluster: 'elsewhere' }, /Unknown cluster/],
    ['grafana hostname', { grafanaHostname: 'grafana' }, /grafanaHostname/],
  ])(
    'rejects a bad %s before writing anything',
    async (_what, patch, message) => {
      const result = await run(
        action(),
        { ...INPUT, ...patch } as JsonObject,
        workspace.path,
        false,
      );
      expect(result.error).toBeInstanceOf(InputError);
      expect(result.error?.message).toMatch(message);
      expect(readTree(workspace.path)).toEqual({});
    },
  );

  it("routes each team's namespaces to its own tenant, with Grafana datasources per tenant", async () => {
    const result = await run(
      action(),
      PER_TEAM as JsonObject,
      workspace.path,
      false,
    );
    expect(result.error).toBeUndefined();
    expect(result.outputs.tenants).toEqual([
      'platform: every namespace no team lists; Grafana datasources haven-loki, haven-tempo, haven-mimir',
      'team-shop: namespaces shop, shop-staging; Grafana datasources haven-loki-team-shop, haven-tempo-team-shop, haven-mimir-team-shop',
      'team-billing: namespaces billing; Grafana datasources haven-loki-team-billing, haven-tempo-team-billing, haven-mimir-team-billing',
    ]);
    const r = releases(readTree(`${workspace.path}/fleet`));
    const config: string = r.alloy.spec.values.alloy.configMap.content;
    for (const tenant of ['platform', 'team-shop', 'team-billing']) {
      expect(config).toContain(`"X-Scope-OrgID" = "${tenant}"`);
      expect(config).toContain(`tenant_id = "${tenant}"`);
    }
    expect(r.loki.spec.values.loki.auth_enabled).toBe(true);
    const ds =
      r.grafana.spec.values.datasources['datasources.yaml'].datasources;
    expect(ds.map((d: any) => d.uid)).toEqual([
      'haven-loki',
      'haven-tempo',
      'haven-mimir',
      'haven-loki-team-shop',
      'haven-tempo-team-shop',
      'haven-mimir-team-shop',
      'haven-loki-team-billing',
      'haven-tempo-team-billing',
      'haven-mimir-team-billing',
    ]);
  });

  it.each([
    [
      'a namespace two teams claim',
      {
        mode: 'per-team',
        defaultTenant: 'platform',
        teams: [
          { tenant: 'team-shop', namespaces: ['shop'] },
          { tenant: 'team-billing', namespaces: ['billing', 'shop'] },
        ],
      },
      'Namespace "shop" is listed by two teams: "team-shop" (tenancy.teams[0]) and "team-billing" (tenancy.teams[1])',
    ],
    [
      'no default tenant',
      { mode: 'per-team', teams: [{ tenant: 'a', namespaces: ['a'] }] },
      'tenancy.defaultTenant is required with per-team tenancy',
    ],
    [
      'no teams',
      { mode: 'per-team', defaultTenant: 'platform' },
      'tenancy.teams is required with per-team tenancy',
    ],
    [
      "a team tenant with '|'",
      {
        mode: 'per-team',
        defaultTenant: 'platform',
        teams: [{ tenant: 'a|b', namespaces: ['a'] }],
      },
      'Invalid tenancy.teams[0].tenant',
    ],
    [
      'a team namespace that is no DNS label',
      {
        mode: 'per-team',
        defaultTenant: 'platform',
        teams: [{ tenant: 'a', namespaces: ['Shop'] }],
      },
      'Invalid tenancy.teams[0].namespaces[0]',
    ],
  ])(
    'refuses per-team tenancy with %s, before writing anything',
    async (_what, tenancy, message) => {
      const result = await run(
        action(),
        { ...INPUT, tenancy } as JsonObject,
        workspace.path,
        false,
      );
      expect(result.error).toBeInstanceOf(InputError);
      expect(result.error?.message).toContain(message);
      expect(readTree(workspace.path)).toEqual({});
    },
  );

  it('reads like a person wrote it', async () => {
    await run(action(), INPUT, workspace.path, false);
    const tree = readTree(`${workspace.path}/fleet`);
    expect(tree[`${DIR}/loki.yaml`]).toMatchSnapshot();
    expect(tree[`${DIR}/alloy.yaml`]).toMatchSnapshot();
  });
});
