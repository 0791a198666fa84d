import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Unregister a decommissioned component, only if it came from its fleet catalog-info.yaml',
    example: yaml.stringify({
      steps: [
        {
          id: 'unregister',
          action: 'haven:catalog:unregister',
          name: 'Remove the component from the catalog',
          input: {
            entityRef: 'component:default/open-webui-voorbeeld',
            expectedTarget:
              'https://github.com/haven-fleet/fleet/blob/main/apps/haven-sandbox/open-webui-voorbeeld/catalog-info.yaml',
          },
        },
      ],
    }),
  },
];
