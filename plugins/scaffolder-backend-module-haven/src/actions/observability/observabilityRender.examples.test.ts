import { createMockDirectory } from '@backstage/backend-test-utils';
import { DEFAULT_DATASOURCE_UIDS } from '@haven-plus/plugin-haven-common';
import { checkAlloyWiring } from '@haven-plus/plugin-haven-node/testUtils';
import yaml, { parseAllDocuments } from 'yaml';
import {
  gitopsConfigs,
  readTree,
  run,
} from '../gitops/__testUtils__/gitopsHarness';
import { examples } from './observabilityRender.examples';
import { createObservabilityRenderAction } from './observabilityRender';

describe('haven:observability:render examples', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_d, example) => {
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('haven:observability:render');
      const result = await run(
        createObservabilityRenderAction({
          ...gitopsConfigs(),
          datasourceUids: DEFAULT_DATASOURCE_UIDS,
        }),
        step.input,
        workspace.path,
        false,
      );
      expect(result.error).toBeUndefined();
      const tree = readTree(`${workspace.path}/fleet`);
      const dir = `infrastructure/${step.input.cluster}/observability`;
      expect(Object.keys(tree)).toEqual(
        expect.arrayContaining([`${dir}/alloy.yaml`, `${dir}/grafana.yaml`]),
      );
      const alloy = parseAllDocuments(tree[`${dir}/alloy.yaml`])[0].toJS();
      expect(
        checkAlloyWiring(alloy.spec.values.alloy.configMap.content),
      ).toEqual([]);
      // One line per tenant: none for single tenancy, one per team and the default.
      const tenancy = step.input.tenancy ?? { mode: 'single' };
      const lines: Record<string, number> = {
        single: 0,
        multi: 1,
        'per-team': (tenancy.teams?.length ?? 0) + 1,
      };
      expect(result.outputs.tenants).toHaveLength(lines[tenancy.mode]);
    },
  );
});
