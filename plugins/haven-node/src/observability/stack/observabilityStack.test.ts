import { InputError } from '@backstage/errors';
import { expectKnownValues } from '@haven-plus/haven-test-utils';
import { tenantDatasourceUids } from '@haven-plus/plugin-haven-common';
import type { HavenGitopsCluster } from '../../gitops/types';
import {
  buildObservabilityStack,
  observabilityDatasources,
  type ObservabilityStackInput,
  type ObservabilityTenancy,
} from '.';

const UIDS = { loki: 'haven-loki', tempo: 'haven-tempo', mimir: 'haven-mimir' };

const CLUSTER: HavenGitopsCluster = {
  name: 'haven-sandbox',
  environment: 'sandbox',
  appsPath: 'apps/haven-sandbox',
  fluxPath: 'clusters/haven-sandbox/apps',
  fluxNamespace: 'flux-system',
  sourceRef: { kind: 'GitRepository', name: 'flux-system' },
  dependsOn: [],
  otlpProtocol: 'http/protobuf',
  ingress: {},
};

const PER_TEAM: ObservabilityTenancy = {
  mode: 'per-team',
  defaultTenant: 'platform',
  teams: [
    { tenant: 'team-a', namespaces: ['shop', 'shop-staging'] },
    { tenant: 'team-b', namespaces: ['billing'] },
  ],
};

function input(tenancy: ObservabilityTenancy): ObservabilityStackInput {
  return {
    cluster: CLUSTER,
    folder: 'infrastructure/haven-sandbox/observability',
    namespace: 'observability',
    storage: {
      endpoint: 's3.nl-ams.scw.cloud',
      region: 'nl-ams',
      bucketPrefix: 'haven-sandbox',
      forcePathStyle: true,
    },
    retention: { logs: '744h', metrics: '2160h', traces: '336h' },
    tenancy,
    modes: { loki: 'monolithic', tempo: 'monolithic' },
    grafana: {},
    vault: {
      server: 'https://vault.example.nl',
      kvMount: 'kv-apps',
      kubernetesAuthMount: 'kubernetes',
      role: 'haven-observability',
      path: 'platform/haven-sandbox/observability',
      audience: 'vault',
    },
    datasourceUids: UIDS,
    alloyConfig: '// rendered elsewhere\n',
  };
}

function values(tenancy: ObservabilityTenancy): Record<string, any> {
  const files = buildObservabilityStack(input(tenancy));
  return Object.fromEntries(
    files
      .flatMap(f => f.objects as any[])
      .filter(o => o.kind === 'HelmRelease')
      .map(o => [o.metadata.name, o.spec.values]),
  );
}

const datasourcesOf = (v: Record<string, any>): any[] =>
  v.grafana.datasources['datasources.yaml'].datasources;

