import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  readHavenVaultConfig,
  VaultClient,
} from '@haven-plus/plugin-haven-node';
import { boundedCache } from './boundedCache';
import { readEntityPageConfig } from './config';
import { havenPermissions } from './permissions';
import { readDeliveryClusters } from './delivery/clusters';
import { DeliveryActions } from './delivery/DeliveryActions';
import { createKubernetesRequester } from './delivery/kubernetesApi';
import { createRouter } from './router';
import {
  EntityTelemetryService,
  type EntityPageVault,
} from './service/EntityTelemetryService';
import { listKvKeys } from './service/vault';

/**
 * The Haven+ backend plugin: per-entity Vault KV metadata and Loki/Tempo
 * summaries for the entity page, at
 * `GET /api/haven/entities/:kind/:namespace/:name/telemetry?window=1h`; and
 * the Delivery card's actions, `POST .../delivery/sync` (ESO force-sync) and
 * `POST .../delivery/reconcile` (Flux reconcile request), each behind its own
 * permission and audited.
 *
 * @public
 */
export const havenPlugin = createBackendPlugin({
  pluginId: 'haven',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        cache: coreServices.cache,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        auditor: coreServices.auditor,
      },
      async init({
        httpRouter,
        httpAuth,
        logger,
        config,
        cache,
        permissions,
        permissionsRegistry,
        catalog,
        auditor,
      }) {
        permissionsRegistry.addPermissions(havenPermissions);

        const pageConfig = readEntityPageConfig(config);
        const vaultConfig = readHavenVaultConfig(config);
        let vault: EntityPageVault | undefined;
        if (vaultConfig) {
          // A client of its own: one attempt per call, instead of the
          // scaffolder's patient retries. The section's own deadline
          // (timeoutMs) ends the wait; the client's is a little later, only
          // so the request does not outlive it by much.
          const client = new VaultClient({
            address: vaultConfig.address,
            namespace: vaultConfig.namespace,
            auth: vaultConfig.auth,
            timeoutMs: pageConfig.timeoutMs + 500,
            retry: { maxAttempts: 1 },
          });
          vault = {
            config: vaultConfig,
            client,
            list: (mount, path) => listKvKeys(client, mount, path),
          };
        }
        const telemetry = new EntityTelemetryService({
          config: pageConfig,
          vault,
          // Redis that stops answering must not hold the page (see boundedCache).
          cache: boundedCache(cache, { logger }),
          logger,
        });
        // Sync now and Reconcile write through the clusters and credentials
        // the Kubernetes backend reads with (kubernetes.clusterLocatorMethods).
        const delivery = new DeliveryActions({
          clusters: readDeliveryClusters(config),
          request: createKubernetesRequester(),
        });
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            catalog,
            telemetry,
            auditor,
            delivery,
          }),
        );
      },
    });
  },
});
