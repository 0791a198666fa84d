/*
 * Entity summary: GET /api/haven/entities/component/default/<name>/telemetry
 * at 1, 10 and 50 concurrent viewers, cold (a different entity each view,
 * so every view misses the cache) and warm (one entity, within the cache
 * TTL), with latency injected on Vault, Loki and Tempo. Upstream requests are
 * counted at the doubles. Cold views are of entities never viewed that
 * declare their secret names (haven.plus/vault-secret-names, as "Create a
 * Haven+ service" writes it), so the reads of their keys go with Vault's LIST
 * of the path. The three kinds of cold view are also measured side by side,
 * 1 viewer, interleaved in one run so that they share the machine's state:
 * names declared, path never listed; no declared names, path listed before
 * (viewed once in another window first, as after the answer's TTL: the
 * answer is not cached, the key names of its Vault path are, haven-backend's
 * knownVaultKeys.ts); and no declared names, path never listed (the LIST,
 * then the reads).
 */
import {
  percentile,
  type Figure,
} from '../../packages/backend/src/reliability/figureTable';
import {
  countsSince,
  startBenchHarness,
  TELEMETRY_UPSTREAMS,
  type BenchHarness,
  type TelemetryUpstream,
  type UpstreamCounts,
} from './harness';
import { runViewers, type ViewersRun } from './viewers';

const SECTION = 'Entity summary';

/** Views per run: enough for a p99, few enough to stay in one cache window. */
const COLD_VIEWS: Record<number, number> = { 1: 100, 10: 300, 50: 500 };
const WARM_VIEWS: Record<number, number> = { 1: 300, 10: 1000, 50: 2500 };
const CONCURRENCY = [1, 10, 50];
const WARMUP_COLD = 20;
const WARMUP_WARM = 200;
/** The window the "path listed before" entities are first viewed in. */
const OTHER_WINDOW = '15m';
/** In an answer, a section that failed (the others still answer). */
const SECTION_ERROR = '"status":"error"';

const UPSTREAM_NAMES: Record<TelemetryUpstream, string> = {
  vault: 'Vault',
  loki: 'Loki',
  tempo: 'Tempo',
};

