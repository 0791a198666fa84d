import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Follow the pull request a Create step opened, so the owner hears when the app is Ready and Synced',
    example: yaml.stringify({
      steps: [
        {
          id: 'follow',
          action: 'haven:delivery:follow',
          name: 'Follow the pull request through to delivery',
          input: {
            entityRef: 'component:default/open-webui-voorbeeld',
            pullRequestUrl:
              "${{ steps['pull-request'].output.remoteUrl or steps['merge-request'].output.mergeRequestUrl }}",
            owner: 'group:default/team-haven',
          },
        },
      ],
    }),
  },
];
