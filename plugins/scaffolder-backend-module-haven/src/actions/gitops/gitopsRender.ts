import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_OTEL_SERVICE_NAME,
  ANNOTATION_OTEL_SERVICE_NAMESPACE,
  ANNOTATION_REQUEST_METRIC,
  ANNOTATION_TELEMETRY_TENANT,
  ANNOTATION_VAULT_SECRETS_ENGINE,
  ANNOTATION_VAULT_SECRETS_PATH,
  assertDnsLabel,
  assertValid,
  assertVaultPathSegment,
  chartNameProblems,
  chartRepositoryUrlProblems,
  chartVersionProblems,
  durationProblems,
  envVarNameProblems,
  hostnameProblems,
  prometheusCountSeries,
} from '@haven-plus/plugin-haven-common';
import {
  APP_PROFILES,
  tenantOfNamespace,
  appFolder,
  buildAppDelivery,
  deliveryFileToYaml,
  fleetRepoUrl,
  vaultAppNames,
} from '@haven-plus/plugin-haven-node';
import {
  outputFleetPullRequest,
  pullRequestBranch,
} from '../shared/pullRequest';
import { renderIntoWorkspace, targetPathOf } from '../shared/workspace';
import { checkChartValues, type ChartValuesSource } from './chartCheck';
import { examples } from './gitopsRender.examples';
import {
  defaultSecretKey,
  envValuesPathOf,
  resolveClusterTarget,
  type ClusterActionConfigs,
} from './inputs';

/**
 * `haven:gitops:render`: writes one app's Flux and External Secrets manifests
 * into the workspace, laid out as the fleet repository expects
 * (`haven.gitops`), every object typed, labelled with the kubernetes-id and
 * serialised with the `yaml` package.
 * @public
 */
