import { realSystemFromEnv, setupDoubleServer } from '../contractServer';
import {
  createKubernetesDouble,
  type KubernetesObject,
} from './kubernetesDouble';

const DOUBLE_URL = 'http://kubernetes.double.test';
const TOKEN = 'test-token';

const real = realSystemFromEnv({
  urlVar: 'HAVEN_TEST_KUBERNETES_URL',
  tokenVar: 'HAVEN_TEST_KUBERNETES_TOKEN',
  suite: 'Kubernetes API contract against a real cluster',
});
const server = setupDoubleServer(real);

const get = (base: string, token: string | undefined, path: string) =>
  fetch(`${base}${path}`, {
    headers: {
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });

/** A response's status code and JSON body. */
const answer = async (res: Response) => ({
  code: res.status,
  body: await res.json(),
});

/** A failure `Status` answer (apimachinery metav1.Status) with its code and reason. */
const failure = (
  code: number,
  reason: string,
  more: { message?: string } = {},
) => ({
  code,
  body: { kind: 'Status', status: 'Failure', reason, code, ...more },
});

const targets = [
  ['the double', { url: DOUBLE_URL, token: TOKEN }] as const,
  ...(real ? [['the real cluster', real] as const] : []),
];

describe.each(targets)('Kubernetes API contract on %s', (_name, target) => {
  beforeEach(() => {
    server.use(
      ...createKubernetesDouble({ baseUrl: DOUBLE_URL, token: TOKEN }).handlers,
    );
  });

  it('answers a list call with a typed List', async () => {
    const res = await get(
      target.url,
      target.token,
      `/api/v1/namespaces/default/configmaps?labelSelector=${encodeURIComponent(
        'backstage.io/kubernetes-id=no-such-app',
      )}`,
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMapList',
      items: [],
    });
    expect(typeof body.metadata.resourceVersion).toBe('string');
  });

  it('refuses a request without a valid token with a 401 Status', async () => {
    const res = await get(
      target.url,
      'not-the-token',
      '/api/v1/namespaces/default/pods',
    );
    expect(await answer(res)).toMatchObject(failure(401, 'Unauthorized'));
  });

  it('answers 400 for a field label events cannot be selected by', async () => {
    const res = await get(
      target.url,
      target.token,
      `/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent(
        'involvedObject.kind=ExternalSecret,message=denied',
      )}`,
    );
    expect(await answer(res)).toMatchObject(
      failure(400, 'BadRequest', {
        message: 'field label not supported: message',
      }),
    );
  });

  it('answers 404 for an API version the cluster no longer serves', async () => {
    const res = await get(
      target.url,
      target.token,
      '/apis/helm.toolkit.fluxcd.io/v2beta1/helmreleases',
    );
    expect(await answer(res)).toMatchObject(failure(404, 'NotFound'));
  });
});

