import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  PullRequestStateReader,
  readHavenVaultConfig,
  VaultClient,
} from '@haven-plus/plugin-haven-node';
import { boundedCache } from './boundedCache';
import { readEntityPageConfig, readFollowThroughConfig } from './config';
import { createFollowRoutes } from './followThrough/followRoutes';
import { FollowStore } from './followThrough/FollowStore';
import { FollowThrough } from './followThrough/FollowThrough';
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
 * permission and audited; and the follow-through of Haven+ pull requests
 * (`POST /api/haven/follow-through`, `GET .../follow-through` per entity):
 * a scheduled check that notifies the owner once a merge is Ready and
 * Synced, or fails.
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
        auth: coreServices.auth,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        notifications: notificationService,
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
        auth,
        database,
        scheduler,
        notifications,
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
        const clusters = readDeliveryClusters(config);
        const request = createKubernetesRequester();
        const delivery = new DeliveryActions({ clusters, request });
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

        const followConfig = readFollowThroughConfig(config);
        const store = await FollowStore.create(database);
        const pullRequests = PullRequestStateReader.fromConfig(config);
        httpRouter.use(
          createFollowRoutes({ httpAuth, catalog, store, pullRequests }),
        );
        if (followConfig.enabled) {
          const followThrough = new FollowThrough({
            store,
            pullRequests,
            catalog,
            auth,
            clusters,
            request,
            notifications,
            logger,
            config: followConfig,
          });
          // `global`: one replica runs each round (the scheduler's lock in
          // the database), so an owner is told once.
          await scheduler.scheduleTask({
            id: 'haven-follow-through',
            scope: 'global',
            frequency: { seconds: followConfig.pollSeconds },
            timeout: { minutes: 5 },
            initialDelay: { seconds: Math.min(followConfig.pollSeconds, 10) },
            fn: async () => {
              await followThrough.checkAll();
            },
          });
        } else {
          logger.info(
            'haven.followThrough.enabled is false: merged pull requests are not followed',
          );
        }
      },
    });
  },
});
