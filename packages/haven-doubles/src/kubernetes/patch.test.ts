import { setupDoubleServer } from '../contractServer';
import {
  createKubernetesDouble,
  type KubernetesObject,
} from './kubernetesDouble';
import { applyMergePatch } from './patch';

const DOUBLE_URL = 'http://kubernetes.double.test';
const TOKEN = 'test-token';

const server = setupDoubleServer();

const externalSecret: KubernetesObject = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: {
    name: 'orders',
    namespace: 'shop',
    labels: { 'backstage.io/kubernetes-id': 'orders' },
    annotations: { 'team.example/owner': 'team-a' },
  },
  spec: { refreshInterval: '1h', data: [{ secretKey: 'A' }] },
  status: { refreshTime: '2026-08-20T08:00:00Z' },
};

const kustomization: KubernetesObject = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'orders', namespace: 'flux-system' },
  spec: { interval: '10m', path: './apps/orders' },
};

const helmRelease: KubernetesObject = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'orders', namespace: 'shop' },
  spec: { interval: '10m', chart: { spec: { chart: 'orders' } } },
};

const ES_PATH = '/apis/external-secrets.io/v1/namespaces/shop/externalsecrets';
const KS_PATH =
  '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations';
const HR_PATH = '/apis/helm.toolkit.fluxcd.io/v2/namespaces/shop/helmreleases';

function patch(
  path: string,
  body: unknown,
  contentType = 'application/merge-patch+json',
  token = TOKEN,
) {
  return fetch(`${DOUBLE_URL}${path}`, {
    method: 'PATCH',
    headers: {
      accept: 'application/json',
      authorization: `Bearer ${token}`,
      'content-type': contentType,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const annotate = (key: string, value: string | null) => ({
  metadata: { annotations: { [key]: value } },
});

describe('PATCH on the Kubernetes double', () => {
  let double: ReturnType<typeof createKubernetesDouble>;
  beforeEach(() => {
    double = createKubernetesDouble({
      baseUrl: DOUBLE_URL,
      token: TOKEN,
      objects: [externalSecret, kustomization, helmRelease],
      forbidden: [
        { group: 'source.toolkit.fluxcd.io', plural: 'gitrepositories' },
      ],
    });
    server.use(...double.handlers);
  });

  it.each([
    ['an ExternalSecret', `${ES_PATH}/orders`, 'force-sync'],
    ['a Kustomization', `${KS_PATH}/orders`, 'reconcile.fluxcd.io/requestedAt'],
    ['a HelmRelease', `${HR_PATH}/orders`, 'reconcile.fluxcd.io/requestedAt'],
  ])(
    'merges an annotation into %s and answers the updated object',
    async (_what, path, key) => {
      const before = await (
        await fetch(`${DOUBLE_URL}${path}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).json();

      const res = await patch(path, annotate(key, '2026-12-03T12:00:00Z'));

      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.metadata.annotations[key]).toBe('2026-12-03T12:00:00Z');
      expect(body.spec).toEqual(before.spec);
      expect(Number(body.metadata.resourceVersion)).toBeGreaterThan(
        Number(before.metadata.resourceVersion),
      );
      // A later GET sees the change.
      const after = await (
        await fetch(`${DOUBLE_URL}${path}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).json();
      expect(after).toEqual(body);
    },
  );

  it('keeps the other annotations and removes a key patched to null', async () => {
    await patch(`${ES_PATH}/orders`, annotate('force-sync', '1'));
    const res = await patch(`${ES_PATH}/orders`, {
      metadata: {
        annotations: { 'force-sync': '2', 'team.example/owner': null },
      },
    });
    const body = await res.json();
    expect(body.metadata.annotations).toEqual({ 'force-sync': '2' });
    expect(body.metadata.labels).toEqual({
      'backstage.io/kubernetes-id': 'orders',
    });
    expect(body.status).toEqual(externalSecret.status);
  });

  it('answers 404 with a NotFound Status for a missing object', async () => {
    const res = await patch(`${KS_PATH}/billing`, annotate('x', '1'));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'kustomizations.kustomize.toolkit.fluxcd.io "billing" not found',
      reason: 'NotFound',
      details: {
        name: 'billing',
        group: 'kustomize.toolkit.fluxcd.io',
        kind: 'kustomizations',
      },
      code: 404,
    });
  });

  it.each([
    'application/json',
    'application/strategic-merge-patch+json',
    'application/json-patch+json',
  ])('answers 415 for the content type %s and changes nothing', async type => {
    const res = await patch(
      `${ES_PATH}/orders`,
      annotate('force-sync', '1'),
      type,
    );
    expect(res.status).toBe(415);
    const body = await res.json();
    expect(body.reason).toBe('UnsupportedMediaType');
    expect(body.message).toContain('application/merge-patch+json');
    const stored = await (
      await fetch(`${DOUBLE_URL}${ES_PATH}/orders`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
    ).json();
    expect(stored.metadata.annotations['force-sync']).toBeUndefined();
  });

  it('accepts a merge-patch content type with parameters', async () => {
    const res = await patch(
      `${ES_PATH}/orders`,
      annotate('force-sync', '1'),
      'application/merge-patch+json; charset=utf-8',
    );
    expect(res.status).toBe(200);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await patch(`${ES_PATH}/orders`, '{not json');
    expect(res.status).toBe(400);
    expect((await res.json()).reason).toBe('BadRequest');
  });

  it('answers 400 for a patch that renames the object', async () => {
    const res = await patch(`${ES_PATH}/orders`, {
      metadata: { name: 'other' },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe(
      'the name of the object (other) does not match the name on the URL (orders)',
    );
  });

  it('answers 409 Conflict for a stale resourceVersion', async () => {
    const res = await patch(`${ES_PATH}/orders`, {
      metadata: { resourceVersion: '1', annotations: { 'force-sync': '1' } },
    });
    expect(res.status).toBe(409);
    expect((await res.json()).reason).toBe('Conflict');
  });

  it('answers 405 on a collection and on a kind it does not patch', async () => {
    expect((await patch(ES_PATH, annotate('x', '1'))).status).toBe(405);
    expect(
      (
        await patch(
          '/apis/external-secrets.io/v1/namespaces/shop/secretstores/vault',
          annotate('x', '1'),
        )
      ).status,
    ).toBe(405);
  });

  it('answers 401 without the token and 403 for a forbidden kind', async () => {
    expect(
      (await patch(`${ES_PATH}/orders`, annotate('x', '1'), undefined, 'no'))
        .status,
    ).toBe(401);
    const res = await patch(
      '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/fleet',
      annotate('x', '1'),
    );
    expect(res.status).toBe(403);
    expect((await res.json()).message).toContain('cannot patch resource');
  });

  it('records the PATCH requests it answered', async () => {
    await patch(`${ES_PATH}/orders`, annotate('force-sync', '1'));
    expect(double.requests.at(-1)).toMatchObject({
      method: 'PATCH',
      path: `${ES_PATH}/orders`,
      status: 200,
    });
  });
});

describe('applyMergePatch (RFC 7386 appendix A)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j patched with %j is %j', (target, patchValue, expected) => {
    expect(applyMergePatch(target, patchValue)).toEqual(expected);
  });
});
