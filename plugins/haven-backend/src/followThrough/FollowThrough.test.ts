import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createKubernetesDouble,
  setupDoubleServer,
  type KubernetesDouble,
  type KubernetesObject,
} from '@haven-plus/haven-doubles';
import type { PullRequestState } from '@haven-plus/plugin-haven-node';
import { createKubernetesRequester } from '../delivery/kubernetesApi';
import { FollowStore } from './FollowStore';
import { FollowThrough, type FollowThroughConfig } from './FollowThrough';

jest.setTimeout(30_000);

const CLUSTER_URL = 'http://kubernetes.follow.test';
const TOKEN = 'cluster-token-follow-9a1c';
const PR = 'https://github.com/haven-fleet/fleet/pull/7';
const OLD = `main@sha1:${'a'.repeat(40)}`;
const MERGE_SHA = 'b'.repeat(40);
const CONFIG: FollowThroughConfig = {
  pollSeconds: 1,
  timeoutMinutes: 30,
  openDays: 14,
  batchSize: 10,
};

const server = setupDoubleServer();
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const shop: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'shop' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
};

const labels = { 'backstage.io/kubernetes-id': 'shop' };
const ready = (message: string, reason = 'ReconciliationSucceeded') => [
  { type: 'Ready', status: 'True', reason, message },
];
const kustomization = (revision: string): KubernetesObject => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'shop', namespace: 'flux-system', labels, generation: 1 },
  spec: { interval: '10m' },
  status: {
    observedGeneration: 1,
    lastAppliedRevision: revision,
    conditions: ready(`Applied revision: ${revision}`),
  },
});
const helmRelease: KubernetesObject = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'shop', namespace: 'shop', labels, generation: 1 },
  spec: { interval: '10m' },
  status: {
    observedGeneration: 1,
    conditions: ready('Helm install succeeded', 'InstallSucceeded'),
  },
};
const externalSecret = (synced: boolean): KubernetesObject => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name: 'shop-vault', namespace: 'shop', labels, generation: 1 },
  spec: { refreshInterval: '1h', target: { name: 'shop-vault' } },
  status: synced
    ? {
        refreshTime: new Date().toISOString(),
        syncedResourceVersion: '1-abc',
        binding: { name: 'shop-vault' },
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'SecretSynced',
            message: 'secret synced',
          },
        ],
      }
    : {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'SecretSyncedError',
            message: 'could not get secret data from provider',
          },
        ],
      },
});

interface Rig {
  double: KubernetesDouble;
  store: FollowStore;
  follow: FollowThrough;
  send: jest.Mock;
  pr: PullRequestState;
  clock: { now: Date };
}

async function rig(
  options: { objects?: KubernetesObject[]; entities?: Entity[] } = {},
): Promise<Rig> {
  const knex = await databases.init('SQLITE_3');
  const clock = { now: new Date('2026-12-03T10:00:00Z') };
  const store = await FollowStore.create(
    { getClient: async () => knex } as DatabaseService,
    { now: () => clock.now },
  );
  const double = createKubernetesDouble({
    baseUrl: CLUSTER_URL,
    token: TOKEN,
    objects: options.objects ?? [],
  });
  server.use(...double.handlers);
  const pr: PullRequestState = {
    url: PR,
    provider: 'github',
    state: 'open',
    title: 'Deliver shop to haven-sandbox',
  };
  const send = jest.fn(async () => undefined);
  const follow = new FollowThrough({
    store,
    pullRequests: { read: async () => ({ ...pr }) },
    catalog: catalogServiceMock({ entities: options.entities ?? [shop] }),
    auth: mockServices.auth(),
    clusters: [
      {
        name: 'haven-sandbox',
        url: CLUSTER_URL,
        authProvider: 'serviceAccount',
        serviceAccountToken: TOKEN,
        skipTLSVerify: false,
      },
    ],
    request: createKubernetesRequester(),
    notifications: { send },
    logger: mockServices.logger.mock(),
    config: CONFIG,
    now: () => clock.now,
  });
  await store.follow({
    entityRef: 'component:default/shop',
    pullRequestUrl: PR,
    ownerRef: 'group:default/team-a',
    initiatorRef: 'user:default/ada',
  });
  return { double, store, follow, send, pr, clock };
}

