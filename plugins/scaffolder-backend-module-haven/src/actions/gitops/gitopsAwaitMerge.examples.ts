import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Wait up to a day for the decommission pull request to be merged, looking every 30 seconds',
    example: yaml.stringify({
      steps: [
        {
          id: 'merged',
          action: 'haven:gitops:await-merge',
          name: 'Wait for the merge',
          input: {
            pullRequestUrl: 'https://github.com/haven-fleet/fleet/pull/7',
            timeoutMinutes: 1440,
            pollSeconds: 30,
          },
        },
      ],
    }),
  },
];
