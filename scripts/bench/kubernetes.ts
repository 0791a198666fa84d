/*
 * Kubernetes API requests per entity view: what our Delivery card asks the
 * Kubernetes backend (POST /api/kubernetes/resources/custom/query with the
 * card's custom resources) against what the Kubernetes plugin's own tab asks
 * (POST /api/kubernetes/services/<name>, its getObjectsByEntity), counted at
 * the Kubernetes double, for the same entity in the same run.
 */
import { stringifyEntityRef } from '@backstage/catalog-model';
import { DELIVERY_RESOURCES } from '../../plugins/haven/src/components/DeliveryCard/deliveryModel';
import type { Figure } from '../../packages/backend/src/reliability/figureTable';
import { startBenchHarness, type BenchHarness } from './harness';

const SECTION = 'Kubernetes requests per entity view';
const VIEWS = 5;

interface Fetched {
  /** Kubernetes API requests per view. */
  perView: number;
  /** Objects the last answer held, over all clusters. */
  objects: number;
  /** Fetch errors the last answer reported. */
  errors: number;
}

/** POSTs `body` to the Kubernetes backend VIEWS times, counting at the double. */
async function fetchViews(
  harness: BenchHarness,
  route: string,
  body: unknown,
): Promise<Fetched> {
  const before = (await harness.doubles.counts()).kubernetes;
  let answer: {
    items?: Array<{
      resources?: Array<{ resources?: unknown[] }>;
      errors?: unknown[];
    }>;
  } = {};
  for (let i = 0; i < VIEWS; i++) {
    const res = await fetch(`${harness.baseUrl}/api/kubernetes${route}`, {
      method: 'POST',
      headers: { ...harness.userHeaders, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) {
      throw new Error(
        `POST /api/kubernetes${route} answered ${
          res.status
        }: ${await res.text()}`,
      );
    }
    answer = await res.json();
  }
  const after = (await harness.doubles.counts()).kubernetes;
  const items = answer.items ?? [];
  return {
    perView: (after - before) / VIEWS,
    objects: items.reduce(
      (n, item) =>
        n +
        (item.resources ?? []).reduce(
          (m, r) => m + (r.resources?.length ?? 0),
          0,
        ),
      0,
    ),
    errors: items.reduce((n, item) => n + (item.errors?.length ?? 0), 0),
  };
}

export async function runKubernetesBench(): Promise<Figure[]> {
  const harness = await startBenchHarness({ entities: 1, latencyMs: 0 });
  try {
    const entity = harness.deliveryEntity;
    // DeliveryCard.tsx: kubernetesApi.getCustomObjectsByEntity({ entity,
    // auth: {}, customResources: DELIVERY_RESOURCES }), which the
    // KubernetesBackendClient posts as below.
    const card = await fetchViews(harness, '/resources/custom/query', {
      entityRef: stringifyEntityRef(entity),
      auth: {},
      customResources: DELIVERY_RESOURCES,
    });
    // The Kubernetes tab: useKubernetesObjects -> getObjectsByEntity({ auth,
    // entity }), posted to /services/<entity name>.
    const tab = await fetchViews(
      harness,
      `/services/${encodeURIComponent(entity.metadata.name)}`,
      { entity, auth: {} },
    );
    const ratio = card.perView / tab.perView;
    const answer = (f: Fetched) =>
      `answer: ${f.objects} objects, ${f.errors} fetch errors`;
    return [
      {
        section: SECTION,
        metric: `Delivery card (custom query, ${DELIVERY_RESOURCES.length} kinds)`,
        value: card.perView,
        unit: 'requests',
        note: `${answer(
          card,
        )}; a failing ExternalSecret adds one Events read through the proxy per failing row (none fail here)`,
      },
      {
        section: SECTION,
        metric: 'Kubernetes plugin default fetch (POST /services/:name)',
        value: tab.perView,
        unit: 'requests',
        note: `${answer(
          tab,
        )}; default object types plus kubernetes.customResources; the tab repeats it every 10 s while open (useKubernetesObjects)`,
      },
      {
        section: SECTION,
        metric: 'ratio card / Kubernetes plugin',
        value: Math.round(ratio * 1000) / 1000,
        unit: '',
        goal: '<= 0.25',
        met: ratio <= 0.25,
        note: `same entity, same run, ${VIEWS} views each, counted at the Kubernetes double`,
      },
    ];
  } finally {
    await harness.stop();
  }
}