describe('Grafana datasources per tenant', () => {
  it('provisions Loki, Tempo and Mimir per tenant, the default tenant keeping the configured UIDs', () => {
    const ds = datasourcesOf(values(PER_TEAM));
    expect(
      ds.map(d => [
        d.name,
        d.uid,
        d.jsonData.httpHeaderName1,
        d.secureJsonData.httpHeaderValue1,
      ]),
    ).toEqual([
      ['Loki', 'haven-loki', 'X-Scope-OrgID', 'platform'],
      ['Tempo', 'haven-tempo', 'X-Scope-OrgID', 'platform'],
      ['Mimir', 'haven-mimir', 'X-Scope-OrgID', 'platform'],
      ['Loki (team-a)', 'haven-loki-team-a', 'X-Scope-OrgID', 'team-a'],
      ['Tempo (team-a)', 'haven-tempo-team-a', 'X-Scope-OrgID', 'team-a'],
      ['Mimir (team-a)', 'haven-mimir-team-a', 'X-Scope-OrgID', 'team-a'],
      ['Loki (team-b)', 'haven-loki-team-b', 'X-Scope-OrgID', 'team-b'],
      ['Tempo (team-b)', 'haven-tempo-team-b', 'X-Scope-OrgID', 'team-b'],
      ['Mimir (team-b)', 'haven-mimir-team-b', 'X-Scope-OrgID', 'team-b'],
    ]);
  });

  it("links traces, logs, the service map and exemplars to the same tenant's datasources", () => {
    const ds = datasourcesOf(values(PER_TEAM));
    const byUid = new Map(ds.map(d => [d.uid, d]));
    const tenantOf = (uid: string) =>
      byUid.get(uid)!.secureJsonData.httpHeaderValue1;
    for (const d of ds) {
      const tenant = d.secureJsonData.httpHeaderValue1;
      const links = [
        ...(d.jsonData.derivedFields ?? []).map((f: any) => f.datasourceUid),
        d.jsonData.tracesToLogsV2?.datasourceUid,
        d.jsonData.serviceMap?.datasourceUid,
        ...(d.jsonData.exemplarTraceIdDestinations ?? []).map(
          (x: any) => x.datasourceUid,
        ),
      ].filter(Boolean);
      expect(links.length).toBeGreaterThan(0);
      for (const uid of links)
        expect([d.uid, uid, tenantOf(uid)]).toEqual([d.uid, uid, tenant]);
    }
    const teamATempo = byUid.get('haven-tempo-team-a')!;
    expect(teamATempo.jsonData.tracesToLogsV2.datasourceUid).toBe(
      'haven-loki-team-a',
    );
    expect(teamATempo.jsonData.serviceMap.datasourceUid).toBe(
      'haven-mimir-team-a',
    );
  });

  it('keeps single and multi tenancy as they were: one set, the header only with a tenant', () => {
    const single = datasourcesOf(values({ mode: 'single' }));
    expect(single.map(d => [d.name, d.uid])).toEqual([
      ['Loki', 'haven-loki'],
      ['Tempo', 'haven-tempo'],
      ['Mimir', 'haven-mimir'],
    ]);
    expect(single.every(d => d.secureJsonData === undefined)).toBe(true);
    expect(single.every(d => !('httpHeaderName1' in d.jsonData))).toBe(true);
    const multi = datasourcesOf(values({ mode: 'multi', tenant: 'platform' }));
    expect(multi.map(d => [d.uid, d.secureJsonData])).toEqual([
      ['haven-loki', { httpHeaderValue1: 'platform' }],
      ['haven-tempo', { httpHeaderValue1: 'platform' }],
      ['haven-mimir', { httpHeaderValue1: 'platform' }],
    ]);
  });

  it('derives UIDs Grafana accepts from any tenant ID', () => {
    expect(tenantDatasourceUids(UIDS, 'team_a-1')).toEqual({
      loki: 'haven-loki-team_a-1',
      tempo: 'haven-tempo-team_a-1',
      mimir: 'haven-mimir-team_a-1',
    });
    for (const tenant of ["team.a'(x)*", 'a'.repeat(150), 'team.a', 'team_a']) {
      for (const uid of Object.values(tenantDatasourceUids(UIDS, tenant))) {
        expect(uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
      }
    }
    // team.a and team_a would both sanitise to team_a: the hash (FNV-1a,
    // 32 bits; "a" -> e40c292c) keeps them apart.
    expect(tenantDatasourceUids(UIDS, 'team.a').loki).toBe(
      'haven-loki-team_a-0edf1fa5',
    );
    expect(tenantDatasourceUids(UIDS, 'a'.repeat(150)).mimir).toMatch(
      /^haven-mimir-a{19}-[0-9a-f]{8}$/,
    );
    expect(() =>
      tenantDatasourceUids({ ...UIDS, loki: 'l'.repeat(35) }, 'team-a'),
    ).toThrow(InputError);
  });

  it('refuses tenants whose datasources would clash, and bad teams', () => {
    expect(() =>
      observabilityDatasources(
        {
          mode: 'per-team',
          defaultTenant: 'platform',
          // Made to collide: loki "a" + "-b-c" and tempo "a-b" + "-c".
          teams: [
            { tenant: 'b-c', namespaces: ['a'] },
            { tenant: 'c', namespaces: ['b'] },
          ],
        },
        { loki: 'a', tempo: 'a-b', mimir: 'm' },
      ),
    ).toThrow(
      'Tenants "b-c" and "c" would share the Grafana datasource UID "a-b-c"; rename one of them',
    );
    expect(() =>
      values({
        mode: 'per-team',
        defaultTenant: 'platform',
        teams: [
          { tenant: 'team-a', namespaces: ['shop'] },
          { tenant: 'team-b', namespaces: ['shop'] },
        ],
      }),
    ).toThrow(/listed by two teams/);
  });
});

describe('backends under per-team tenancy', () => {
  it('turn multi-tenancy on in Loki, Tempo and Mimir', () => {
    const v = values(PER_TEAM);
    expect(v.loki.loki.auth_enabled).toBe(true);
    expect(v.tempo.tempo.multitenancyEnabled).toBe(true);
    expect(v.mimir.mimir.structuredConfig.multitenancy_enabled).toBe(true);
    const single = values({ mode: 'single' });
    expect(single.loki.loki.auth_enabled).toBe(false);
    expect(single.mimir.mimir.structuredConfig.multitenancy_enabled).toBe(
      false,
    );
  });

  it("promote service.name, service.namespace and the environment to labels in Mimir's OTLP ingest, with Prometheus suffixes", () => {
    expect(values(PER_TEAM).mimir.mimir.structuredConfig.limits).toEqual({
      compactor_blocks_retention_period: '2160h',
      // the entity page's metric names assume it (haven-common promql.ts)
      otel_metric_suffixes_enabled: true,
      promote_otel_resource_attributes:
        'service.name,service.namespace,deployment.environment.name',
    });
  });

  it.each([
    ['loki', 'loki'],
    ['tempo', 'tempo'],
    ['alloy', 'alloy'],
    ['grafana', 'grafana'],
  ])(
    '%s values still use only keys its chart knows (and Loki its schema)',
    (release, chart) => {
      let skipped: string | undefined;
      // Throws, listing them, on keys the chart lacks (and Loki schema problems).
      expect(() => {
        skipped = expectKnownValues(chart, values(PER_TEAM)[release], {
          allowMissingReference: true,
        }).skipped;
      }).not.toThrow();
      if (skipped) {
        // eslint-disable-next-line no-console
        console.warn(`SKIPPED: values of ${release} (${skipped})`);
      }
    },
  );
});

describe('the stack ClusterSecretStore', () => {
  it("signs in to Vault as External Secrets' own service account and serves only the stack's namespace", () => {
    const store = buildObservabilityStack({
      ...input({ mode: 'single' }),
      vault: { ...input({ mode: 'single' }).vault, namespace: 'platform' },
    })
      .flatMap(f => f.objects as any[])
      .find(o => o.kind === 'ClusterSecretStore');
    expect(store.spec).toEqual({
      provider: {
        vault: {
          server: 'https://vault.example.nl',
          path: 'kv-apps',
          version: 'v2',
          namespace: 'platform',
          auth: {
            kubernetes: {
              mountPath: 'kubernetes',
              role: 'haven-observability',
              serviceAccountRef: {
                name: 'external-secrets',
                namespace: 'external-secrets',
                audiences: ['vault'],
              },
            },
          },
        },
      },
      conditions: [{ namespaces: ['observability'] }],
    });
  });
});
