/*
 * `yarn bench`: runs every benchmark section, prints the figures as a table,
 * writes bench-results/latest.json and docs/benchmarks.md. Figures, not
 * assertions: a missed goal prints MISSED and the exit code stays 0; only a
 * section that could not run makes it 1.
 *
 *   yarn bench [--skip-frontend] [--only entity,kubernetes,...]
 *              [--latency <ms>] [--keep-builds] [--docs | --no-docs]
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  figuresToText,
  type Figure,
} from '../../packages/backend/src/reliability/figureTable';
import { runEntitySummaryBench } from './entitySummary';
import { runFrontendBench } from './frontend';
import { runGitopsBench } from './gitops';
import { runKubernetesBench } from './kubernetes';
import {
  describeMachine,
  DOCS_FILE,
  RESULTS_FILE,
  ROOT,
  writeBenchmarksPage,
  writeResultsJson,
  type SectionRun,
} from './report';

interface Options {
  skipFrontend: boolean;
  only?: string[];
  latencyMs: number;
  keepBuilds: boolean;
  docs?: boolean;
}

interface Section {
  id: string;
  title: string;
  run(options: Options): Promise<Figure[]>;
}

const USAGE = `yarn bench [options]

  --skip-frontend     skip the two app builds (the frontend section)
  --only <ids>        run only these sections, comma-separated:
                      entity, kubernetes, frontend, scaffolder, gitops
  --latency <ms>      latency injected on Vault, Loki and Tempo (default 20)
  --keep-builds       keep the app builds under .cache/haven-bench/
  --docs, --no-docs   always / never rewrite docs/benchmarks.md (default:
                      on a whole run: no --only, no --skip-frontend, no
                      section failed)
`;

/** Thrown by a section that cannot run here; not a failure. */
class SkipSection extends Error {}

/**
 * HOOK: the scaffolder section is scripts/bench/scaffolder.ts, written
 * separately, exporting `runScaffolderBench(): Promise<Figure[]>`. Until the
 * file exists the section reports that it was not measured.
 */
async function runScaffolderSection(): Promise<Figure[]> {
  const file = path.join(__dirname, 'scaffolder.ts');
  if (!fs.existsSync(file)) {
    throw new SkipSection(
      'scripts/bench/scaffolder.ts (runScaffolderBench) does not exist yet',
    );
  }
  type ScaffolderModule = { runScaffolderBench?: () => Promise<Figure[]> };
  const loaded = (await import(
    pathToFileURL(file).href
  )) as ScaffolderModule & {
    default?: ScaffolderModule;
  };
  const run = loaded.runScaffolderBench ?? loaded.default?.runScaffolderBench;
  if (typeof run !== 'function') {
    throw new Error(
      'scripts/bench/scaffolder.ts does not export runScaffolderBench()',
    );
  }
  return run();
}

const SECTIONS: Section[] = [
  {
    id: 'entity',
    title: 'Entity summary',
    run: o => runEntitySummaryBench({ latencyMs: o.latencyMs }),
  },
  {
    id: 'kubernetes',
    title: 'Kubernetes requests per entity view',
    run: () => runKubernetesBench(),
  },
  {
    id: 'frontend',
    title: 'Frontend bundle',
    run: o => runFrontendBench({ keepBuilds: o.keepBuilds }),
  },
  { id: 'scaffolder', title: 'Scaffolder', run: runScaffolderSection },
  { id: 'gitops', title: 'GitOps', run: () => runGitopsBench() },
];

