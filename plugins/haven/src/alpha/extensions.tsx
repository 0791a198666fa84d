import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { havenApiRef, HavenClient } from '../api/HavenClient';

/*
 * Filters are predicates, not functions, so app-config can override them.
 * The keys are @haven-plus/plugin-haven-common's annotation constants
 * spelled out: a filter key must be a literal.
 *
 * Delivery: the entity's objects can be found in a cluster
 * (isKubernetesAvailable). Observability: it has a telemetry identity
 * (isTelemetryAvailable).
 */

export const havenApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: havenApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new HavenClient({ discoveryApi, fetchApi }),
    }),
});

export const deliveryCard = EntityCardBlueprint.make({
  name: 'delivery',
  params: {
    type: 'content',
    filter: {
      $any: [
        {
          'metadata.annotations.backstage.io/kubernetes-id': { $exists: true },
        },
        {
          'metadata.annotations.backstage.io/kubernetes-label-selector': {
            $exists: true,
          },
        },
      ],
    },
    loader: () =>
      import('../components/DeliveryCard').then(m => <m.DeliveryCard />),
  },
});

export const observabilityCard = EntityCardBlueprint.make({
  name: 'observability',
  params: {
    type: 'content',
    filter: {
      $any: [
        {
          'metadata.annotations.haven.plus/otel-service-name': {
            $exists: true,
          },
        },
        {
          'metadata.annotations.backstage.io/kubernetes-id': { $exists: true },
        },
      ],
    },
    loader: () =>
      import('../components/ObservabilityCard').then(m => (
        <m.ObservabilityCard />
      )),
  },
});

export const observabilityContent = EntityContentBlueprint.make({
  name: 'observability',
  params: {
    path: '/observability',
    title: 'Observability',
    group: 'observability',
    filter: {
      $any: [
        {
          'metadata.annotations.haven.plus/otel-service-name': {
            $exists: true,
          },
        },
        {
          'metadata.annotations.backstage.io/kubernetes-id': { $exists: true },
        },
      ],
    },
    loader: () =>
      import('../components/ObservabilityCard').then(m => (
        <m.ObservabilityContent />
      )),
  },
});
