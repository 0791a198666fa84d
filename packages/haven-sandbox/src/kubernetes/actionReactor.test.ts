import {
  createKubernetesDouble,
  createVaultDouble,
  setupDoubleServer,
  type KubernetesObject,
} from '@haven-plus/haven-doubles';
import { startDeliveryActionReactor } from './actionReactor';

const URL_ = 'http://kubernetes.sandbox.test';
const TOKEN = 'sandbox-token';
const NOW = new Date('2026-12-03T12:00:00.250Z');

const server = setupDoubleServer();

const externalSecret = (name: string, ready: 'True' | 'False') => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name, namespace: 'shop' },
  spec: {},
  status: {
    refreshTime: '2026-12-01T08:00:00Z',
    conditions: [{ type: 'Ready', status: ready }],
  },
});

const objects: KubernetesObject[] = [
  externalSecret('synced', 'True'),
  externalSecret('failing', 'False'),
  {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'orders', namespace: 'flux-system' },
    spec: {},
    status: { lastHandledReconcileAt: 'earlier' },
  },
];

const ES = '/apis/external-secrets.io/v1/namespaces/shop/externalsecrets';
const KS =
  '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/orders';

const call = async (path: string, annotations?: Record<string, string>) => {
  const res = await fetch(`${URL_}${path}`, {
    method: annotations ? 'PATCH' : 'GET',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/merge-patch+json',
    },
    body: annotations
      ? JSON.stringify({ metadata: { annotations } })
      : undefined,
  });
  return res.json();
};

describe('startDeliveryActionReactor', () => {
  const started: Array<{ stop(): void }> = [];
  afterEach(() => started.splice(0).forEach(r => r.stop()));

  function start() {
    const cluster = createKubernetesDouble({
      baseUrl: URL_,
      token: TOKEN,
      objects,
    });
    server.use(...cluster.handlers);
    const reactor = startDeliveryActionReactor({
      cluster,
      url: URL_,
      token: TOKEN,
      intervalMs: 60_000,
      now: () => NOW,
    });
    started.push(reactor);
    return reactor;
  }

  it('gives a synced ExternalSecret a new refreshTime after force-sync, and leaves a failing one failing', async () => {
    const reactor = start();
    await call(`${ES}/synced`, { 'force-sync': '1' });
    await call(`${ES}/failing`, { 'force-sync': '1' });
    expect(await reactor.reactNow()).toBe(1);
    expect((await call(`${ES}/synced`)).status.refreshTime).toBe(
      '2026-12-03T12:00:00Z',
    );
    expect((await call(`${ES}/failing`)).status.refreshTime).toBe(
      '2026-12-01T08:00:00Z',
    );
    // Nothing new: nothing to do.
    expect(await reactor.reactNow()).toBe(0);
  });

  it('records the handled reconcile request of a Flux object', async () => {
    const reactor = start();
    await call(KS, { 'reconcile.fluxcd.io/requestedAt': 'token-1' });
    expect(await reactor.reactNow()).toBe(1);
    expect((await call(KS)).status.lastHandledReconcileAt).toBe('token-1');
  });

  it('does not react to reads', async () => {
    const reactor = start();
    await call(`${ES}/synced`);
    expect(await reactor.reactNow()).toBe(0);
  });

  it('after a rotation in Vault and a force-sync, the ExternalSecret and the metadata the entity page reads both show the new version', async () => {
    // A rotation (haven:vault:rotate) at 12:00:00.250, the sync asked for
    // after it; ESO's stand-in reacts at 12:00:01.100.
    const VAULT = 'http://vault.sandbox.test';
    const ROTATED_AT = new Date('2026-12-03T12:00:00.250Z');
    const vault = createVaultDouble({
      baseUrl: VAULT,
      rootToken: 'root',
      kvMounts: ['kv-apps'],
      kvSecrets: [
        {
          mount: 'kv-apps',
          path: 'apps/shop/synced/key',
          data: { value: 'v1' },
        },
      ],
      now: () => ROTATED_AT,
    });
    const cluster = createKubernetesDouble({
      baseUrl: URL_,
      token: TOKEN,
      objects,
    });
    server.use(...cluster.handlers, ...vault.handlers);
    const reactor = startDeliveryActionReactor({
      cluster,
      url: URL_,
      token: TOKEN,
      intervalMs: 60_000,
      now: () => new Date('2026-12-03T12:00:01.100Z'),
    });
    started.push(reactor);

    const write = await fetch(`${VAULT}/v1/kv-apps/data/apps/shop/synced/key`, {
      method: 'POST',
      headers: { 'x-vault-token': 'root', 'content-type': 'application/json' },
      body: JSON.stringify({ data: { value: 'v2' }, options: { cas: 1 } }),
    });
    expect(write.status).toBe(200);
    await call(`${ES}/synced`, { 'force-sync': '2026-12-03T12:00:00.900Z' });
    expect(await reactor.reactNow()).toBe(1);

    const metadata = await (
      await fetch(`${VAULT}/v1/kv-apps/metadata/apps/shop/synced/key`, {
        headers: { 'x-vault-token': 'root' },
      })
    ).json();
    expect(metadata.data.current_version).toBe(2);
    const es = await call(`${ES}/synced`);
    expect(es.status.refreshTime).toBe('2026-12-03T12:00:01Z');
    expect(es.status.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    // The card's Synced-or-Stale test (haven-common status/externalSecrets.ts,
    // staleness): Vault's updated_time at or before ESO's refreshTime.
    expect(Date.parse(metadata.data.updated_time)).toBeLessThanOrEqual(
      Date.parse(es.status.refreshTime),
    );
  });
});
