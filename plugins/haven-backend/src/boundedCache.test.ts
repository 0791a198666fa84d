import { mockServices } from '@backstage/backend-test-utils';
import type { CacheService } from '@backstage/backend-plugin-api';
import { boundedCache } from './boundedCache';

/** A cache that answers from a map, or never (a Redis client's offline queue), or fails. */
function fakeCache(mode: { current: 'answer' | 'hang' | 'fail' }) {
  const store = new Map<string, unknown>();
  const calls: string[] = [];
  const answer = <T>(value: () => T): Promise<T> => {
    if (mode.current === 'hang') return new Promise<T>(() => undefined);
    if (mode.current === 'fail')
      return Promise.reject(new Error('Socket closed unexpectedly'));
    return Promise.resolve(value());
  };
  const cache: CacheService = {
    get: async key => {
      calls.push(`get ${key}`);
      return answer(() => store.get(key) as any);
    },
    set: async (key, value) => {
      calls.push(`set ${key}`);
      return answer(() => {
        store.set(key, value);
      });
    },
    delete: async key => {
      calls.push(`delete ${key}`);
      return answer(() => {
        store.delete(key);
      });
    },
    withOptions: () => cache,
  };
  return { cache, calls };
}

function setup(initial: 'answer' | 'hang' | 'fail' = 'answer') {
  const mode = { current: initial };
  const { cache, calls } = fakeCache(mode);
  const logger = mockServices.logger.mock();
  let clock = 1_000_000;
  const bounded = boundedCache(cache, {
    logger,
    timeoutMs: 50,
    pauseMs: 5_000,
    now: () => clock,
  });
  return {
    mode,
    calls,
    logger,
    bounded,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('boundedCache', () => {
  it('passes reads and writes through while the cache answers', async () => {
    const { bounded, calls, logger } = setup();
    await bounded.set('k', { a: 1 });
    await expect(bounded.get('k')).resolves.toEqual({ a: 1 });
    await bounded.delete('k');
    await expect(bounded.get('k')).resolves.toBeUndefined();
    expect(calls).toEqual(['set k', 'get k', 'delete k', 'get k']);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('a cache that never answers is a miss after the timeout, then left alone for the pause', async () => {
    const { bounded, calls, logger, advance } = setup('hang');
    const t0 = Date.now();
    await expect(bounded.get('k')).resolves.toBeUndefined();
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(45);
    expect(waited).toBeLessThan(2_000);
    // Paused: no call reaches the cache, nothing waits.
    await expect(bounded.get('k')).resolves.toBeUndefined();
    await expect(bounded.set('k', 1)).resolves.toBeUndefined();
    expect(calls).toEqual(['get k']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(String(logger.warn.mock.calls[0][0])).toMatch(
      /not answering: no answer to a read within 50 ms.*again in 5 s/,
    );
    // After the pause, one more try; still down, still one warning.
    advance(5_001);
    await bounded.get('k');
    expect(calls).toEqual(['get k', 'get k']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('a failing cache is a miss at once, and its recovery is logged once', async () => {
    const { bounded, mode, calls, logger, advance } = setup('fail');
    await expect(bounded.set('k', 'v')).resolves.toBeUndefined();
    expect(String(logger.warn.mock.calls[0][0])).toContain(
      'a write failed (Error)',
    );
    mode.current = 'answer';
    await bounded.set('k', 'v');
    expect(calls).toEqual(['set k']);
    advance(5_001);
    await bounded.set('k', 'v');
    await expect(bounded.get('k')).resolves.toBe('v');
    expect(logger.info).toHaveBeenCalledWith('The shared cache answers again');
    expect(logger.info).toHaveBeenCalledTimes(1);
  });

  it('logs neither keys nor values', async () => {
    const { bounded, logger } = setup('fail');
    await bounded.set('haven:secret-key-name', 'sk-very-secret');
    const logged = JSON.stringify([
      logger.warn.mock.calls,
      logger.info.mock.calls,
      logger.error.mock.calls,
    ]);
    expect(logged).not.toContain('secret-key-name');
    expect(logged).not.toContain('sk-very-secret');
  });

  it('withOptions shares the pause with the cache it came from', async () => {
    const { bounded, calls } = setup('hang');
    await bounded.get('k');
    await bounded.withOptions({ defaultTtl: 1000 }).get('other');
    expect(calls).toEqual(['get k']);
  });
});
