import { createMockDirectory } from '@backstage/backend-test-utils';
import yaml from 'yaml';
import { examples as renderExamples } from './gitopsRender.examples';
import { examples as registerExamples } from './gitopsRegister.examples';
import {
  gitopsConfigs,
  readTree,
  runRegister,
  runRender,
} from './__testUtils__/gitopsHarness';

describe('haven:gitops examples', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  it.each(renderExamples.map(e => [e.description, e] as const))(
    'render: %s',
    async (_d, example) => {
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('haven:gitops:render');
      const run = await runRender(gitopsConfigs(), step.input, workspace.path);
      expect(run.error).toBeUndefined();
      expect(Object.keys(readTree(`${workspace.path}/fleet`))).toEqual(
        expect.arrayContaining([
          `apps/haven-sandbox/${step.input.component}/helmrelease.yaml`,
          `clusters/haven-sandbox/apps/${step.input.component}.yaml`,
        ]),
      );
    },
  );

  it.each(registerExamples.map(e => [e.description, e] as const))(
    'register: %s',
    async (_d, example) => {
      const steps = yaml.parse(example.example).steps;
      expect(steps.map((s: { action: string }) => s.action)).toEqual([
        'fetch:plain:file',
        'haven:gitops:register',
      ]);
      const file = 'fleet/clusters/haven-sandbox/apps/kustomization.yaml';
      workspace.setContent({ [file]: 'resources: []\n' });
      const run = await runRegister(
        { file, entry: 'open-webui-voorbeeld.yaml' },
        workspace.path,
      );
      expect(run.outputs).toEqual({ changed: true, entries: 1 });
    },
  );
});