function parseArgs(args: string[]): Options {
  const options: Options = {
    skipFrontend: false,
    latencyMs: 20,
    keepBuilds: false,
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2);
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--skip-frontend':
        options.skipFrontend = true;
        break;
      case '--only':
        options.only = value()
          .split(',')
          .map(s => s.trim())
          .filter(Boolean);
        break;
      case '--latency':
        options.latencyMs = Number(value());
        if (!Number.isFinite(options.latencyMs) || options.latencyMs < 0) {
          throw new Error(
            '--latency takes a number of milliseconds, 0 or more',
          );
        }
        break;
      case '--keep-builds':
        options.keepBuilds = true;
        break;
      case '--docs':
        options.docs = true;
        break;
      case '--no-docs':
        options.docs = false;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${args[i]}\n\n${USAGE}`);
    }
  }
  const unknown = options.only?.filter(id => !SECTIONS.some(s => s.id === id));
  if (unknown?.length) {
    throw new Error(
      `unknown section ${unknown.join(', ')}; the sections are ${SECTIONS.map(
        s => s.id,
      ).join(', ')}`,
    );
  }
  return options;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const options = parseArgs(args);
  const machine = describeMachine();
  const date = new Date().toISOString();
  if (machine.loadAverageAtStart > machine.cpus) {
    log(
      `bench: the load average (${machine.loadAverageAtStart}) is above the CPU count (${machine.cpus}); other work will show in the figures`,
    );
  }

  const figures: Figure[] = [];
  const sections: SectionRun[] = [];
  for (const section of SECTIONS) {
    const { id, title } = section;
    if (options.only && !options.only.includes(id)) {
      sections.push({ id, title, status: 'skipped', reason: '--only' });
      continue;
    }
    if (id === 'frontend' && options.skipFrontend) {
      sections.push({
        id,
        title,
        status: 'skipped',
        reason: '--skip-frontend',
      });
      continue;
    }
    log(`bench: ${title}...`);
    const started = Date.now();
    try {
      const measured = await section.run(options);
      const seconds = (Date.now() - started) / 1000;
      figures.push(...measured);
      sections.push({ id, title, status: 'ran', seconds });
      log(`bench: ${title} took ${seconds.toFixed(1)} s`);
    } catch (error) {
      const seconds = (Date.now() - started) / 1000;
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof SkipSection) {
        sections.push({ id, title, status: 'skipped', reason: message });
        figures.push({
          section: title,
          metric: 'not measured',
          value: 'skipped',
          unit: '',
          note: message,
        });
        log(`bench: ${title} skipped: ${message}`);
        continue;
      }
      sections.push({ id, title, status: 'failed', seconds, reason: message });
      figures.push({
        section: title,
        metric: 'section did not run',
        value: message.split('\n')[0],
        unit: '',
        goal: 'runs',
        met: false,
      });
      log(`bench: ${title} FAILED after ${seconds.toFixed(1)} s: ${message}`);
    }
  }

  const results = {
    date,
    args,
    latencyMs: options.latencyMs,
    machine,
    sections,
    figures,
  };
  process.stdout.write(`\n${figuresToText(figures)}\n\n`);
  for (const s of sections) {
    const time = s.seconds === undefined ? '' : ` ${s.seconds.toFixed(1)} s`;
    process.stdout.write(
      `${s.title}: ${s.status}${time}${
        s.reason && s.status !== 'ran' ? ` (${s.reason.split('\n')[0]})` : ''
      }\n`,
    );
  }
  const missed = figures.filter(f => f.met === false);
  process.stdout.write(
    missed.length > 0
      ? `\nMISSED ${missed.length} goal(s): ${missed
          .map(f => `${f.section} / ${f.metric}`)
          .join('; ')}\n`
      : '\nEvery goal met.\n',
  );

  writeResultsJson(results);
  // The page shows a whole run: no section left out by a flag or failed.
  const whole =
    !options.only &&
    !options.skipFrontend &&
    sections.every(s => s.status !== 'failed');
  const relative = (file: string) => path.relative(ROOT, file);
  if (options.docs ?? whole) {
    writeBenchmarksPage(results);
    process.stdout.write(
      `Wrote ${relative(RESULTS_FILE)} and ${relative(DOCS_FILE)}\n`,
    );
  } else {
    process.stdout.write(
      `Wrote ${relative(RESULTS_FILE)}; ${relative(DOCS_FILE)} left as it is (${
        options.docs === false
          ? '--no-docs'
          : 'sections left out or failed; --docs writes it anyway'
      })\n`,
    );
  }
  return sections.some(s => s.status === 'failed') ? 1 : 0;
}

main().then(
  code => process.exit(code),
  error => {
    log(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