describe('the Kubernetes double', () => {
  const externalSecret = (
    name: string,
    namespace: string,
    id: string,
  ): KubernetesObject => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace, labels: { 'backstage.io/kubernetes-id': id } },
    spec: { refreshInterval: '1h' },
  });
  const pod: KubernetesObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-0',
      namespace: 'shop',
      labels: { 'backstage.io/kubernetes-id': 'orders' },
    },
  };

  const use = (
    options: Partial<Parameters<typeof createKubernetesDouble>[0]> = {},
  ) => {
    const double = createKubernetesDouble({
      baseUrl: DOUBLE_URL,
      token: TOKEN,
      ...options,
    });
    server.use(...double.handlers);
    return double;
  };
  const list = async (path: string) => {
    const res = await get(DOUBLE_URL, TOKEN, path);
    return { status: res.status, body: await res.json() };
  };

  it('lists custom resources by namespace and label selector, keeping their kind', async () => {
    use({
      objects: [
        externalSecret('orders-db', 'shop', 'orders'),
        externalSecret('payments-db', 'shop', 'payments'),
        externalSecret('orders-db', 'other', 'orders'),
      ],
    });
    const selector = encodeURIComponent('backstage.io/kubernetes-id=orders');
    const namespaced = await list(
      `/apis/external-secrets.io/v1/namespaces/shop/externalsecrets?labelSelector=${selector}`,
    );
    expect(namespaced.body.kind).toBe('ExternalSecretList');
    expect(namespaced.body.items).toHaveLength(1);
    expect(namespaced.body.items[0]).toMatchObject({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'orders-db', namespace: 'shop' },
      spec: { refreshInterval: '1h' },
    });

    const clusterWide = await list(
      `/apis/external-secrets.io/v1/externalsecrets?labelSelector=${selector}`,
    );
    expect(
      clusterWide.body.items
        .map((i: KubernetesObject) => i.metadata.namespace)
        .sort(),
    ).toEqual(['other', 'shop']);
  });

  it('omits kind and apiVersion on built-in list items, as the API server does', async () => {
    use({ objects: [pod] });
    const { body } = await list('/api/v1/namespaces/shop/pods');
    expect(body).toMatchObject({ apiVersion: 'v1', kind: 'PodList' });
    expect(body.items).toEqual([
      {
        metadata: expect.objectContaining({ name: 'web-0', namespace: 'shop' }),
      },
    ]);
  });

  it('does not serve ESO v1beta1, which ESO 2.x no longer serves', async () => {
    use({ objects: [externalSecret('orders-db', 'shop', 'orders')] });
    expect(
      (await list('/apis/external-secrets.io/v1beta1/externalsecrets')).status,
    ).toBe(404);
  });

  it('answers 403 with the RBAC message for resources the token may not list', async () => {
    use({
      forbidden: [{ group: 'helm.toolkit.fluxcd.io', plural: 'helmreleases' }],
    });
    const { status, body } = await list(
      '/apis/helm.toolkit.fluxcd.io/v2/namespaces/shop/helmreleases',
    );
    expect(status).toBe(403);
    expect(body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
    });
    expect(body.message).toBe(
      'helmreleases.helm.toolkit.fluxcd.io is forbidden: User "system:serviceaccount:backstage:backstage" cannot list resource "helmreleases" in API group "helm.toolkit.fluxcd.io" in the namespace "shop"',
    );
  });

  it('answers 400 for a selector the API server cannot parse', async () => {
    use();
    const { status, body } = await list(
      `/api/v1/pods?labelSelector=${encodeURIComponent('tier in web')}`,
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({
      reason: 'BadRequest',
      message: 'unable to parse requirement: tier in web',
    });
  });

  it('gets one object by name, or a NotFound Status naming it', async () => {
    use({ objects: [externalSecret('orders-db', 'shop', 'orders')] });
    const found = await list(
      '/apis/external-secrets.io/v1/namespaces/shop/externalsecrets/orders-db',
    );
    expect(found.status).toBe(200);
    expect(found.body.metadata.name).toBe('orders-db');
    const missing = await list(
      '/apis/external-secrets.io/v1/namespaces/shop/externalsecrets/nope',
    );
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(
      'externalsecrets.external-secrets.io "nope" not found',
    );
  });

  it('records what it was asked, for assertions on the caller', async () => {
    const double = use();
    await list(
      `/api/v1/pods?labelSelector=${encodeURIComponent(
        'backstage.io/kubernetes-id=x',
      )}`,
    );
    await list(
      `/api/v1/namespaces/shop/events?fieldSelector=${encodeURIComponent(
        'type=Warning',
      )}`,
    );
    expect(double.requests).toEqual([
      {
        method: 'GET',
        path: '/api/v1/pods',
        labelSelector: 'backstage.io/kubernetes-id=x',
        fieldSelector: null,
        status: 200,
      },
      {
        method: 'GET',
        path: '/api/v1/namespaces/shop/events',
        labelSelector: null,
        fieldSelector: 'type=Warning',
        status: 200,
      },
    ]);
  });

  describe('Events, as the entity page reads them for an ExternalSecret', () => {
    const eventOf = (
      name: string,
      involved: { kind: string; name: string },
      type: 'Normal' | 'Warning',
      reason: string,
    ): KubernetesObject => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: 'shop' },
      involvedObject: {
        apiVersion: involved.kind === 'Pod' ? 'v1' : 'external-secrets.io/v1',
        namespace: 'shop',
        uid: `uid-${involved.name}`,
        ...involved,
      },
      reason,
      message: `${reason} happened`,
      type,
      count: 1,
      source: { component: 'external-secrets' },
      eventTime: null,
      reportingComponent: 'external-secrets',
    });
    const objects = [
      eventOf(
        'orders-db.1',
        { kind: 'ExternalSecret', name: 'orders-db' },
        'Normal',
        'Created',
      ),
      eventOf(
        'orders-db.2',
        { kind: 'ExternalSecret', name: 'orders-db' },
        'Warning',
        'UpdateFailed',
      ),
      eventOf(
        'payments-db.1',
        { kind: 'ExternalSecret', name: 'payments-db' },
        'Warning',
        'UpdateFailed',
      ),
      eventOf(
        'orders-db.3',
        { kind: 'Pod', name: 'orders-db' },
        'Warning',
        'Failed',
      ),
    ];
    const events = (selector: string) =>
      list(
        `/api/v1/namespaces/shop/events?fieldSelector=${encodeURIComponent(
          selector,
        )}`,
      );

    it('lists the Events of one ExternalSecret by involvedObject kind and name', async () => {
      use({ objects });
      const { status, body } = await events(
        'involvedObject.kind=ExternalSecret,involvedObject.name=orders-db',
      );
      expect(status).toBe(200);
      expect(body).toMatchObject({ apiVersion: 'v1', kind: 'EventList' });
      expect(
        body.items.map((e: { metadata: { name: string } }) => e.metadata.name),
      ).toEqual(['orders-db.1', 'orders-db.2']);
      expect(body.items[1]).toEqual({
        metadata: expect.objectContaining({ name: 'orders-db.2' }),
        involvedObject: expect.objectContaining({
          kind: 'ExternalSecret',
          name: 'orders-db',
        }),
        reason: 'UpdateFailed',
        message: 'UpdateFailed happened',
        type: 'Warning',
        count: 1,
        source: { component: 'external-secrets' },
        eventTime: null,
        reportingComponent: 'external-secrets',
      });
    });

    it('selects with ==, != and type/reason as well', async () => {
      use({ objects });
      const warnings = await events(
        'involvedObject.kind==ExternalSecret,type=Warning,reason!=Created',
      );
      expect(
        warnings.body.items.map(
          (e: { metadata: { name: string } }) => e.metadata.name,
        ),
      ).toEqual(['orders-db.2', 'payments-db.1']);
      const notPods = await events('involvedObject.kind!=Pod');
      expect(notPods.body.items).toHaveLength(3);
      const byUid = await events('involvedObject.uid=uid-payments-db');
      expect(byUid.body.items).toHaveLength(1);
    });

    it('answers 400 for a field label a custom resource cannot be selected by', async () => {
      use({ objects });
      const { status, body } = await list(
        `/apis/external-secrets.io/v1/namespaces/shop/externalsecrets?fieldSelector=${encodeURIComponent(
          'involvedObject.name=orders-db',
        )}`,
      );
      expect(status).toBe(400);
      expect(body).toMatchObject({
        reason: 'BadRequest',
        message: 'field label not supported: involvedObject.name',
      });
    });

    it('answers 400 for a selector it cannot parse', async () => {
      use({ objects });
      const { status, body } = await events('type');
      expect(status).toBe(400);
      expect(body.message).toBe(
        "invalid selector: 'type'; can't understand 'type'",
      );
    });

    it('selects custom resources by metadata.name', async () => {
      use({
        objects: [
          externalSecret('orders-db', 'shop', 'orders'),
          externalSecret('payments-db', 'shop', 'payments'),
        ],
      });
      const { body } = await list(
        '/apis/external-secrets.io/v1/namespaces/shop/externalsecrets?fieldSelector=metadata.name%3Dpayments-db',
      );
      expect(body.items.map((i: KubernetesObject) => i.metadata.name)).toEqual([
        'payments-db',
      ]);
    });
  });

  it('deletes an object by its identity, so a list no longer has it', async () => {
    const double = use({
      objects: [
        externalSecret('orders-db', 'shop', 'orders'),
        externalSecret('payments-db', 'shop', 'payments'),
      ],
    });
    expect(double.remove(externalSecret('orders-db', 'shop', 'orders'))).toBe(
      true,
    );
    expect(double.remove(externalSecret('orders-db', 'shop', 'orders'))).toBe(
      false,
    );
    const { body } = await list(
      '/apis/external-secrets.io/v1/namespaces/shop/externalsecrets',
    );
    expect(body.items.map((i: KubernetesObject) => i.metadata.name)).toEqual([
      'payments-db',
    ]);
  });

  it('refuses to hold an object of a type it does not serve', () => {
    expect(() =>
      use({
        objects: [
          {
            apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
            kind: 'HelmRelease',
            metadata: { name: 'x', namespace: 'y' },
          },
        ],
      }),
    ).toThrow('does not serve helm.toolkit.fluxcd.io/v2beta1 HelmRelease');
  });
});
