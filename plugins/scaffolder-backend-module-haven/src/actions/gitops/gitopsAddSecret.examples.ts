import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Wire a new Vault secret into Open WebUI for customer Voorbeeld, then seed it and open a pull request',
    example: yaml.stringify({
      steps: [
        {
          id: 'secret',
          action: 'haven:gitops:add-secret',
          name: 'Wire the secret into the app',
          input: {
            component: 'open-webui-voorbeeld',
            cluster: 'haven-sandbox',
            namespace: 'voorbeeld',
            secret: { name: 'anthropic-api-key', key: 'ANTHROPIC_API_KEY' },
          },
        },
      ],
    }),
  },
];
