import yaml from 'yaml';
import {
  setupDoubleServer,
  createVaultDouble,
} from '@haven-plus/haven-doubles';
import { examples } from './vaultProvision.examples';
import {
  havenConfig,
  runAction,
  templatedPolicy,
} from './__testUtils__/harness';

const VAULT = 'https://vault.double.test';
const server = setupDoubleServer();

describe('haven:vault:provision examples', () => {
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
      expect(step.action).toBe('haven:vault:provision');

      const run = await runAction(
        havenConfig({ address: VAULT, token: 'root', perApp: false }),
        step.input,
        { secrets: { openaiApiKey: 'an-api-key-from-the-form' } },
      );
      expect(run.error).toBeUndefined();
      expect(run.outputs.roleName).toBe(
        `haven-${step.input.namespace}.${step.input.component}`,
      );
      expect(
        double.state.kubernetesRole(run.outputs.roleName as string, {
          mount: 'kubernetes',
        }),
      ).toMatchObject({
        boundServiceAccountNames: [
          step.input.serviceAccount ?? step.input.component,
        ],
      });
      for (const secret of step.input.secrets ?? []) {
        expect(
          double.state.kvKey(
            'kv-apps',
            `apps/${step.input.namespace}/${step.input.component}/${secret.name}`,
          )?.currentVersion,
        ).toBe(1);
      }
    },
  );
});
