import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Fetch the cluster's list of apps from the fleet repository and add the rendered app to it",
    example: yaml.stringify({
      steps: [
        {
          id: 'fetch-apps',
          action: 'fetch:plain:file',
          name: "Fetch the cluster's app list",
          input: {
            url: '${{ steps.render.output.registerFileUrl }}',
            targetPath: '${{ steps.render.output.registerFile }}',
          },
        },
        {
          id: 'register',
          action: 'haven:gitops:register',
          name: 'Add the app to the cluster',
          input: {
            file: '${{ steps.render.output.registerFile }}',
            entry: '${{ steps.render.output.registerEntry }}',
          },
        },
      ],
    }),
  },
];
