import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Take an app out of Vault: its role and per-app policy; its secrets are kept',
    example: yaml.stringify({
      steps: [
        {
          id: 'vault',
          action: 'haven:vault:decommission',
          name: 'Remove the app from Vault',
          input: {
            component: 'orders',
            environment: 'sandbox',
            namespace: 'shop',
          },
        },
      ],
    }),
  },
  {
    description:
      'Also delete its secrets, every version, with the KV path typed to confirm',
    example: yaml.stringify({
      steps: [
        {
          id: 'vault',
          action: 'haven:vault:decommission',
          name: 'Remove the app and its secrets from Vault',
          input: {
            component: 'orders',
            environment: 'sandbox',
            namespace: 'shop',
            deleteSecrets: true,
            confirmPath: 'kv-apps/apps/shop/orders',
          },
        },
      ],
    }),
  },
  {
    description: 'Log what would be deleted, and delete nothing',
    example: yaml.stringify({
      steps: [
        {
          id: 'vault-plan',
          action: 'haven:vault:decommission',
          name: 'Plan the Vault clean-up',
          input: {
            component: 'orders',
            environment: 'sandbox',
            namespace: 'shop',
            planOnly: true,
          },
        },
      ],
    }),
  },
];
