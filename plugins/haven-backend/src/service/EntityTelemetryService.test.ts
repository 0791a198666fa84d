import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { EntityTelemetryService } from './EntityTelemetryService';

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
