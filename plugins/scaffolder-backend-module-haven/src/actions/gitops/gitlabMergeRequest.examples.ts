import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Open the fleet merge request on GitLab with the rendered fleet/ folder, or update the open one of the same branch',
    example: yaml.stringify({
      steps: [
        {
          id: 'merge-request',
          action: 'haven:gitlab:merge-request',
          name: 'Open or update the merge request',
          input: {
            repoUrl: 'gitlab.example.com?owner=haven-fleet&repo=fleet',
            branchName: 'haven/haven-sandbox/shop',
            targetBranchName: 'main',
            sourcePath: 'fleet',
            title: 'Deliver shop to haven-sandbox',
            description: 'Adds shop to cluster haven-sandbox',
          },
        },
      ],
    }),
  },
];
