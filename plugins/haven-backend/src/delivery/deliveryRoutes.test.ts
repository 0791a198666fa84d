import type { AddressInfo } from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createKubernetesDouble,
  setupDoubleServer,
  type KubernetesDouble,
  type KubernetesObject,
} from '@haven-plus/haven-doubles';
import { http, passthrough } from 'msw';
import {
  havenEntityFluxReconcilePermission,
  havenEntitySecretsSyncPermission,
} from '@haven-plus/plugin-haven-common';
import havenPlugin from '../index';

jest.setTimeout(30_000);

const CLUSTER_URL = 'http://kubernetes.double.test';
const TOKEN = 'cluster-token-never-logged-7f3a';
const ROUTE = '/api/haven/entities/component/default/orders/delivery';

const server = setupDoubleServer();

const orders: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'orders' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:team-a' },
};

/** An object in `namespace`, labelled for the entity `id` (orders by default). */
const labelled = (
  [apiVersion, kind]: [string, string],
  namespace: string,
  name: string,
  id = 'orders',
): KubernetesObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace, labels: { 'backstage.io/kubernetes-id': id } },
  spec: { interval: '10m' },
});

const EXTERNAL_SECRET: [string, string] = [
  'external-secrets.io/v1',
  'ExternalSecret',
];
const objects: KubernetesObject[] = [
  labelled(EXTERNAL_SECRET, 'shop', 'orders'),
  labelled(EXTERNAL_SECRET, 'shop', 'billing', 'billing'),
  labelled(
    ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'],
    'flux-system',
    'orders',
  ),
  labelled(['helm.toolkit.fluxcd.io/v2', 'HelmRelease'], 'shop', 'orders'),
];

const kubernetesConfig = {
  kubernetes: {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'prod-eu',
            url: CLUSTER_URL,
            authProvider: 'serviceAccount',
            serviceAccountToken: TOKEN,
          },
        ],
      },
    ],
  },
};

interface Started {
  double: KubernetesDouble;
  auditor: ReturnType<typeof mockServices.auditor.mock>;
  success: jest.Mock;
  fail: jest.Mock;
  post(
    action: string,
    body: unknown,
  ): Promise<{
    status: number;
    body: { error?: { name: string; message: string } } & Record<
      string,
      unknown
    >;
  }>;
}

