import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  assertDnsLabel,
  assertTenantId,
  assertValid,
  assertVaultPath,
  dnsSubdomainProblems,
  durationProblems,
  hostnameProblems,
  type DatasourceUids,
} from '@haven-plus/plugin-haven-common';
import {
  buildObservabilityStack,
  clusterAlloyConfig,
  deliveryFileToYaml,
  observabilityDatasources,
  observabilityEndpoints,
  planTenantRoutes,
  type ObservabilityTenancy,
} from '@haven-plus/plugin-haven-node';
import { examples } from './observabilityRender.examples';
import {
  resolveClusterTarget,
  type ClusterActionConfigs,
} from '../gitops/inputs';
import {
  outputFleetPullRequest,
  pullRequestBranch,
} from '../shared/pullRequest';
import { renderIntoWorkspace, targetPathOf } from '../shared/workspace';

/** Object storage in the EU/NL the template offers, with their S3 endpoints. */
export const STORAGE_PRESETS = {
  'scaleway-nl-ams': { endpoint: 's3.nl-ams.scw.cloud', region: 'nl-ams' },
  'ovh-gra': { endpoint: 's3.gra.io.cloud.ovh.net', region: 'gra' },
} as const;

/**
 * The tenancy the stack is built with, checked before anything is written:
 * tenant IDs by the Loki/Mimir/Tempo rules, and for per-team the teams
 * themselves (planTenantRoutes: namespaces, one team per namespace, one
 * entry per tenant).
 */
function resolveTenancy(input: {
  mode: 'single' | 'multi' | 'per-team';
  tenant?: string;
  teams?: Array<{ tenant: string; namespaces: string[] }>;
  defaultTenant?: string;
}): ObservabilityTenancy {
  if (input.mode === 'single') return { mode: 'single' };
  if (input.mode === 'multi') {
    return {
      mode: 'multi',
      tenant: assertTenantId(input.tenant ?? '', 'tenancy.tenant'),
    };
  }
  if (input.defaultTenant === undefined) {
    throw new InputError(
      'tenancy.defaultTenant is required with per-team tenancy: the tenant of every namespace no team lists',
    );
  }
  if (!input.teams || input.teams.length === 0) {
    throw new InputError(
      'tenancy.teams is required with per-team tenancy: list each team with its tenant and namespaces',
    );
  }
  const tenancy = {
    mode: 'per-team' as const,
    teams: input.teams,
    defaultTenant: input.defaultTenant,
  };
  planTenantRoutes(tenancy, 'tenancy');
  return tenancy;
}

/** "team-a: namespaces shop; Grafana haven-loki-team-a, ..." per tenant. */
function describeTenants(
  tenancy: ObservabilityTenancy,
  uids: DatasourceUids,
): string[] {
  if (tenancy.mode === 'single') return [];
  const sets = observabilityDatasources(tenancy, uids);
  const routes =
    tenancy.mode === 'per-team' ? planTenantRoutes(tenancy, 'tenancy') : [];
  return sets.map((set, i) => {
    const route = routes[i];
    const where = !route
      ? 'every namespace'
      : [
          route.namespaces.length > 0
            ? `namespaces ${route.namespaces.join(', ')}`
            : '',
          route.isDefault ? 'every namespace no team lists' : '',
        ]
          .filter(Boolean)
          .join(' and ');
    return `${set.tenant}: ${where}; Grafana datasources ${set.uids.loki}, ${set.uids.tempo}, ${set.uids.mimir}`;
  });
}

/**
 * `haven:observability:render`: writes one cluster's telemetry stack (Loki,
 * Tempo, Mimir, Alloy, Grafana with their Flux sources, Vault-backed S3 and
 * admin credentials, and the Flux Kustomization) into the workspace, laid out
 * as the fleet repository expects.
 * @public
 */
