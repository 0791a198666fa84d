import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Open WebUI for one customer (profile open-webui): chart 16.x from its Helm repository, the OpenAI key through the chart's existing-Secret values, the secret key as environment, OTLP to Alloy with the app's own variables, pods labelled, and a public hostname",
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'haven:gitops:render',
          name: 'Render manifests',
          input: {
            component: 'open-webui-voorbeeld',
            cluster: 'haven-sandbox',
            namespace: 'voorbeeld',
            profile: 'open-webui',
            chart: {
              repositoryUrl: 'https://helm.openwebui.com',
              name: 'open-webui',
              version: '16.x',
            },
            secrets: [
              { name: 'webui-secret-key', key: 'WEBUI_SECRET_KEY' },
              { name: 'openai-api-key', key: 'OPENAI_API_KEY' },
            ],
            hostname: 'voorbeeld.chat.haven.example.nl',
            service: { name: 'open-webui-voorbeeld', port: 80 },
          },
        },
      ],
    }),
  },
  {
    description:
      'A chart from an OCI registry, no secrets, no telemetry, image tags followed by Flux',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'haven:gitops:render',
          name: 'Render manifests',
          input: {
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
        },
      ],
    }),
  },
];