async function start(
  options: {
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    entities?: Entity[];
    forbidden?: Array<{ group: string; plural: string }>;
  } = {},
): Promise<Started> {
  const double = createKubernetesDouble({
    baseUrl: CLUSTER_URL,
    token: TOKEN,
    objects,
    forbidden: options.forbidden,
  });
  server.use(...double.handlers);
  const success = jest.fn();
  const fail = jest.fn();
  const auditor = mockServices.auditor.mock({
    createEvent: jest.fn(async () => ({ success, fail })),
  });
  const { server: backend } = await startTestBackend({
    features: [
      havenPlugin,
      mockServices.rootConfig.factory({ data: kubernetesConfig }),
      catalogServiceMock.factory({ entities: options.entities ?? [orders] }),
      mockServices.permissions.factory({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
      auditor.factory,
    ],
  });
  const base = `http://localhost:${(backend.address() as AddressInfo).port}`;
  server.use(http.all(`${base}/*`, () => passthrough()));
  return {
    double,
    auditor,
    success,
    fail,
    async post(action, body) {
      const res = await fetch(`${base}${ROUTE}/${action}`, {
        method: 'POST',
        headers: {
          authorization: mockCredentials.user.header('user:default/alice'),
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
  };
}

/** "Sync now" of an ExternalSecret in namespace shop of cluster prod-eu. */
const syncOf = (backend: Started, name: string) =>
  backend.post('sync', { cluster: 'prod-eu', namespace: 'shop', name });

const patches = (double: KubernetesDouble) =>
  double.requests.filter(r => r.method === 'PATCH');

async function stored(path: string) {
  const res = await fetch(`${CLUSTER_URL}${path}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return res.json();
}

const ES = '/apis/external-secrets.io/v1/namespaces/shop/externalsecrets';

describe('POST /entities/:kind/:namespace/:name/delivery/:action', () => {
  it('sync sets ESO’s force-sync annotation on the ExternalSecret and audits it', async () => {
    const backend = await start();
    const { status, body } = await syncOf(backend, 'orders');

    expect(status).toBe(202);
    expect(body).toEqual({
      action: 'sync',
      cluster: 'prod-eu',
      kind: 'ExternalSecret',
      namespace: 'shop',
      name: 'orders',
      annotation: 'force-sync',
      requestedAt: expect.any(String),
    });
    expect(patches(backend.double)).toEqual([
      expect.objectContaining({ path: `${ES}/orders`, status: 200 }),
    ]);
    const es = await stored(`${ES}/orders`);
    expect(es.metadata.annotations).toEqual({
      'force-sync': body.requestedAt,
    });

    expect(backend.auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'delivery-sync',
        severityLevel: 'medium',
        meta: { entityRef: 'component:default/orders' },
      }),
    );
    expect(backend.success).toHaveBeenCalledWith({ meta: body });
    expect(backend.fail).not.toHaveBeenCalled();
    expect(JSON.stringify(backend.success.mock.calls)).not.toContain(TOKEN);
  });

  it.each([
    [
      'Kustomization',
      'flux-system',
      '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/orders',
    ],
    [
      'HelmRelease',
      'shop',
      '/apis/helm.toolkit.fluxcd.io/v2/namespaces/shop/helmreleases/orders',
    ],
  ])(
    'reconcile sets Flux’s requestedAt annotation on a %s',
    async (kind, namespace, path) => {
      const backend = await start();
      const { status, body } = await backend.post('reconcile', {
        cluster: 'prod-eu',
        kind,
        namespace,
        name: 'orders',
      });
      expect(status).toBe(202);
      expect(body.annotation).toBe('reconcile.fluxcd.io/requestedAt');
      const obj = await stored(path);
      expect(obj.metadata.annotations).toEqual({
        'reconcile.fluxcd.io/requestedAt': body.requestedAt,
      });
      expect(backend.auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({ eventId: 'delivery-reconcile' }),
      );
      expect(backend.success).toHaveBeenCalledTimes(1);
    },
  );

  it.each([
    ['sync', havenEntitySecretsSyncPermission.name, 'ExternalSecret', 'shop'],
    [
      'reconcile',
      havenEntityFluxReconcilePermission.name,
      'Kustomization',
      'flux-system',
    ],
  ])(
    'refuses %s without %s: 403, nothing sent to the cluster, a failed audit event',
    async (action, permissionName, kind, namespace) => {
      const backend = await start({ permission: AuthorizeResult.DENY });
      const { status, body } = await backend.post(action, {
        cluster: 'prod-eu',
        kind,
        namespace,
        name: 'orders',
      });
      expect(status).toBe(403);
      expect(body.error?.message).toContain(`permission ${permissionName}`);
      expect(backend.double.requests).toEqual([]);
      expect(backend.success).not.toHaveBeenCalled();
      expect(backend.fail).toHaveBeenCalledWith({
        error: expect.objectContaining({ name: 'NotAllowedError' }),
        meta: {
          target: { cluster: 'prod-eu', kind, namespace, name: 'orders' },
        },
      });
    },
  );

  it('answers 409 when the object is not in the cluster, and patches nothing', async () => {
    const backend = await start();
    const { status, body } = await syncOf(backend, 'orders-gone');
    expect(status).toBe(409);
    expect(body.error?.message).toBe(
      'ExternalSecret shop/orders-gone in cluster prod-eu does not exist (any more); reload the Delivery card',
    );
    expect(patches(backend.double)).toEqual([]);
    expect(backend.fail).toHaveBeenCalledTimes(1);
  });

  it('answers 404 for an entity the caller cannot see, before any cluster call', async () => {
    const backend = await start({ entities: [] });
    const { status } = await syncOf(backend, 'orders');
    expect(status).toBe(404);
    expect(backend.double.requests).toEqual([]);
  });

  it('refuses an object labelled for another entity', async () => {
    const backend = await start();
    const { status, body } = await syncOf(backend, 'billing');
    expect(status).toBe(403);
    expect(body.error?.message).toContain(
      'is not labelled backstage.io/kubernetes-id=orders',
    );
    expect(patches(backend.double)).toEqual([]);
  });

  it('answers 502 with the API server’s refusal when the service account may not touch the kind', async () => {
    const backend = await start({
      forbidden: [{ group: 'external-secrets.io', plural: 'externalsecrets' }],
    });
    const { status, body } = await syncOf(backend, 'orders');
    expect(status).toBe(502);
    expect(body.error?.message).toContain(
      'The API server refused to get ExternalSecret shop/orders in cluster prod-eu (HTTP 403',
    );
    expect(body.error?.message).toContain(
      'needs get and patch on externalsecrets.external-secrets.io in namespace shop',
    );
    expect(body.error?.message).not.toContain(TOKEN);
  });

  it.each([
    [
      'sync',
      { cluster: 'prod-eu', kind: 'HelmRelease', namespace: 'shop', name: 'x' },
      '"sync" acts on ExternalSecret, not on HelmRelease',
    ],
    [
      'reconcile',
      { cluster: 'prod-eu', namespace: 'shop', name: 'orders' },
      'The request body needs "kind"',
    ],
    [
      'sync',
      { cluster: 'elsewhere', namespace: 'shop', name: 'orders' },
      'No cluster named "elsewhere" in kubernetes.clusterLocatorMethods',
    ],
    [
      'sync',
      { cluster: 'prod-eu', namespace: 'Shop_1', name: 'orders' },
      'namespace',
    ],
  ])('answers 400 to %s with %j', async (action, request, message) => {
    const backend = await start();
    const { status, body } = await backend.post(action, request);
    expect(status).toBe(400);
    expect(body.error?.message).toContain(message);
    expect(patches(backend.double)).toEqual([]);
  });

  it('answers 404 for an action it does not know', async () => {
    const backend = await start();
    const { status } = await backend.post('delete', {});
    expect(status).toBe(404);
    expect(backend.auditor.createEvent).not.toHaveBeenCalled();
  });
});
