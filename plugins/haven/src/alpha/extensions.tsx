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
 * The two cards are on every service component's overview: with the
 * annotations they read they show the data, without them an empty state
 * names the annotation to add. The Observability tab is only on entities
 * with a telemetry identity (isTelemetryAvailable).
 */

const SERVICE_COMPONENTS = {
  kind: 'component',
  'spec.type': 'service',
};

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
    filter: SERVICE_COMPONENTS,
    loader: () =>
      import('../components/DeliveryCard').then(m => <m.DeliveryCard />),
  },
});

export const observabilityCard = EntityCardBlueprint.make({
  name: 'observability',
  params: {
    type: 'content',
    filter: SERVICE_COMPONENTS,
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
