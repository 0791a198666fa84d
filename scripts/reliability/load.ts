/*
 * Load run of the entity summary for `yarn test:reliability`: autocannon at a
 * fixed overall rate (200 req/s) for 30 s against
 * GET /api/haven/entities/component/default/<name>/telemetry, cycling over
 * a few components, (a) with every upstream healthy and (b) with the Loki
 * double answering 503 (one upstream down). Same system as `yarn bench`
 * (scripts/bench/harness.ts): loopback doubles with 20 ms latency injected,
 * the backend with its memory cache.
 *
 * HAVEN_LOAD_SECONDS shortens (or lengthens) each scenario for a quick run.
 */
import autocannon from 'autocannon';
import {
  percentile,
  type Figure,
} from '../../packages/backend/src/reliability/figureTable';
import {
  countsSince,
  startBenchHarness,
  type BenchHarness,
} from '../bench/harness';

export interface LoadOptions {
  /** Seconds per scenario (default: HAVEN_LOAD_SECONDS, else 30). */
  seconds?: number;
  /** Requests per second over all connections (default 200). */
  rate?: number;
  /** Components each scenario cycles through (default 5). */
  entities?: number;
  /** Latency injected on Vault, Loki and Tempo (default 20 ms). */
  latencyMs?: number;
}

interface Scenario {
  section: string;
  names: string[];
  /** The 5xx goal of the issue holds for healthy upstreams only. */
  zero5xxGoal: boolean;
  /** What a sample answer must show. */
  expect: { logs: string; others: string };
}

interface LoadResult {
  result: autocannon.Result;
  latencies: number[];
}

type Section = { status?: string };
const round1 = (ms: number) => Math.round(ms * 10) / 10;
type Answer = { vault?: Section; logs?: Section; traces?: Section };

function secondsFromEnv(): number {
  const raw = process.env.HAVEN_LOAD_SECONDS;
  if (raw === undefined || raw === '') return 30;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new Error(
      `HAVEN_LOAD_SECONDS must be a whole number of seconds, 1 or more; got "${raw}"`,
    );
  }
  return seconds;
}

function fire(
  harness: BenchHarness,
  names: string[],
  rate: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: harness.baseUrl,
        connections: 50,
        overallRate: rate,
        duration: seconds,
        headers: harness.userHeaders,
        requests: names.map(name => ({
          method: 'GET',
          path: harness.summaryPath(name),
        })),
      },
      (error, result) =>
        error ? reject(error) : resolve({ result, latencies }),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
}

/** One view of a component no scenario has asked for, so not cached. */
async function sample(harness: BenchHarness, name: string) {
  const res = await fetch(`${harness.baseUrl}${harness.summaryPath(name)}`, {
    headers: harness.userHeaders,
  });
  const body = (await res.json()) as Answer;
  return {
    status: res.status,
    logs: body.logs?.status ?? 'absent',
    vault: body.vault?.status ?? 'absent',
    traces: body.traces?.status ?? 'absent',
  };
}

async function scenario(
  harness: BenchHarness,
  s: Scenario,
  sampleName: string,
  rate: number,
  seconds: number,
): Promise<Figure[]> {
  const before = await harness.doubles.counts();
  const { result, latencies } = await fire(harness, s.names, rate, seconds);
  const upstream = countsSince(before, await harness.doubles.counts());
  const answer = await sample(harness, sampleName);
  const fiveXx = result['5xx'];
  const answered = latencies.length;
  const shown = `${answer.status}; vault: ${answer.vault}, logs: ${answer.logs}, traces: ${answer.traces}`;
  const othersOk = answer.vault === 'ok' && answer.traces === 'ok';
  return [
    {
      section: s.section,
      metric: 'requests answered',
      value: answered,
      unit: 'requests',
      note: `${s.names.length} components, ${seconds} s at ${rate} req/s; upstream requests: Vault ${upstream.vault}, Loki ${upstream.loki}, Tempo ${upstream.tempo}`,
    },
    {
      section: s.section,
      metric: 'throughput achieved',
      value: Math.round((answered / result.duration) * 10) / 10,
      unit: 'req/s',
      note: `target ${rate} req/s`,
    },
    {
      section: s.section,
      metric: 'p95',
      value: round1(percentile(latencies, 95)),
      unit: 'ms',
      note: `p50 ${round1(percentile(latencies, 50))} ms, p99 ${round1(
        percentile(latencies, 99),
      )} ms`,
    },
    {
      section: s.section,
      metric: '5xx answers',
      value: fiveXx,
      unit: 'count',
      ...(s.zero5xxGoal ? { goal: '0', met: fiveXx === 0 } : {}),
    },
    {
      section: s.section,
      metric: 'non-2xx answers',
      value: result.non2xx,
      unit: 'count',
      note: `connection errors ${result.errors}, timeouts ${result.timeouts}`,
    },
    {
      section: s.section,
      metric: 'sample answer',
      value: shown,
      unit: '',
      goal: `200; logs ${s.expect.logs}, ${s.expect.others}`,
      met: answer.status === 200 && answer.logs === s.expect.logs && othersOk,
      note: 'one view of a component not in the cache, right after the run',
    },
  ];
}

/**
 * Runs both scenarios against a harness of its own and returns their
 * figures. Figures, not assertions: the caller decides what a miss means.
 */
export async function runLoad(options: LoadOptions = {}): Promise<Figure[]> {
  const seconds = options.seconds ?? secondsFromEnv();
  const rate = options.rate ?? 200;
  const perScenario = options.entities ?? 5;
  const harness = await startBenchHarness({
    entities: 2 * (perScenario + 1),
    latencyMs: options.latencyMs ?? 20,
  });
  const names = [...harness.entityNames];
  const take = (n: number) => names.splice(0, n);
  try {
    const healthy = await scenario(
      harness,
      {
        section: 'Load, upstreams healthy',
        names: take(perScenario),
        zero5xxGoal: true,
        expect: { logs: 'ok', others: 'vault and traces ok' },
      },
      take(1)[0],
      rate,
      seconds,
    );
    const removeOutage = await harness.doubles.inject('loki', { status: 503 });
    let lokiDown: Figure[];
    try {
      lokiDown = await scenario(
        harness,
        {
          section: 'Load, Loki down (503)',
          names: take(perScenario),
          zero5xxGoal: false,
          expect: { logs: 'error', others: 'vault and traces ok' },
        },
        take(1)[0],
        rate,
        seconds,
      );
    } finally {
      await removeOutage();
    }
    return [...healthy, ...lokiDown];
  } finally {
    await harness.stop();
  }
}
