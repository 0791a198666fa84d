/*
 * Open-loop load for `yarn test:production`: requests sent at a fixed rate
 * whatever the answers' speed, as users arrive, with latency percentiles.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { percentile, sleep, withDeadline } from './harness';

/** `rate` requests per second for `seconds`, spread over `routes`; latencies and statuses. */
export async function load(
  base: string,
  routes: string[],
  token: string,
  rate: number,
  seconds: number,
) {
  const latencies: number[] = [];
  const byRoute = new Map<string, number[]>(routes.map(r => [r, []]));
  const statuses = new Map<string, number>();
  const inflight: Promise<void>[] = [];
  // This process also runs the doubles and the balancer: its own event-loop
  // delay says whether the figures are the replicas' or this process's.
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const total = rate * seconds;
  const t0 = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const route = routes[i % routes.length];
    const begin = performance.now();
    inflight.push(
      withDeadline(30_000, async signal => {
        const r = await fetch(`${base}${route}`, {
          headers: { authorization: `Bearer ${token}` },
          signal,
        });
        await r.arrayBuffer();
        return r.status;
      })
        .then(status => {
          const key = String(status);
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
        })
        .catch(error => {
          const key = `error ${error?.cause?.code ?? error?.name ?? 'unknown'}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
        })
        .finally(() => {
          const ms = performance.now() - begin;
          latencies.push(ms);
          byRoute.get(route)!.push(ms);
        }),
    );
  }
  await Promise.all(inflight);
  lag.disable();
  const elapsed = (performance.now() - t0) / 1000;
  return {
    routeP95: [...byRoute]
      .map(
        ([r, v]) =>
          `${r.split('?')[0].replace(/^\/api\//, '')}${
            r.includes('window=') ? `?${r.split('?')[1]}` : ''
          } ${percentile(v, 95).toFixed(0)} ms`,
      )
      .join(', '),
    loopLagP99: lag.percentile(99) / 1e6,
    achieved: total / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    statuses,
    fiveXX: [...statuses]
      .filter(([k]) => k.startsWith('5') || k.startsWith('error'))
      .reduce((n, [, v]) => n + v, 0),
    total,
  };
}

/**
 * Closed-loop throughput: `concurrency` clients, each sending its next
 * request when the last one is answered, for `seconds`. What the replicas
 * can serve on this machine, whatever the goal.
 */
export async function capacity(
  base: string,
  routes: string[],
  token: string,
  concurrency: number,
  seconds: number,
) {
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  let answered = 0;
  let failed = 0;
  let next = 0;
  const client = async () => {
    while (performance.now() < until) {
      const route = routes[next % routes.length];
      next += 1;
      const status = await withDeadline(30_000, async signal => {
        const r = await fetch(`${base}${route}`, {
          headers: { authorization: `Bearer ${token}` },
          signal,
        });
        await r.arrayBuffer();
        return r.status;
      }).catch(() => 0);
      if (status === 200) answered += 1;
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return {
    perSecond: answered / ((performance.now() - t0) / 1000),
    failed,
  };
}
