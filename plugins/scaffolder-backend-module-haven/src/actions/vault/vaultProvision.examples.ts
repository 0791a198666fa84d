import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Provision Open WebUI for one customer: role, generated session key and a supplied API key',
    example: yaml.stringify({
      steps: [
        {
          id: 'vault',
          action: 'haven:vault:provision',
          name: 'Provision Vault',
          input: {
            component: 'open-webui-voorbeeld',
            environment: 'sandbox',
            namespace: 'open-webui-voorbeeld',
            secrets: [
              {
                name: 'webui-secret-key',
                generate: { kind: 'alphanumeric', length: 48 },
              },
              { name: 'openai-api-key', secretKey: 'openaiApiKey' },
            ],
          },
        },
      ],
    }),
  },
  {
    description:
      'Only the role, for an app whose service account differs from its name',
    example: yaml.stringify({
      steps: [
        {
          id: 'vault',
          action: 'haven:vault:provision',
          name: 'Provision Vault',
          input: {
            component: 'orders',
            environment: 'sandbox',
            namespace: 'shop',
            serviceAccount: 'orders-api',
          },
        },
      ],
    }),
  },
];
