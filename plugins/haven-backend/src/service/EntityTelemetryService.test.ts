import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  EntityTelemetryService,
  type EntityPageVault,
} from './EntityTelemetryService';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders', annotations: {} },
};

describe('EntityTelemetryService, answers kept in this replica', () => {
  function setup(cacheTtlSeconds: number) {
    let now = Date.parse('2026-11-24T10:00:00Z');
    const store = new Map<string, unknown>();
    const cache = {
      get: jest.fn(async (key: string) => store.get(key)),
      set: jest.fn(async (key: string, value: unknown) => {
        store.set(key, value);
      }),
      delete: jest.fn(),
      withOptions: jest.fn(),
    };
    const service = new EntityTelemetryService({
      config: { cacheTtlSeconds, timeoutMs: 1000 },
      cache: cache as any,
      logger: mockServices.logger.mock(),
      now: () => now,
    });
    return {
      service,
      cache,
      store,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  it('answers a repeated view from memory until the shared entry expires', async () => {
    const { service, cache, store, advance } = setup(30);
    const first = await service.get(entity, '1h');
    expect(cache.set).toHaveBeenCalledTimes(1);
    advance(29_000);
    expect(await service.get(entity, '1h')).toBe(first);
    // Neither decoded from the shared cache nor built again.
    expect(cache.get).toHaveBeenCalledTimes(1);
    expect(cache.set).toHaveBeenCalledTimes(1);

    advance(1_000);
    store.clear(); // the shared entry expires with its TTL too
    const later = await service.get(entity, '1h');
    expect(later.generatedAt).not.toBe(first.generatedAt);
    expect(cache.set).toHaveBeenCalledTimes(2);
  });

  it("keeps another replica's answer only until that answer's entry expires", async () => {
    const { service, cache, store, advance } = setup(30);
    const otherReplica = {
      entityRef: 'component:default/orders',
      window: '1h',
      generatedAt: new Date(
        Date.parse('2026-11-24T10:00:00Z') - 20_000,
      ).toISOString(),
    };
    store.set('entity-telemetry:v2:component:default/orders:1h', otherReplica);
    expect(await service.get(entity, '1h')).toBe(otherReplica);
    advance(9_000);
    expect(await service.get(entity, '1h')).toBe(otherReplica);
    expect(cache.get).toHaveBeenCalledTimes(1);
    advance(1_000); // 30 s after it was generated
    store.clear(); // the shared entry has expired too
    const fresh = await service.get(entity, '1h');
    expect(fresh).not.toBe(otherReplica);
    expect(cache.get).toHaveBeenCalledTimes(2);
  });

  it('keeps nothing when caching is off', async () => {
    const { service, cache } = setup(0);
    const a = await service.get(entity, '1h');
    const b = await service.get(entity, '1h');
    expect(b).not.toBe(a);
    expect(cache.set).not.toHaveBeenCalled();
  });
});

describe('EntityTelemetryService, the Vault key names it remembers', () => {
  const withVault: Entity = {
    ...entity,
    metadata: {
      name: 'orders',
      annotations: {
        'vault.io/secrets-engine': 'kv-apps',
        'vault.io/secrets-path': 'apps/orders/orders',
      },
    },
  };
  const metadata = {
    currentVersion: 1,
    oldestVersion: 1,
    createdTime: '2026-11-24T10:00:00Z',
    updatedTime: '2026-11-24T10:00:00Z',
    casRequired: false,
    versions: {},
  };

  function setup(cache: Record<string, jest.Mock>) {
    /** Each call's name, in the order the service made them. */
    const calls: string[] = [];
    const vault = {
      config: {
        address: 'https://vault.test',
        environments: {},
      } as unknown as EntityPageVault['config'],
      client: {
        readKvMetadata: jest.fn(async (_mount: string, path: string) => {
          calls.push(`read ${path.split('/').pop()}`);
          return metadata;
        }),
      },
      list: jest.fn(async () => {
        calls.push('list');
        // Answers after the reads sent with it have been sent.
        await new Promise(resolve => setImmediate(resolve));
        calls.push('listed');
        return ['api-key'];
      }),
    };
    const service = new EntityTelemetryService({
      config: { cacheTtlSeconds: 30, timeoutMs: 1000 },
      vault,
      cache: {
        delete: jest.fn(),
        withOptions: jest.fn(),
        ...cache,
      } as any,
      logger: mockServices.logger.mock(),
    });
    return { service, calls };
  }

  it('keeps them a week in the shared cache and reads them with the next LIST', async () => {
    const store = new Map<string, unknown>();
    const set = jest.fn(async (key: string, value: unknown) => {
      store.set(key, value);
    });
    const { service, calls } = setup({
      get: jest.fn(async (key: string) => store.get(key)),
      set,
    });
    await service.get(withVault, '1h');
    expect(calls).toEqual(['list', 'listed', 'read api-key']);
    expect(set).toHaveBeenCalledWith(
      'entity-telemetry:vault-keys:v1:kv-apps:apps/orders/orders',
      ['api-key'],
      { ttl: 7 * 24 * 60 * 60 * 1000 },
    );

    calls.length = 0;
    const answer = await service.get(withVault, '6h');
    expect(calls).toEqual(['read api-key', 'list', 'listed']);
    expect(answer.vault).toMatchObject({
      status: 'ok',
      secrets: [{ name: 'api-key', version: 1 }],
    });
  });

  it('answers as before when the cache cannot be read or written', async () => {
    const { service, calls } = setup({
      get: jest.fn(async () => {
        throw new Error('cache down');
      }),
      set: jest.fn(async () => {
        throw new Error('cache down');
      }),
    });
    const answer = await service.get(withVault, '1h');
    expect(calls).toEqual(['list', 'listed', 'read api-key']);
    expect(answer.vault).toMatchObject({
      status: 'ok',
      secrets: [{ name: 'api-key' }],
    });
  });
});
