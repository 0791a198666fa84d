import type {
  CacheService,
  CacheServiceOptions,
  LoggerService,
} from '@backstage/backend-plugin-api';

/** How long one cache call may take before it counts as a miss. */
export const CACHE_CALL_TIMEOUT_MS = 250;
/** After a cache call failed or timed out, how long the cache is left alone. */
export const CACHE_PAUSE_MS = 10_000;

export interface BoundedCacheOptions {
  logger: LoggerService;
  timeoutMs?: number;
  pauseMs?: number;
  now?: () => number;
}

/**
 * The shared cache, with every call bounded in time.
 *
 * A Redis that stops answering does not fail the calls made to it: the
 * Redis client keeps them in its offline queue until it is connected again,
 * so a page that waits for the cache waits for Redis to come back. Here a
 * call that takes longer than `timeoutMs`, or fails, counts as a miss (get)
 * or as done (set, delete), and for the next `pauseMs` the cache is not
 * called at all, so each request does not wait `timeoutMs` again. One
 * warning is logged when the cache stops answering, one info line when it
 * answers again. Keys and values are never logged.
 */
export function boundedCache(
  cache: CacheService,
  options: BoundedCacheOptions,
): CacheService {
  const state = {
    timeoutMs: options.timeoutMs ?? CACHE_CALL_TIMEOUT_MS,
    pauseMs: options.pauseMs ?? CACHE_PAUSE_MS,
    now: options.now ?? Date.now,
    logger: options.logger,
    pausedUntil: 0,
    down: false,
  };
  return wrap(cache, state);
}

interface State {
  timeoutMs: number;
  pauseMs: number;
  now: () => number;
  logger: LoggerService;
  pausedUntil: number;
  down: boolean;
}

function wrap(cache: CacheService, state: State): CacheService {
  async function call<T>(
    what: string,
    run: () => Promise<T>,
    fallback: T,
  ): Promise<T> {
    if (state.now() < state.pausedUntil) return fallback;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>(resolve => {
      timer = setTimeout(() => resolve('timeout'), state.timeoutMs);
    });
    try {
      const result = await Promise.race([run(), timeout]);
      if (result === 'timeout') {
        pause(`no answer to ${what} within ${state.timeoutMs} ms`);
        return fallback;
      }
      if (state.down) {
        state.down = false;
        state.logger.info('The shared cache answers again');
      }
      return result;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'error';
      pause(`${what} failed (${name})`);
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  }
  function pause(reason: string) {
    state.pausedUntil = state.now() + state.pauseMs;
    if (state.down) return;
    state.down = true;
    state.logger.warn(
      `The shared cache is not answering: ${reason}. The entity page reads the upstreams directly and tries the cache again in ${Math.round(
        state.pauseMs / 1000,
      )} s.`,
    );
  }
  return {
    get: key => call('a read', () => cache.get(key), undefined),
    set: (key, value, setOptions) =>
      call('a write', () => cache.set(key, value, setOptions), undefined),
    delete: key => call('a delete', () => cache.delete(key), undefined),
    withOptions: (withOptions: CacheServiceOptions) =>
      wrap(cache.withOptions(withOptions), state),
  };
}
