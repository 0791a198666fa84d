import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  HelmRepositoryReader,
  PullRequestStateReader,
  readDatasourceUids,
  readHavenChartsConfig,
  readHavenGitopsConfig,
  readHavenVaultConfig,
} from '@haven-plus/plugin-haven-node';
import { createObservabilityRenderAction } from './actions/observability/observabilityRender';
import { createGitopsAddSecretAction } from './actions/gitops/gitopsAddSecret';
import { createGitopsRegisterAction } from './actions/gitops/gitopsRegister';
import { createGitopsRenderAction } from './actions/gitops/gitopsRender';
import { createGitlabMergeRequestAction } from './actions/gitops/gitlabMergeRequest';
import { createVaultProvisionAction } from './actions/vault/vaultProvision';
import { createVaultRotateAction } from './actions/vault/vaultRotate';
import { createDeliverySyncAction } from './actions/delivery/deliverySync';
import { createDeliveryFollowAction } from './actions/delivery/deliveryFollow';
import { createCatalogUnregisterAction } from './actions/catalog/catalogUnregister';
import { createGitopsAwaitMergeAction } from './actions/gitops/gitopsAwaitMerge';
import { createGitopsDecommissionAction } from './actions/gitops/gitopsDecommission';
import { createVaultDecommissionAction } from './actions/vault/vaultDecommission';

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
        reader: coreServices.urlReader,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ scaffolder, config, logger, reader, auth, discovery }) {
        const vault = readHavenVaultConfig(config);
        if (!vault) {
          logger.warn(
            'haven.vault is not configured: haven:vault:provision will refuse to run',
          );
        }
        const gitops = readHavenGitopsConfig(config);
        if (!gitops) {
          logger.warn(
            'haven.gitops is not configured: haven:gitops:render will refuse to run',
          );
        }
        const charts = readHavenChartsConfig(config);
        if (!charts.checkValues) {
          logger.warn(
            'haven.charts.checkValues is false: haven:gitops:render will not check values against the charts',
          );
        }
        scaffolder.addActions(
          createVaultProvisionAction({ config: vault }),
          createGitopsRenderAction({
            gitops,
            vault,
            charts: charts.checkValues
              ? new HelmRepositoryReader({
                  mirrors: charts.mirrors,
                  timeoutMs: charts.timeoutMs,
                })
              : undefined,
          }),
          createGitopsRegisterAction(),
          createGitopsAddSecretAction({ gitops, vault, reader }),
          createObservabilityRenderAction({
            gitops,
            vault,
            datasourceUids: readDatasourceUids(config),
          }),
          createGitlabMergeRequestAction({ config }),
          createVaultRotateAction({ config: vault, gitops }),
          createDeliverySyncAction({ auth, discovery }),
          createDeliveryFollowAction({ auth, discovery }),
          createGitopsDecommissionAction({ gitops, vault, reader }),
          createGitopsAwaitMergeAction({
            reader: PullRequestStateReader.fromConfig(config),
          }),
          createVaultDecommissionAction({ config: vault }),
          createCatalogUnregisterAction({ auth, discovery }),
        );
      },
    });
  },
});