export interface EntitySummaryOptions {
  /** Latency injected on Vault, Loki and Tempo (default 20 ms). */
  latencyMs?: number;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const viewers = (n: number) => `${n} viewer${n === 1 ? '' : 's'}`;
const failedViews = (run: ViewersRun) =>
  Object.values(run.failures).reduce((n, c) => n + c, 0);

function failuresNote(run: ViewersRun): string | undefined {
  const entries = Object.entries(run.failures);
  if (entries.length === 0) return undefined;
  return `answers other than 200: ${entries
    .map(([status, n]) => `${n}x ${status === '0' ? 'no answer' : status}`)
    .join(', ')}`;
}

/** What one view asked an upstream, e.g. "GET /loki/api/v1/query_range x1". */
async function requestShapes(
  harness: BenchHarness,
  before: UpstreamCounts,
  name: string,
): Promise<Record<TelemetryUpstream, string>> {
  const shapes = {} as Record<TelemetryUpstream, string>;
  for (const upstream of TELEMETRY_UPSTREAMS) {
    const seen = new Map<string, number>();
    for (const r of await harness.doubles.requests(
      upstream,
      before[upstream],
    )) {
      const shape = `${r.method} ${r.path.split(name).join('<app>')}`;
      seen.set(shape, (seen.get(shape) ?? 0) + 1);
    }
    shapes[upstream] =
      [...seen].map(([shape, n]) => `${shape} x${n}`).join(', ') || 'none';
  }
  return shapes;
}

/** The three kinds of cold view, 1 viewer, from one interleaved run. */
interface ColdKinds {
  declared: ViewersRun;
  /** No declared names, the path listed before (its key names cached). */
  listed: ViewersRun;
  /** Vault requests of the `listed` views. */
  listedVault: number;
  /** No declared names, the path never listed. */
  unlisted: ViewersRun;
}

interface LevelResult {
  concurrency: number;
  cold: ViewersRun;
  warm: ViewersRun;
  coldCounts: UpstreamCounts;
  /** Upstream requests for the warm entity, first view included. */
  warmCounts: UpstreamCounts;
  warmSeconds: number;
}

export async function runEntitySummaryBench(
  options: EntitySummaryOptions = {},
): Promise<Figure[]> {
  const latencyMs = options.latencyMs ?? 20;
  // Warm-up entities, one view alone (request shapes), then per level the
  // cold views and the warm entity.
  const entities =
    WARMUP_COLD +
    2 +
    CONCURRENCY.reduce((n, c) => n + COLD_VIEWS[c] + 1, 0) +
    COLD_VIEWS[1];
  const harness = await startBenchHarness({
    entities,
    undeclaredEntities: 2 * COLD_VIEWS[1],
    latencyMs,
  });
  try {
    return await measure(harness, latencyMs);
  } finally {
    await harness.stop();
  }
}

async function measure(
  harness: BenchHarness,
  latencyMs: number,
): Promise<Figure[]> {
  const names = [...harness.entityNames];
  const fresh = (n: number) => names.splice(0, n);
  const run = (paths: string[], concurrency: number) =>
    runViewers({
      baseUrl: harness.baseUrl,
      paths,
      concurrency,
      headers: harness.userHeaders,
      marker: SECTION_ERROR,
    });

  // Warm-up (JIT, sockets, the first cache entries); not measured.
  await run(
    fresh(WARMUP_COLD).map(n => harness.summaryPath(n)),
    10,
  );
  await run(Array(WARMUP_WARM).fill(harness.summaryPath(fresh(1)[0])), 10);

  // What one view, alone, asks each upstream.
  const alone = fresh(1)[0];
  const beforeAlone = await harness.doubles.counts();
  await run([harness.summaryPath(alone)], 1);
  const shapes = await requestShapes(harness, beforeAlone, alone);

  const levels: LevelResult[] = [];
  for (const concurrency of CONCURRENCY) {
    const coldNames = fresh(COLD_VIEWS[concurrency]);
    const beforeCold = await harness.doubles.counts();
    const cold = await run(
      coldNames.map(n => harness.summaryPath(n)),
      concurrency,
    );
    const coldCounts = countsSince(beforeCold, await harness.doubles.counts());

    // The first view fills the cache; the measured ones read it.
    const warmPath = harness.summaryPath(fresh(1)[0]);
    const beforeWarm = await harness.doubles.counts();
    const started = Date.now();
    await run([warmPath], 1);
    const warm = await run(
      Array(WARM_VIEWS[concurrency]).fill(warmPath),
      concurrency,
    );
    const warmSeconds = (Date.now() - started) / 1000;
    const warmCounts = countsSince(beforeWarm, await harness.doubles.counts());
    levels.push({
      concurrency,
      cold,
      warm,
      coldCounts,
      warmCounts,
      warmSeconds,
    });
  }

  const kinds = await measureColdKinds(harness, fresh(COLD_VIEWS[1]), run);

  return [
    ...levels.flatMap(level => latencyFigures(level, latencyMs)),
    ...coldKindFigures(kinds, latencyMs),
    ...requestFigures(levels, shapes, harness.cacheTtlSeconds),
    ...answerFigures(levels),
  ];
}

/** The views of `run` at `indexes`, as a run of their own. */
function viewsOf(run: ViewersRun, indexes: number[]): ViewersRun {
  const latencies = indexes.map(i => run.latencies[i]);
  return {
    ...run,
    views: latencies.length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    latencies,
  };
}

/**
 * The three kinds of cold view (see the top of this file), taken in turn in
 * one run at 1 viewer, so that none of them gets a quieter or warmer part of
 * the run than the others.
 */
async function measureColdKinds(
  harness: BenchHarness,
  declaredNames: string[],
  run: (paths: string[], concurrency: number) => Promise<ViewersRun>,
): Promise<ColdKinds> {
  const undeclared = [...harness.undeclaredNames];
  const listedNames = undeclared.splice(0, declaredNames.length);
  const unlistedNames = undeclared.splice(0, declaredNames.length);
  // Not measured: lists the paths of the "listed before" entities.
  await run(
    listedNames.map(n => harness.summaryPath(n, OTHER_WINDOW)),
    10,
  );
  const order = declaredNames.flatMap((name, i) => [
    name,
    listedNames[i],
    unlistedNames[i],
  ]);
  const before = await harness.doubles.counts();
  const all = await run(
    order.map(n => harness.summaryPath(n)),
    1,
  );
  const listed = new Set(listedNames);
  const listedVault = (
    await harness.doubles.requests('vault', before.vault)
  ).filter(r => r.path.split('/').some(segment => listed.has(segment))).length;
  const every = (k: number) => order.map((_, i) => i).filter(i => i % 3 === k);
  return {
    declared: viewsOf(all, every(0)),
    listed: viewsOf(all, every(1)),
    listedVault,
    unlisted: viewsOf(all, every(2)),
  };
}

/**
 * The issue's goal for a cold view on its own: within the slowest upstream
 * + 10 ms (upstreams asked in parallel).
 */
function coldGoal(
  result: ViewersRun,
  latencyMs: number,
  why: string,
): Pick<Figure, 'goal' | 'met' | 'note'> {
  return {
    goal: `<= ${latencyMs + 10} ms`,
    met: result.p95 <= latencyMs + 10,
    note: `slowest upstream (${latencyMs} ms injected on Vault, Loki and Tempo) + 10 ms; ${why}`,
  };
}

/** p50, p95 (with its goal, if any) and p99 of a run. */
function percentileFigures(
  result: ViewersRun,
  at: string,
  goal: Pick<Figure, 'goal' | 'met' | 'note'>,
): Figure[] {
  return [
    {
      section: SECTION,
      metric: `p50 ${at}`,
      value: round1(result.p50),
      unit: 'ms',
      note: failuresNote(result),
    },
    {
      section: SECTION,
      metric: `p95 ${at}`,
      value: round1(result.p95),
      unit: 'ms',
      ...goal,
    },
    {
      section: SECTION,
      metric: `p99 ${at}`,
      value: round1(result.p99),
      unit: 'ms',
    },
  ];
}

function latencyFigures(level: LevelResult, latencyMs: number): Figure[] {
  const { concurrency } = level;
  return (['cold', 'warm'] as const).flatMap(kind => {
    const result = level[kind];
    const at = `${kind}, ${viewers(concurrency)}`;
    // Goals: a cold view on its own, and warm at 50 viewers.
    let goal: Pick<Figure, 'goal' | 'met' | 'note'> = {};
    if (kind === 'cold' && concurrency === 1) {
      goal = coldGoal(
        result,
        latencyMs,
        "a path never listed, its key names declared (haven.plus/vault-secret-names): their reads go with Vault's LIST; the first run after the warm-up (the interleaved rows below compare the kinds of cold view)",
      );
    } else if (kind === 'warm' && concurrency === 50) {
      goal = { goal: '<= 30 ms', met: result.p95 <= 30 };
    }
    return [
      ...percentileFigures(result, at, goal),
      {
        section: SECTION,
        metric: `throughput ${at}`,
        value: Math.round(result.perSecond),
        unit: 'req/s',
        note: `${result.views} views${
          kind === 'cold' ? ' of different entities' : ' of one entity'
        } in ${(result.elapsedMs / 1000).toFixed(1)} s`,
      },
    ];
  });
}

function coldKindFigures(kinds: ColdKinds, latencyMs: number): Figure[] {
  const { declared, listed, listedVault, unlisted } = kinds;
  return [
    ...percentileFigures(
      declared,
      'cold, path never listed, names declared, 1 viewer',
      coldGoal(
        declared,
        latencyMs,
        "interleaved with the two rows below; the entity's haven.plus/vault-secret-names: its keys' reads go with Vault's LIST (one round trip in series)",
      ),
    ),
    ...percentileFigures(
      listed,
      'cold, path listed before, no declared names, 1 viewer',
      coldGoal(
        listed,
        latencyMs,
        `interleaved; each entity viewed once in the ${OTHER_WINDOW} window first: its Vault key names are known, so their reads go with the LIST`,
      ),
    ),
    {
      section: SECTION,
      metric:
        'Vault requests per cold view, path listed before, no declared names',
      value: Math.round((listedVault / listed.views) * 100) / 100,
      unit: 'requests',
      note: `${listedVault} for ${listed.views} views of different entities: the LIST and one read per key`,
    },
    ...percentileFigures(
      unlisted,
      'cold, path never listed, no declared names, 1 viewer',
      coldGoal(
        unlisted,
        latencyMs,
        "interleaved; no haven.plus/vault-secret-names: Vault's LIST, then the reads of its keys (two round trips in series)",
      ),
    ),
  ];
}

function requestFigures(
  levels: LevelResult[],
  shapes: Record<TelemetryUpstream, string>,
  cacheTtlSeconds: number,
): Figure[] {
  const coldViews = levels.reduce((n, l) => n + l.cold.views, 0);
  const figures: Figure[] = TELEMETRY_UPSTREAMS.map(upstream => {
    const total = levels.reduce((n, l) => n + l.coldCounts[upstream], 0);
    const perView = total / coldViews;
    return {
      section: SECTION,
      metric: `${UPSTREAM_NAMES[upstream]} requests per cold view`,
      value: Math.round(perView * 100) / 100,
      unit: 'requests',
      goal: '<= 1',
      met: perView <= 1,
      note: `${total} for ${coldViews} views of different entities; one view: ${shapes[upstream]}`,
    };
  });
  const busiest = levels[levels.length - 1];
  for (const upstream of TELEMETRY_UPSTREAMS) {
    const count = busiest.warmCounts[upstream];
    const others = levels
      .slice(0, -1)
      .map(l => `${viewers(l.concurrency)}: ${l.warmCounts[upstream]}`)
      .join(', ');
    figures.push({
      section: SECTION,
      metric: `${
        UPSTREAM_NAMES[upstream]
      } requests per entity and cache window, warm, ${viewers(
        busiest.concurrency,
      )}`,
      value: count,
      unit: 'requests',
      goal: '<= 1',
      met: count <= 1,
      note: `${
        busiest.warm.views + 1
      } views of one entity in ${busiest.warmSeconds.toFixed(
        1,
      )} s (cache TTL ${cacheTtlSeconds} s); ${others}`,
    });
  }
  return figures;
}

function answerFigures(levels: LevelResult[]): Figure[] {
  const runs = levels.flatMap(l => [l.cold, l.warm]);
  const failed = runs.reduce((n, r) => n + failedViews(r), 0);
  const sectionErrors = runs.reduce((n, r) => n + r.marked, 0);
  const views = runs.reduce((n, r) => n + r.views, 0);
  return [
    {
      section: SECTION,
      metric: 'answers other than 200',
      value: failed,
      unit: 'count',
      goal: '0',
      met: failed === 0,
      note: `of ${views} measured views`,
    },
    {
      section: SECTION,
      metric: 'answers with a section in error (upstream timeout or failure)',
      value: sectionErrors,
      unit: 'count',
      goal: '0',
      met: sectionErrors === 0,
      note: 'upstreams healthy; a section gives up after haven.entityPage.timeoutMs (3000 ms)',
    },
  ];
}
