import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { readHavenVaultConfig } from '@haven-plus/plugin-haven-node';
import { createVaultProvisionAction } from './actions/vault/vaultProvision';

/**
 * The Haven+ scaffolder actions.
 * @public
 */
export const scaffolderModuleHaven = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'haven',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ scaffolder, config, logger }) {
        const vault = readHavenVaultConfig(config);
        if (!vault) {
          logger.warn(
            'haven.vault is not configured: haven:vault:provision will refuse to run',
          );
        }
        scaffolder.addActions(createVaultProvisionAction({ config: vault }));
      },
    });
  },
});