describe('FollowThrough', () => {
  it('waits while open, then until Flux applied the merge, then tells the owner and the initiator once', async () => {
    const r = await rig({
      objects: [kustomization(OLD), helmRelease, externalSecret(true)],
    });

    expect(await r.follow.checkAll()).toEqual([
      expect.objectContaining({ outcome: 'waiting', notified: false }),
    ]);

    // Merged, but the cluster still runs the revision from before the merge.
    Object.assign(r.pr, {
      state: 'merged',
      mergedAt: '2026-12-03T10:01:00Z',
      mergeCommitSha: MERGE_SHA,
    });
    const [waiting] = await r.follow.checkAll();
    expect(waiting.outcome).toBe('waiting');
    expect(waiting.reason).toContain('Flux has not applied the merge yet');
    expect(r.send).not.toHaveBeenCalled();

    // Flux applies the merge commit.
    r.double.apply(kustomization(`main@sha1:${MERGE_SHA}`));
    const [done] = await r.follow.checkAll();
    expect(done).toMatchObject({ outcome: 'ready', notified: true });
    expect(r.send).toHaveBeenCalledTimes(1);
    expect(r.send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: ['group:default/team-a', 'user:default/ada'],
      },
      payload: expect.objectContaining({
        title: 'shop: delivered: Ready and Synced',
        link: '/catalog/default/component/shop',
        severity: 'normal',
        topic: 'Haven+ delivery',
      }),
    });
    const record = await r.store.latestFor('component:default/shop');
    expect(record).toMatchObject({
      prState: 'merged',
      outcome: 'ready',
      mergeCommitSha: MERGE_SHA,
      revisionsAtMerge: [OLD],
    });
    expect(record?.notifiedAt).toBeDefined();

    // Done: no further round reads it or tells anyone again.
    expect(await r.follow.checkAll()).toEqual([]);
    expect(r.send).toHaveBeenCalledTimes(1);
  });

  it('treats a new app with no objects at merge as applied once any revision is', async () => {
    const r = await rig();
    Object.assign(r.pr, { state: 'merged', mergedAt: '2026-12-03T10:01:00Z' });
    expect((await r.follow.checkAll())[0].reason).toContain(
      'Flux has not applied the app yet',
    );
    r.double.apply(kustomization(OLD));
    r.double.apply(helmRelease);
    r.double.apply(externalSecret(true));
    expect((await r.follow.checkAll())[0].outcome).toBe('ready');
  });

  it('waits for the catalog when the merged component is not in it yet', async () => {
    const r = await rig({ entities: [] });
    Object.assign(r.pr, { state: 'merged', mergedAt: '2026-12-03T10:01:00Z' });
    const [result] = await r.follow.checkAll();
    expect(result.reason).toContain('waiting for the catalog');
  });

  it('notifies a failure with the reason the controller gave', async () => {
    const r = await rig({ objects: [kustomization(OLD), helmRelease] });
    Object.assign(r.pr, { state: 'merged', mergedAt: '2026-12-03T10:01:00Z' });
    await r.follow.checkAll();
    r.double.apply(kustomization(`main@sha1:${MERGE_SHA}`));
    r.double.apply(externalSecret(false));
    const [failed] = await r.follow.checkAll();
    expect(failed.outcome).toBe('failed');
    expect(failed.reason).toContain('ExternalSecret/shop-vault in shop');
    expect(r.send).toHaveBeenCalledWith(
      expect.objectContaining({
        payload: expect.objectContaining({
          title: 'shop: delivery failed',
          severity: 'high',
          description: expect.stringContaining(
            'could not get secret data from provider',
          ),
        }),
      }),
    );
  });

  it('says when a merge is not delivered in time, and when a pull request is closed', async () => {
    const r = await rig({ objects: [kustomization(OLD)] });
    Object.assign(r.pr, { state: 'merged', mergedAt: '2026-12-03T10:01:00Z' });
    await r.follow.checkAll();
    r.clock.now = new Date('2026-12-03T10:32:00Z');
    const [late] = await r.follow.checkAll();
    expect(late.outcome).toBe('timed-out');
    expect(late.reason).toMatch(
      /^not Ready and Synced 30 min after the merge: /,
    );

    const closed = await rig();
    closed.pr.state = 'closed';
    const [result] = await closed.follow.checkAll();
    expect(result.outcome).toBe('closed');
    expect(closed.send).toHaveBeenCalledWith(
      expect.objectContaining({
        payload: expect.objectContaining({ severity: 'low' }),
      }),
    );
  });

  it('keeps following when the host cannot be read, and says why', async () => {
    const r = await rig();
    const failing = new FollowThrough({
      ...(r.follow as any).options,
      pullRequests: {
        read: async () => {
          throw new Error('Reading GitHub pull request failed: HTTP 502');
        },
      },
    });
    const [result] = await failing.checkAll();
    expect(result).toMatchObject({ outcome: 'waiting', notified: false });
    expect((await r.store.latestFor('component:default/shop'))?.reason).toBe(
      'check failed: Reading GitHub pull request failed: HTTP 502',
    );
  });

  it('follows a pull request once however often it is registered', async () => {
    const r = await rig();
    const again = await r.store.follow({
      entityRef: 'component:default/shop',
      pullRequestUrl: PR,
    });
    expect(again.created).toBe(false);
    expect(again.record.ownerRef).toBe('group:default/team-a');
    expect(await r.store.waiting(10)).toHaveLength(1);
  });
});
