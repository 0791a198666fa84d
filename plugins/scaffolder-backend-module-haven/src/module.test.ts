import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { scaffolderModuleHaven } from './module';

describe('scaffolderModuleHaven', () => {
  const start = async (data: JsonObject) => {
    const actions: TemplateAction[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          { addActions: (...a: TemplateAction[]) => actions.push(...a) },
        ],
      ],
      features: [
        scaffolderModuleHaven,
        mockServices.rootConfig.factory({ data }),
      ],
    });
    return actions;
  };

  it('registers haven:vault:provision with dry-run support and examples', async () => {
    const actions = await start({
      haven: {
        vault: {
          address: 'http://127.0.0.1:8200',
          auth: { method: 'token', token: 'x' },
          environments: [
            {
              name: 'sandbox',
              kvMount: 'kv-apps',
              kubernetesAuthMount: 'kubernetes',
            },
          ],
        },
      },
    });
    expect(actions.map(a => a.id)).toEqual([
      'haven:vault:provision',
      'haven:gitops:render',
      'haven:gitops:register',
      'haven:gitops:add-secret',
      'haven:observability:render',
      'haven:gitlab:merge-request',
      'haven:vault:rotate',
      'haven:delivery:sync',
      'haven:delivery:follow',
      'haven:gitops:decommission',
      'haven:gitops:await-merge',
      'haven:vault:decommission',
      'haven:catalog:unregister',
    ]);
    for (const action of actions) {
      expect(action.supportsDryRun).toBe(true);
      expect(action.examples?.length).toBeGreaterThan(0);
    }
  });

  it('still registers the action without haven.vault, so its page explains what is missing', async () => {
    const actions = await start({});
    expect(actions.map(a => a.id)).toEqual([
      'haven:vault:provision',
      'haven:gitops:render',
      'haven:gitops:register',
      'haven:gitops:add-secret',
      'haven:observability:render',
      'haven:gitlab:merge-request',
      'haven:vault:rotate',
      'haven:delivery:sync',
      'haven:delivery:follow',
      'haven:gitops:decommission',
      'haven:gitops:await-merge',
      'haven:vault:decommission',
      'haven:catalog:unregister',
    ]);
  });

  it('refuses to start on a configuration that cannot work, naming the key', async () => {
    await expect(
      start({
        haven: {
          vault: {
            address: 'http://127.0.0.1:8200',
            auth: { method: 'token', token: 'x' },
            environments: [
              {
                name: 'sandbox',
                kvMount: '../kv',
                kubernetesAuthMount: 'kubernetes',
              },
            ],
          },
        },
      }),
    ).rejects.toThrow('haven.vault.environments[0] (sandbox).kvMount');
  });
});
