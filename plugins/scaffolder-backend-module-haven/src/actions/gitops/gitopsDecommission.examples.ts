import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Take Open WebUI for customer Voorbeeld off the sandbox cluster: its entry out of the cluster's app list, its files listed for deletion",
    example: yaml.stringify({
      steps: [
        {
          id: 'fleet',
          action: 'haven:gitops:decommission',
          name: 'Take the app off the cluster',
          input: {
            component: 'open-webui-voorbeeld',
            cluster: 'haven-sandbox',
            namespace: 'voorbeeld',
          },
        },
      ],
    }),
  },
];