export function createGitopsRenderAction(
  options: ClusterActionConfigs & {
    /** Reads a chart's values for the values check; without it the check is skipped, with a warning. */
    charts?: ChartValuesSource;
  },
) {
  const { charts } = options;
  return createTemplateAction({
    id: 'haven:gitops:render',
    description:
      "Renders an app's GitOps manifests (Namespace, ServiceAccount, ESO SecretStore and ExternalSecret, Flux chart source, HelmRelease with OTLP settings, optional Ingress and image automation, kustomization.yaml and the Flux Kustomization) into the workspace, laid out as the fleet repository expects.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        component: z =>
          z.string().describe('The app (component) name: a DNS-1123 label'),
        cluster: z =>
          z.string().describe('Cluster name from haven.gitops.clusters'),
        namespace: z =>
          z
            .string()
            .optional()
            .describe('Kubernetes namespace (default: the component name)'),
        serviceAccount: z =>
          z
            .string()
            .optional()
            .describe(
              'Service account External Secrets signs in to Vault as (default: the component name)',
            ),
        chart: z =>
          z
            .object({
              repositoryUrl: z
                .string()
                .describe(
                  'https:// Helm repository or oci:// registry prefix, e.g. https://helm.openwebui.com',
                ),
              name: z.string().describe('Chart name, e.g. open-webui'),
              version: z
                .string()
                .describe('Chart version or SemVer range, e.g. 8.x'),
            })
            .describe('The Helm chart that runs the app'),
        profile: z =>
          z
            .enum(['open-webui', 'otel-sdk'])
            .default('otel-sdk')
            .describe(
              'What the app is: "open-webui" (its own OTel switches and exporter variables, the OpenAI key through the chart\'s existing-Secret values, Ollama and Pipelines off) or "otel-sdk" (any app reading the standard OTEL_* variables)',
            ),
        envValuesPath: z =>
          z
            .string()
            .optional()
            .describe(
              "Chart value (dotted path) holding a list of container environment variables (default: the profile's, extraEnvVars)",
            ),
        podLabelsPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Chart value (dotted path) holding the pods\' extra labels, which get the kubernetes-id (default: the profile\'s, podLabels; "-" for a chart without one)',
            ),
        secrets: z =>
          z
            .array(
              z.object({
                name: z
                  .string()
                  .describe(
                    'Secret name under the app path in Vault (as given to haven:vault:provision)',
                  ),
                key: z
                  .string()
                  .optional()
                  .describe(
                    'Key in the synced Secret and environment variable name (default: the name in upper case, "-" as "_")',
                  ),
                generate: z
                  .object({
                    kind: z.string().optional().describe('Alphabet'),
                    length: z.number().optional().describe('Length'),
                  })
                  .optional()
                  .describe(
                    'How haven:vault:provision makes the value (checked there, ignored here, so one list serves both actions)',
                  ),
                secretKey: z
                  .string()
                  .optional()
                  .describe(
                    'Which template secret haven:vault:provision seeds it from (ignored here)',
                  ),
              }),
            )
            .default([])
            .describe('Vault secrets synced into the app'),
        refreshInterval: z =>
          z
            .string()
            .default('1h')
            .describe('How often External Secrets re-reads Vault, e.g. 1h'),
        observability: z =>
          z
            .boolean()
            .default(true)
            .describe(
              "Export traces, metrics and logs over OTLP to the cluster's Alloy",
            ),
        hostname: z =>
          z
            .string()
            .optional()
            .describe('Public hostname; adds an Ingress with TLS'),
        service: z =>
          z
            .object({
              name: z
                .string()
                .optional()
                .describe(
                  "Service the Ingress sends traffic to (default: the component name, the chart's usual fullname)",
                ),
              port: z
                .number()
                .int()
                .min(1)
                .max(65535)
                .default(80)
                .describe('Its port'),
            })
            .optional()
            .describe('Ingress backend'),
        imageAutomation: z =>
          z
            .object({
              image: z
                .string()
                .describe(
                  'Image without tag, e.g. ghcr.io/open-webui/open-webui',
                ),
              tag: z.string().describe('Tag to deploy first'),
              semverRange: z
                .string()
                .describe('Tags to follow, e.g. ">=0.6.0 <1.0.0"'),
              valuesPath: z
                .string()
                .default('image')
                .describe("Chart value holding the image's repository and tag"),
            })
            .optional()
            .describe('Let Flux move the app to new image tags'),
        targetPath: z =>
          z
            .string()
            .default('fleet')
            .describe('Workspace folder of the fleet repository checkout'),
      },
      output: {
        environment: z =>
          z
            .string()
            .describe(
              "The cluster's haven.vault environment (for haven:vault:provision)",
            ),
        namespace: z => z.string().describe('Kubernetes namespace of the app'),
        files: z =>
          z.array(z.string()).describe('Files written, relative to targetPath'),
        appPath: z =>
          z.string().describe('The app folder in the fleet repository'),
        registerFile: z =>
          z
            .string()
            .describe(
              "Workspace path of the cluster's list of apps (for fetch:plain:file and haven:gitops:register)",
            ),
        registerFileUrl: z =>
          z.string().describe("That file's URL in the fleet repository"),
        registerEntry: z =>
          z.string().describe('The entry haven:gitops:register adds'),
        fleetRepoUrl: z =>
          z
            .string()
            .describe(
              'The fleet repository in the scaffolder repoUrl form (host?owner=..&repo=..)',
            ),
        fleetProvider: z =>
          z.enum(['github', 'gitlab']).describe('Where the fleet repo lives'),
        fleetBranch: z =>
          z.string().describe('The branch Flux reconciles (PR target)'),
        pullRequestBranch: z =>
          z.string().describe('Branch name for this app on this cluster'),
        catalogInfoPath: z =>
          z
            .string()
            .describe("Workspace path for the component's catalog-info.yaml"),
        catalogInfoUrl: z =>
          z
            .string()
            .describe(
              'URL of that file on the fleet branch, for catalog:register',
            ),
        annotations: z =>
          z
            .record(z.string(), z.string())
            .describe("The annotations the component's entity page reads"),
        chartVersion: z =>
          z
            .string()
            .describe(
              'The chart release the version (range) resolves to today, or the range itself when the repository could not be read',
            ),
        chartCheck: z =>
          z
            .string()
            .describe(
              "What the values check against the chart's own values.yaml found: checked, or why it could not run",
            ),
      },
    },
    async handler(ctx) {
      // 1. Validate everything before writing anything.
      const {
        gitops: gitopsConfig,
        vault: vaultConfig,
        cluster,
        environment,
      } = resolveClusterTarget(
        'haven:gitops:render',
        options,
        ctx.input.cluster,
      );
      const app = assertDnsLabel(ctx.input.component, 'component');
      const namespace = assertDnsLabel(ctx.input.namespace ?? app, 'namespace');
      const serviceAccount = assertDnsLabel(
        ctx.input.serviceAccount ?? app,
        'serviceAccount',
      );
      const chart = {
        repositoryUrl: assertValid(
          ctx.input.chart.repositoryUrl,
          'chart.repositoryUrl',
          chartRepositoryUrlProblems,
        ),
        name: assertValid(
          ctx.input.chart.name,
          'chart.name',
          chartNameProblems,
        ),
        version: assertValid(
          ctx.input.chart.version,
          'chart.version',
          chartVersionProblems,
        ),
      };
      const profile = APP_PROFILES[ctx.input.profile ?? 'otel-sdk'];
      if (!profile) {
        throw new InputError(
          `Unknown profile "${ctx.input.profile}": use one of ${Object.keys(
            APP_PROFILES,
          ).join(', ')}`,
        );
      }
      const envValuesPath = envValuesPathOf(
        ctx.input.envValuesPath || profile.envValuesPath,
        'envValuesPath',
      );
      const podLabelsInput = ctx.input.podLabelsPath || profile.podLabelsPath;
      const podLabelsPath =
        podLabelsInput && podLabelsInput !== '-'
          ? envValuesPathOf(podLabelsInput, 'podLabelsPath')
          : undefined;
      const seenNames = new Set<string>();
      const seenKeys = new Set<string>();
      const secrets = (ctx.input.secrets ?? []).map(s => {
        const name = assertVaultPathSegment(s.name, 'secret name');
        const key = assertValid(
          s.key || defaultSecretKey(name),
          `key of secret "${name}"`,
          envVarNameProblems,
        );
        if (seenNames.has(name) || seenKeys.has(key)) {
          throw new InputError(`Secret "${name}" (key ${key}) is listed twice`);
        }
        seenNames.add(name);
        seenKeys.add(key);
        return { name, key };
      });
      // The same names haven:vault:provision creates (haven-node vaultAppNames).
      const names = vaultAppNames(vaultConfig, {
        environment: cluster.environment,
        namespace,
        component: app,
      });
      const kvPath = names.appPath;
      const refreshInterval = assertValid(
        ctx.input.refreshInterval ?? '1h',
        'refreshInterval',
        durationProblems,
      );
      const hostname = ctx.input.hostname
        ? assertValid(ctx.input.hostname, 'hostname', hostnameProblems)
        : undefined;
      const ia = ctx.input.imageAutomation;
      const targetPath = targetPathOf(ctx.input.targetPath);
      const observability = ctx.input.observability ?? true;
      if (observability && !cluster.otlpEndpoint) {
        ctx.logger.warn(
          `Cluster ${cluster.name} has no haven.gitops otlpEndpoint: the app gets no OTLP settings`,
        );
      }

      const files = buildAppDelivery({
        app,
        namespace,
        serviceAccount,
        environment: cluster.environment,
        cluster,
        fleetBranch: gitopsConfig.fleetRepo.branch,
        vault: {
          server: cluster.vaultServer ?? vaultConfig.address,
          namespace: vaultConfig.namespace,
          kvMount: environment.kvMount,
          kvPath,
          role: names.roleName,
          kubernetesAuthMount: environment.kubernetesAuthMount,
          audience: vaultConfig.audience,
        },
        chart,
        profile,
        envValuesPath,
        podLabelsPath,
        secrets,
        refreshInterval,
        observability: observability
          ? { serviceName: app, serviceNamespace: namespace }
          : undefined,
        ingress: hostname
          ? {
              host: hostname,
              serviceName: assertDnsLabel(
                ctx.input.service?.name ?? app,
                'service.name',
              ),
              servicePort: ctx.input.service?.port ?? 80,
            }
          : undefined,
        imageAutomation: ia
          ? {
              image: assertValid(
                ia.image,
                'imageAutomation.image',
                imageProblems,
              ),
              tag: assertValid(ia.tag, 'imageAutomation.tag', tagProblems),
              semverRange: assertValid(
                ia.semverRange,
                'imageAutomation.semverRange',
                chartVersionProblems,
              ),
              valuesPath: envValuesPathOf(
                ia.valuesPath ?? 'image',
                'imageAutomation.valuesPath',
              ),
            }
          : undefined,
      });
      // The values against the chart's own values.yaml, before any write.
      const check = await checkChartValues(charts, chart, files, ctx.logger);
      const rendered = files.map(f => ({
        path: f.path,
        text: deliveryFileToYaml(f),
      }));

      // 2. Write into the workspace only (the pull request is a later step).
      await renderIntoWorkspace(
        ctx,
        `${app} for cluster ${cluster.name}`,
        targetPath,
        rendered,
      );

      const folder = appFolder(cluster, app);
      const registerPath = `${cluster.fluxPath}/kustomization.yaml`;
      // No backstage.io/kubernetes-namespace: the app's Flux Kustomization
      // lives in Flux's namespace, the rest in the app's; both carry the
      // kubernetes-id label, which is what the Kubernetes backend selects on.
      const annotations: Record<string, string> = {
        [ANNOTATION_KUBERNETES_ID]: app,
        [ANNOTATION_VAULT_SECRETS_ENGINE]: environment.kvMount,
        [ANNOTATION_VAULT_SECRETS_PATH]: kvPath,
      };
      if (observability) {
        annotations[ANNOTATION_OTEL_SERVICE_NAME] = app;
        annotations[ANNOTATION_OTEL_SERVICE_NAMESPACE] = namespace;
        annotations[ANNOTATION_REQUEST_METRIC] = prometheusCountSeries(
          profile.requestMetric,
        );
        // The tenant the cluster's Alloy routes this namespace to
        // (haven.gitops.clusters[].telemetry, as the stack was rendered).
        if (cluster.telemetryTenancy) {
          annotations[ANNOTATION_TELEMETRY_TENANT] = tenantOfNamespace(
            cluster.telemetryTenancy,
            namespace,
          );
        }
      }
      ctx.output('environment', cluster.environment);
      ctx.output('namespace', namespace);
      ctx.output(
        'files',
        rendered.map(f => f.path),
      );
      ctx.output('appPath', folder);
      ctx.output('registerFile', `${targetPath}/${registerPath}`);
      ctx.output(
        'registerFileUrl',
        fleetRepoUrl(gitopsConfig.fleetRepo, registerPath),
      );
      ctx.output('registerEntry', `${app}.yaml`);
      outputFleetPullRequest(
        ctx,
        gitopsConfig.fleetRepo,
        pullRequestBranch(cluster.name, app),
      );
      ctx.output(
        'catalogInfoPath',
        `${targetPath}/${folder}/catalog-info.yaml`,
      );
      ctx.output(
        'catalogInfoUrl',
        fleetRepoUrl(gitopsConfig.fleetRepo, `${folder}/catalog-info.yaml`),
      );
      ctx.output('annotations', annotations);
      ctx.output('chartVersion', check.version);
      ctx.output('chartCheck', check.summary);
    },
  });
}

/** An image reference without tag or digest: registry/path, lower case. */
function imageProblems(value: string): string[] {
  if (
    !/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/.test(
      value,
    ) ||
    value.length > 255
  ) {
    return [
      `${JSON.stringify(
        value.slice(0, 40),
      )} must be an image name without tag, e.g. ghcr.io/open-webui/open-webui`,
    ];
  }
  return [];
}

/** An image tag as the OCI distribution spec allows it. */
function tagProblems(value: string): string[] {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(value)) {
    return [`${JSON.stringify(value.slice(0, 40))} is not an image tag`];
  }
  return [];
}
