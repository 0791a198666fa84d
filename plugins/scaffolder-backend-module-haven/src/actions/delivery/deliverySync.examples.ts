import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Sync Open WebUI's ExternalSecret now, after a rotation in Vault, as the user who started the task",
    example: yaml.stringify({
      steps: [
        {
          id: 'sync',
          action: 'haven:delivery:sync',
          name: 'Sync the secret into the cluster',
          input: {
            entityRef: 'component:default/open-webui-voorbeeld',
            cluster: 'haven-sandbox',
            namespace: 'open-webui-voorbeeld',
            name: 'open-webui-voorbeeld-vault',
          },
        },
      ],
    }),
  },
];