export function createObservabilityRenderAction(
  options: ClusterActionConfigs & { datasourceUids: DatasourceUids },
) {
  const { datasourceUids } = options;
  return createTemplateAction({
    id: 'haven:observability:render',
    description:
      "Renders a cluster's telemetry stack (Loki and Tempo on S3-compatible storage, Mimir, Alloy receiving OTLP, Grafana with fixed datasource UIDs; optionally a tenant per team, each team's namespaces routed to it) as Flux HelmReleases with External Secrets for the credentials, into the workspace for a pull request.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z =>
          z.string().describe('Cluster name from haven.gitops.clusters'),
        namespace: z =>
          z
            .string()
            .default('observability')
            .describe('Namespace of the stack'),
        storage: z =>
          z
            .object({
              provider: z
                .enum(['scaleway-nl-ams', 'ovh-gra', 'custom'])
                .describe('Object storage; custom takes endpoint and region'),
              endpoint: z
                .string()
                .optional()
                .describe('S3 endpoint host (custom provider)'),
              region: z
                .string()
                .optional()
                .describe('S3 region (custom provider)'),
              bucketPrefix: z
                .string()
                .describe(
                  'Bucket name prefix, e.g. haven-prod; buckets are <prefix>-loki-chunks, -loki-ruler, -tempo, -mimir-blocks, -mimir-ruler, -mimir-alertmanager',
                ),
              forcePathStyle: z
                .boolean()
                .default(true)
                .describe('Path-style bucket URLs'),
            })
            .describe('Where logs, traces and metrics are kept'),
        retention: z =>
          z
            .object({
              logs: z.string().default('744h'),
              metrics: z.string().default('2160h'),
              traces: z.string().default('336h'),
            })
            .default({ logs: '744h', metrics: '2160h', traces: '336h' })
            .describe(
              'How long each signal is kept (durations in hours, e.g. 744h)',
            ),
        tenancy: z =>
          z
            .object({
              mode: z
                .enum(['single', 'multi', 'per-team'])
                .describe(
                  'single: auth off; multi: one shared tenant; per-team: each team its own tenant',
                ),
              tenant: z
                .string()
                .optional()
                .describe('X-Scope-OrgID Alloy and Grafana use (multi)'),
              teams: z
                .array(
                  z.object({
                    tenant: z
                      .string()
                      .describe(
                        "The team's X-Scope-OrgID: letters, digits and ! - _ . * ' ( ), at most 150",
                      ),
                    namespaces: z
                      .array(z.string())
                      .describe(
                        'Kubernetes namespaces whose telemetry goes to this tenant; a namespace belongs to one team only',
                      ),
                  }),
                )
                .optional()
                .describe('The teams and their namespaces (per-team)'),
              defaultTenant: z
                .string()
                .optional()
                .describe(
                  'Tenant of every namespace no team lists; its Grafana datasources keep the configured UIDs (per-team)',
                ),
            })
            .default({ mode: 'single' })
            .describe(
              'One tenant, one shared tenant on multi-tenant backends, or a tenant per team',
            ),
        modes: z =>
          z
            .object({
              loki: z.enum(['monolithic', 'distributed']).default('monolithic'),
              tempo: z
                .enum(['monolithic', 'distributed'])
                .default('monolithic'),
            })
            .default({ loki: 'monolithic', tempo: 'monolithic' })
            .describe('Deployment mode per backend'),
        grafanaHostname: z =>
          z.string().optional().describe('Public hostname of Grafana'),
        collectPodLogs: z =>
          z
            .boolean()
            .default(true)
            .describe(
              "Also collect every pod's logs through the Kubernetes API",
            ),
        vaultRole: z =>
          z
            .string()
            .default('haven-observability')
            .describe(
              "Vault Kubernetes-auth role External Secrets' service account uses for platform secrets",
            ),
        vaultPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Path in the KV mount with the s3 and grafana-admin secrets (default platform/<cluster>/observability)',
            ),
        targetPath: z =>
          z
            .string()
            .default('fleet')
            .describe('Workspace folder of the fleet repository checkout'),
      },
      output: {
        files: z => z.array(z.string()).describe('Files written'),
        folder: z =>
          z.string().describe('The stack folder in the fleet repository'),
        fleetRepoUrl: z => z.string(),
        fleetProvider: z => z.enum(['github', 'gitlab']),
        fleetBranch: z => z.string(),
        pullRequestBranch: z => z.string(),
        otlpEndpoint: z =>
          z
            .string()
            .describe(
              "Alloy's OTLP HTTP endpoint for apps (haven.gitops otlpEndpoint)",
            ),
        tenants: z =>
          z
            .array(z.string())
            .describe(
              'One line per tenant: its namespaces and Grafana datasource UIDs (empty for single tenancy)',
            ),
        vaultSecrets: z =>
          z
            .array(z.string())
            .describe('Vault paths an administrator must fill (names only)'),
      },
    },
    async handler(ctx) {
      const {
        gitops: gitopsConfig,
        vault: vaultConfig,
        cluster,
        environment,
      } = resolveClusterTarget(
        'haven:observability:render',
        options,
        ctx.input.cluster,
      );
      const namespace = assertDnsLabel(
        ctx.input.namespace ?? 'observability',
        'namespace',
      );
      const s = ctx.input.storage;
      const preset =
        s.provider === 'custom' ? undefined : STORAGE_PRESETS[s.provider];
      const endpoint = assertValid(
        preset?.endpoint ?? s.endpoint ?? '',
        'storage.endpoint',
        hostnameProblems,
      );
      const region = preset?.region ?? s.region ?? '';
      if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(region)) {
        throw new InputError(
          `Invalid storage.region: ${JSON.stringify(
            region.slice(0, 40),
          )} must be lower-case letters, digits and '-', e.g. nl-ams`,
        );
      }
      // Bucket names: 3-63 lower-case letters, digits, '-' (S3 naming rules),
      // leaving room for the longest suffix "-mimir-alertmanager".
      if (!/^[a-z0-9][a-z0-9-]{1,43}$/.test(s.bucketPrefix)) {
        throw new InputError(
          `Invalid storage.bucketPrefix: ${JSON.stringify(
            s.bucketPrefix.slice(0, 60),
          )} must be 2-44 lower-case letters, digits and '-'`,
        );
      }
      const retention = ctx.input.retention ?? {
        logs: '744h',
        metrics: '2160h',
        traces: '336h',
      };
      for (const [key, value] of Object.entries(retention)) {
        assertValid(value, `retention.${key}`, durationProblems);
      }
      const tenancy = resolveTenancy(
        ctx.input.tenancy ?? { mode: 'single' as const },
      );
      const modes = {
        loki: ctx.input.modes?.loki ?? 'monolithic',
        tempo: ctx.input.modes?.tempo ?? 'monolithic',
      };
      const grafanaHostname = ctx.input.grafanaHostname
        ? assertValid(
            ctx.input.grafanaHostname,
            'grafanaHostname',
            hostnameProblems,
          )
        : undefined;
      const vaultRole = assertValid(
        ctx.input.vaultRole ?? 'haven-observability',
        'vaultRole',
        dnsSubdomainProblems,
      );
      const vaultPath = assertVaultPath(
        ctx.input.vaultPath ?? `platform/${cluster.name}/observability`,
        'vaultPath',
      ).join('/');
      const targetPath = targetPathOf(ctx.input.targetPath);

      const folder = `infrastructure/${cluster.name}/${namespace}`;
      const endpoints = observabilityEndpoints({ namespace, modes });
      const alloyConfig = clusterAlloyConfig({
        lokiUrl: endpoints.loki,
        mimirUrl: endpoints.mimir,
        tempoEndpoint: endpoints.tempoOtlpGrpc,
        tenant: tenancy.mode === 'multi' ? tenancy.tenant : undefined,
        perTeam: tenancy.mode === 'per-team' ? tenancy : undefined,
        collectPodLogs: ctx.input.collectPodLogs ?? true,
      });
      const files = buildObservabilityStack({
        cluster,
        folder,
        namespace,
        storage: {
          endpoint,
          region,
          bucketPrefix: s.bucketPrefix,
          forcePathStyle: s.forcePathStyle ?? true,
        },
        retention,
        tenancy,
        modes,
        grafana: {
          hostname: grafanaHostname,
          ingressClassName: cluster.ingress.className,
          clusterIssuer: cluster.ingress.clusterIssuer,
        },
        vault: {
          server: cluster.vaultServer ?? vaultConfig.address,
          namespace: vaultConfig.namespace,
          kvMount: environment.kvMount,
          kubernetesAuthMount: environment.kubernetesAuthMount,
          role: vaultRole,
          path: vaultPath,
          audience: vaultConfig.audience,
        },
        datasourceUids,
        alloyConfig,
      });

      await renderIntoWorkspace(
        ctx,
        `the telemetry stack of ${cluster.name}`,
        targetPath,
        files.map(file => ({
          path: file.path,
          text: deliveryFileToYaml(file),
        })),
      );
      ctx.output(
        'files',
        files.map(f => f.path),
      );
      ctx.output('folder', folder);
      outputFleetPullRequest(
        ctx,
        gitopsConfig.fleetRepo,
        pullRequestBranch(cluster.name, 'observability'),
      );
      ctx.output('otlpEndpoint', endpoints.alloyOtlpHttp);
      ctx.output('tenants', describeTenants(tenancy, datasourceUids));
      ctx.output('vaultSecrets', [
        `${environment.kvMount}/${vaultPath}/s3 (access_key_id, secret_access_key)`,
        `${environment.kvMount}/${vaultPath}/grafana-admin (user, password)`,
      ]);
    },
  });
}
