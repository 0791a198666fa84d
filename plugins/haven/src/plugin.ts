import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { havenApiRef, HavenClient } from './api/HavenClient';

/**
 * The Haven+ frontend plugin for the legacy frontend system.
 * @public
 */
export const havenPlugin = createPlugin({
  id: 'haven',
  apis: [
    createApiFactory({
      api: havenApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new HavenClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The delivery chain card: Flux, External Secrets and Vault, per cluster.
 * Needs the Kubernetes plugin's API (kubernetesApiRef) in the app.
 * @public
 */
export const EntityHavenDeliveryCard: () => JSX.Element = havenPlugin.provide(
  createComponentExtension({
    name: 'EntityHavenDeliveryCard',
    component: {
      lazy: () => import('./components/DeliveryCard').then(m => m.DeliveryCard),
    },
  }),
);

/**
 * The observability card: Grafana Explore links, recent traces, log volume.
 * @public
 */
export const EntityHavenObservabilityCard: () => JSX.Element =
  havenPlugin.provide(
    createComponentExtension({
      name: 'EntityHavenObservabilityCard',
      component: {
        lazy: () =>
          import('./components/ObservabilityCard').then(
            m => m.ObservabilityCard,
          ),
      },
    }),
  );

/**
 * The observability tab content (for an EntityLayout.Route).
 * @public
 */
export const EntityHavenObservabilityContent: () => JSX.Element =
  havenPlugin.provide(
    createComponentExtension({
      name: 'EntityHavenObservabilityContent',
      component: {
        lazy: () =>
          import('./components/ObservabilityCard').then(
            m => m.ObservabilityContent,
          ),
      },
    }),
  );
