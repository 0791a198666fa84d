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

/** What Vault's metadata read answers for a key that exists. */
const metadata = {
  currentVersion: 1,
  oldestVersion: 1,
  createdTime: '2026-11-24T10:00:00Z',
  updatedTime: '2026-11-24T10:00:00Z',
  casRequired: false,
  versions: {},
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
      delete: jest.fn(async (key: string) => {
        store.delete(key);
      }),
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

  it('builds a fresh answer after forget, in this replica and the shared cache', async () => {
    const { service, cache, advance } = setup(30);
    const first = await service.get(entity, '1h');
    await service.get(entity, '24h');
    advance(1_000);
    await service.forget(entity);
    expect(cache.delete).toHaveBeenCalledWith(
      'entity-telemetry:v2:component:default/orders:1h',
    );
    expect(cache.delete).toHaveBeenCalledWith(
      'entity-telemetry:v2:component:default/orders:24h',
    );
    const again = await service.get(entity, '1h');
    expect(again).not.toBe(first);
    expect(again.generatedAt).not.toBe(first.generatedAt);
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

describe('EntityTelemetryService, the Vault key names the entity declares', () => {
  const PATH = 'apps/orders/orders';
  const declaring = (names: string): Entity => ({
    ...entity,
    metadata: {
      name: 'orders',
      annotations: {
        'vault.io/secrets-engine': 'kv-apps',
        'vault.io/secrets-path': PATH,
        'haven.plus/vault-secret-names': names,
      },
    },
  });

  /**
   * A Vault that answers each request after 5 ms and records, per request,
   * how many round trips in series it comes after: a request sent before any
   * answer arrived is round 1, one sent once a round-1 answer arrived is
   * round 2, and so on.
   */
  function latencyVault(held: string[]) {
    let answered = 0;
    const rounds: Array<{ request: string; round: number }> = [];
    const answer = async <T>(request: string, value: () => T): Promise<T> => {
      const round = answered + 1;
      rounds.push({ request, round });
      await new Promise(resolve => setTimeout(resolve, 5));
      answered = Math.max(answered, round);
      return value();
    };
    const vault: EntityPageVault = {
      config: {
        address: 'https://vault.test',
        environments: {},
      } as unknown as EntityPageVault['config'],
      client: {
        readKvMetadata: (_mount: string, path: string) => {
          const name = path.slice(PATH.length + 1);
          return answer(`read ${name}`, () =>
            held.includes(name) ? metadata : undefined,
          );
        },
      },
      list: () => answer('list', () => [...held]),
    };
    const inSeries = () => Math.max(0, ...rounds.map(r => r.round));
    return { vault, rounds, inSeries };
  }

  function setup(held: string[]) {
    const fake = latencyVault(held);
    const store = new Map<string, unknown>();
    const service = new EntityTelemetryService({
      config: { cacheTtlSeconds: 30, timeoutMs: 1000 },
      vault: fake.vault,
      cache: {
        get: jest.fn(async (key: string) => store.get(key)),
        set: jest.fn(async (key: string, value: unknown) => {
          store.set(key, value);
        }),
        delete: jest.fn(),
        withOptions: jest.fn(),
      } as any,
      logger: mockServices.logger.mock(),
    });
    return { service, ...fake };
  }

  it('reads the declared keys with the LIST of a path never listed: one round trip in series', async () => {
    const { service, rounds, inSeries } = setup(['api-key', 'db-password']);
    const answer = await service.get(declaring('api-key,db-password'), '1h');
    expect(inSeries()).toBe(1);
    expect(rounds).toEqual(
      expect.arrayContaining([
        { request: 'list', round: 1 },
        { request: 'read api-key', round: 1 },
        { request: 'read db-password', round: 1 },
      ]),
    );
    expect(rounds).toHaveLength(3);
    expect(answer.vault).toMatchObject({
      status: 'ok',
      secrets: [{ name: 'api-key' }, { name: 'db-password' }],
    });
  });

  it('costs two round trips without the annotation, as before', async () => {
    const { service, inSeries } = setup(['api-key']);
    const bare = declaring('');
    const answer = await service.get(bare, '1h');
    expect(inSeries()).toBe(2);
    expect(answer.vault).toMatchObject({ secrets: [{ name: 'api-key' }] });
  });

  it('reads a key the LIST finds beyond the declared ones in a second round, and shows it', async () => {
    const { service, rounds } = setup(['added-later', 'api-key']);
    const answer = await service.get(declaring('api-key'), '1h');
    expect(rounds).toEqual(
      expect.arrayContaining([
        { request: 'read api-key', round: 1 },
        { request: 'read added-later', round: 2 },
      ]),
    );
    expect(answer.vault).toMatchObject({
      status: 'ok',
      secrets: [{ name: 'added-later' }, { name: 'api-key' }],
    });
  });

  it('reads the declared keys and the keys the last LIST found, so the next view of that path is one round trip again', async () => {
    const { service, rounds, inSeries } = setup(['added-later', 'api-key']);
    const declared = declaring('api-key');
    await service.get(declared, '1h');
    expect(inSeries()).toBe(2);
    rounds.length = 0;
    // Another window: not the cached answer, the same path.
    const answer = await service.get(declared, '6h');
    expect(rounds.every(r => r.round === rounds[0].round)).toBe(true);
    expect(rounds.map(r => r.request).sort()).toEqual([
      'list',
      'read added-later',
      'read api-key',
    ]);
    expect(answer.vault).toMatchObject({
      secrets: [{ name: 'added-later' }, { name: 'api-key' }],
    });
  });

  it('leaves out a declared key the LIST does not find, as for an entity without the annotation', async () => {
    const declared = setup(['api-key']);
    const withNames = await declared.service.get(
      declaring('api-key,never-written'),
      '1h',
    );
    const plain = setup(['api-key']);
    const without = await plain.service.get(declaring(''), '1h');
    expect(withNames.vault).toEqual(without.vault);
    expect(withNames.vault).toMatchObject({
      status: 'ok',
      secrets: [{ name: 'api-key' }],
    });
    expect(declared.inSeries()).toBe(1);
  });

  it('never reads a declared entry that is not one key under the path', async () => {
    const { service, rounds } = setup(['api-key']);
    await service.get(declaring('api-key,../other/api-key,x=secret'), '1h');
    expect(rounds.map(r => r.request).sort()).toEqual(['list', 'read api-key']);
  });
});
