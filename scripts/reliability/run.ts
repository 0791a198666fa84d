/*
 * `yarn test:reliability` (issue 7): runs the reliability suites
 * (packages/backend/src/reliability/*.reliability.ts: bad inputs, fault
 * matrix, leak scan) with jest through `backstage-cli repo test`, then the
 * load run of haven-backend (scripts/reliability/load.ts, when it is there),
 * prints every figure, writes reliability-results/summary.md and exits
 * non-zero when a suite failed or a goal is missed.
 *
 * Each suite asserts its own goals and writes its figures to
 * $HAVEN_FIGURES_DIR/<suite>.json (default reliability-results/), passed or
 * failed. HAVEN_RELIABILITY_SEED fixes the fast-check seed of the bad inputs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  figuresToMarkdown,
  figuresToText,
  type Figure,
} from '../../packages/backend/src/reliability/figureTable';

const ROOT = path.resolve(__dirname, '../..');
/** The suites the run expects figures from, in the order they are printed. */
const SUITES = ['bad-inputs', 'fault-matrix', 'leak-scan'];

/**
 * Runs the jest files under packages/backend/src/reliability that match
 * `testMatch`, through `backstage-cli repo test` (which passes jest's own
 * flags on), with HAVEN_FIGURES_DIR set. `quiet` keeps jest's output and
 * prints it only when a suite failed.
 */
export function runFigureSuites(options: {
  testMatch: string;
  figuresDir: string;
  quiet?: boolean;
}): Promise<{ ok: boolean }> {
  const cli = path.join(ROOT, 'node_modules/.bin/backstage-cli');
  const child = spawn(
    cli,
    [
      'repo',
      'test',
      '--testMatch',
      options.testMatch,
      'packages/backend/src/reliability',
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        CI: 'true',
        HAVEN_FIGURES_DIR: options.figuresDir,
      },
      stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    },
  );
  const output: Buffer[] = [];
  child.stdout?.on('data', chunk => output.push(chunk));
  child.stderr?.on('data', chunk => output.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', code => {
      if (code !== 0 && options.quiet) {
        process.stderr.write(Buffer.concat(output));
      }
      resolve({ ok: code === 0 });
    });
  });
}

/** The figures the suites left in `dir`: known suites first, then the rest. */
export function readFigures(dir: string, order: string[] = SUITES): Figure[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.json'))
    .map(f => f.slice(0, -'.json'.length));
  const rank = (name: string) =>
    order.includes(name) ? order.indexOf(name) : order.length;
  return files
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .flatMap(
      name =>
        JSON.parse(
          fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'),
        ) as Figure[],
    );
}

/** The load run of haven-backend, when scripts/reliability/load.ts exists. */
async function loadRun(): Promise<{ figures: Figure[]; problem?: string }> {
  const file = path.join(__dirname, 'load.ts');
  if (!fs.existsSync(file)) {
    // eslint-disable-next-line no-console
    console.log(
      'load run: not available (scripts/reliability/load.ts is not there yet)',
    );
    return {
      figures: [
        {
          section: 'Load',
          metric: 'load run of haven-backend',
          value: 'not available',
          unit: '',
          note: 'scripts/reliability/load.ts is not there yet',
        },
      ],
    };
  }
  try {
    const load = (await import(file)) as {
      runLoad?: () => Promise<Figure[]>;
    };
    if (typeof load.runLoad !== 'function') {
      throw new Error('scripts/reliability/load.ts does not export runLoad()');
    }
    return { figures: await load.runLoad() };
  } catch (error) {
    const message =
      error instanceof Error ? error.stack ?? error.message : String(error);
    // eslint-disable-next-line no-console
    console.error(`load run FAILED:\n${message}`);
    return {
      figures: [
        {
          section: 'Load',
          metric: 'load run of haven-backend',
          value: 'failed',
          unit: '',
          goal: 'runs',
          met: false,
          note: message.split('\n')[0].slice(0, 200),
        },
      ],
      problem: 'the load run failed (see above)',
    };
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  const dir =
    process.env.HAVEN_FIGURES_DIR ?? path.join(ROOT, 'reliability-results');
  fs.mkdirSync(dir, { recursive: true });
  // Figures of an earlier run must not pass for this one's.
  for (const f of fs.readdirSync(dir).filter(n => n.endsWith('.json'))) {
    fs.rmSync(path.join(dir, f));
  }

  const problems: string[] = [];
  const jest = await runFigureSuites({
    testMatch: '**/reliability/*.reliability.ts',
    figuresDir: dir,
  });
  if (!jest.ok) problems.push('a reliability suite failed (jest output above)');
  for (const suite of SUITES) {
    if (!fs.existsSync(path.join(dir, `${suite}.json`))) {
      problems.push(`the ${suite} suite left no figures`);
    }
  }
  const figures = readFigures(dir);
  const load = await loadRun();
  figures.push(...load.figures);
  if (load.problem) problems.push(load.problem);
  const missed = figures.filter(f => f.met === false);
  if (missed.length > 0) problems.push(`${missed.length} goal(s) missed`);

  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const verdict =
    problems.length === 0 ? 'every goal met' : `FAILED: ${problems.join('; ')}`;
  const text = figuresToText(figures);
  // eslint-disable-next-line no-console
  console.log(`\nReliability run (${seconds} s): ${verdict}\n\n${text}\n`);
  fs.writeFileSync(
    path.join(dir, 'summary.md'),
    [
      '# Reliability run',
      '',
      `${new Date().toISOString()}, ${seconds} s: ${verdict}.`,
      '',
      figuresToMarkdown(figures),
      '',
    ].join('\n'),
    'utf8',
  );
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    code => process.exit(code),
    error => {
      // eslint-disable-next-line no-console
      console.error(error);
      process.exit(1);
    },
  );
}
