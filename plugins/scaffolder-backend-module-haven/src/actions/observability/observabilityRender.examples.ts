import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "The telemetry stack of a Dutch Haven cluster: logs, traces and metrics in Scaleway's Amsterdam region, one tenant, Grafana on its own hostname",
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'haven:observability:render',
          name: 'Render the telemetry stack',
          input: {
            cluster: 'haven-sandbox',
            storage: {
              provider: 'scaleway-nl-ams',
              bucketPrefix: 'haven-sandbox',
            },
            retention: { logs: '744h', metrics: '2160h', traces: '336h' },
            grafanaHostname: 'grafana.haven-sandbox.example.nl',
          },
        },
      ],
    }),
  },
  {
    description:
      'Distributed Loki and Tempo with one shared tenant (X-Scope-OrgID platform), on a custom S3-compatible endpoint',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'haven:observability:render',
          name: 'Render the telemetry stack',
          input: {
            cluster: 'haven-sandbox',
            storage: {
              provider: 'custom',
              endpoint: 'objectstore.example.nl',
              region: 'nl-1',
              bucketPrefix: 'haven-prod',
            },
            tenancy: { mode: 'multi', tenant: 'platform' },
            modes: { loki: 'distributed', tempo: 'distributed' },
          },
        },
      ],
    }),
  },
  {
    description:
      "A tenant per team: the shop team's two namespaces and the billing team's namespace each land in their own tenant, everything else (platform namespaces included) in the default tenant platform, which keeps Grafana's haven-loki, haven-tempo and haven-mimir datasources",
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'haven:observability:render',
          name: 'Render the telemetry stack',
          input: {
            cluster: 'haven-sandbox',
            storage: {
              provider: 'scaleway-nl-ams',
              bucketPrefix: 'haven-sandbox',
            },
            tenancy: {
              mode: 'per-team',
              defaultTenant: 'platform',
              teams: [
                { tenant: 'team-shop', namespaces: ['shop', 'shop-staging'] },
                { tenant: 'team-billing', namespaces: ['billing'] },
              ],
            },
            grafanaHostname: 'grafana.haven-sandbox.example.nl',
          },
        },
      ],
    }),
  },
];
