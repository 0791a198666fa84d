import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Rotate Open WebUI's session key for one customer: a new 48-character value, the version before it kept in Vault's history",
    example: yaml.stringify({
      steps: [
        {
          id: 'rotate',
          action: 'haven:vault:rotate',
          name: 'Rotate the secret in Vault',
          input: {
            component: 'open-webui-voorbeeld',
            environment: 'sandbox',
            namespace: 'open-webui-voorbeeld',
            secret: 'webui-secret-key',
          },
        },
      ],
    }),
  },
  {
    description:
      'Rotate a secret of the app on a cluster (its Vault environment from haven.gitops.clusters), as a 64-digit hex value',
    example: yaml.stringify({
      steps: [
        {
          id: 'rotate',
          action: 'haven:vault:rotate',
          name: 'Rotate the secret in Vault',
          input: {
            component: 'orders',
            cluster: 'haven-sandbox',
            namespace: 'shop',
            secret: 'session-signing-key',
            generate: { kind: 'hex', length: 64 },
          },
        },
      ],
    }),
  },
];
