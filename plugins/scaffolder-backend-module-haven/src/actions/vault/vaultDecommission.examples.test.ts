import yaml from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  createVaultDouble,
  setupDoubleServer,
} from '@haven-plus/haven-doubles';
import { examples } from './vaultDecommission.examples';
import { createVaultDecommissionAction } from './vaultDecommission';
import {
  fastClient,
  havenConfig,
  runAction,
  templatedPolicy,
} from './__testUtils__/harness';

const VAULT = 'https://vault.double.test';
const server = setupDoubleServer();

describe('haven:vault:decommission examples', () => {
  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_d, example) => {
      const double = createVaultDouble({
        baseUrl: VAULT,
        rootToken: 'root',
        kvMounts: ['kv-apps'],
        kubernetesAuthMounts: [
          { path: 'kubernetes', accessor: 'auth_kubernetes_1' },
        ],
        policies: [
          {
            name: 'haven-apps',
            policy: templatedPolicy('kv-apps', 'auth_kubernetes_1'),
          },
        ],
      });
      server.use(...double.handlers);
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('haven:vault:decommission');
      const config = havenConfig({
        address: VAULT,
        token: 'root',
        perApp: false,
      });
      const { component, namespace, environment } = step.input;
      const provisioned = await runAction(config, {
        component,
        namespace,
        environment,
        secrets: [{ name: 'api-key', generate: { kind: 'hex', length: 32 } }],
      });
      expect(provisioned.error).toBeUndefined();

      const outputs: Record<string, unknown> = {};
      const ctx = {
        ...createMockActionContext({
          input: step.input,
          logger: mockServices.logger.mock(),
        }),
        checkpoint: async <T>({ fn }: { fn: () => Promise<T> }) => fn(),
        output: (name: string, value: unknown) => {
          outputs[name] = value;
        },
      };
      const action = createVaultDecommissionAction({
        config,
        clientFactory: fastClient,
      });
      await action.handler(ctx as Parameters<typeof action.handler>[0]);

      const role = double.state.kubernetesRole(
        `haven-${namespace}.${component}`,
        { mount: 'kubernetes' },
      );
      const key = double.state.kvKey(
        'kv-apps',
        `apps/${namespace}/${component}/api-key`,
      );
      // A plan deletes nothing; otherwise the role goes.
      expect(role === undefined).toBe(!step.input.planOnly);
      expect(key === undefined).toBe(step.input.deleteSecrets === true);
    },
  );
});
