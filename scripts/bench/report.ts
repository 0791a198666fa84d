/*
 * Where `yarn bench` leaves its figures: bench-results/latest.json (git
 * ignored, for tools) and docs/benchmarks.md (committed, for people).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  figuresToMarkdown,
  type Figure,
} from '../../packages/backend/src/reliability/figureTable';

export const ROOT = path.resolve(__dirname, '../..');
export const RESULTS_FILE = path.join(ROOT, 'bench-results/latest.json');
export const DOCS_FILE = path.join(ROOT, 'docs/benchmarks.md');

export interface SectionRun {
  id: string;
  title: string;
  status: 'ran' | 'skipped' | 'failed';
  seconds?: number;
  /** Why it was skipped or how it failed. */
  reason?: string;
}

export interface Machine {
  node: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  platform: string;
  /** 1-minute load average when the run started (other work on the machine skews figures). */
  loadAverageAtStart: number;
  commit?: string;
  uncommittedChanges?: boolean;
}

export interface BenchResults {
  date: string;
  /** The command line after `yarn bench`. */
  args: string[];
  latencyMs: number;
  machine: Machine;
  sections: SectionRun[];
  figures: Figure[];
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  const status = git(['status', '--porcelain']);
  return {
    node: process.version,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    platform: `${os.platform()} ${os.arch()}`,
    loadAverageAtStart: Math.round(os.loadavg()[0] * 100) / 100,
    commit: git(['rev-parse', '--short', 'HEAD']),
    uncommittedChanges: status === undefined ? undefined : status.length > 0,
  };
}

export function writeResultsJson(results: BenchResults): void {
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
}

function runTimes(sections: SectionRun[]): string {
  const rows = sections.map(s => {
    const time = s.seconds === undefined ? '' : `${s.seconds.toFixed(1)} s`;
    const status =
      s.status === 'ran'
        ? 'ran'
        : `${s.status}${s.reason ? `: ${s.reason}` : ''}`;
    return `| ${s.title} | ${time} | ${status.replace(/\|/g, '\\|')} |`;
  });
  return ['| Section | Run time | |', '|---|---|---|', ...rows].join('\n');
}

export function benchmarksPage(results: BenchResults): string {
  const { machine } = results;
  const commit = machine.commit
    ? `commit ${machine.commit}${
        machine.uncommittedChanges ? ' with uncommitted changes' : ''
      }`
    : 'commit unknown';
  const args = results.args.length > 0 ? ` ${results.args.join(' ')}` : '';
  return `# Benchmarks

Written by \`yarn bench\` (scripts/bench/run.ts); run it again rather than
editing this page. Figures, not assertions: a goal that is missed is marked
MISSED here and in the terminal, and the run still exits 0.

## Latest figures

- Run: ${results.date
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')}, \`yarn bench${args}\`, ${commit}
- Machine: Node.js ${machine.node}, ${machine.cpus} CPUs (${
    machine.cpuModel
  }), ${machine.memoryGiB} GiB memory, ${machine.platform}
- 1-minute load average at the start: ${
    machine.loadAverageAtStart
  } (other work on the machine shows in the figures)
- Latency injected on every Vault, Loki and Tempo request: ${
    results.latencyMs
  } ms

${figuresToMarkdown(results.figures)}

### Run time of each section

${runTimes(results.sections)}

## How to reproduce

\`\`\`sh
yarn bench                          # every section; the frontend builds take minutes
yarn bench --skip-frontend          # all but the two app builds
yarn bench --only entity,kubernetes # some sections: entity, kubernetes, frontend, scaffolder, gitops
yarn bench --latency 50             # another injected upstream latency (ms)
yarn bench --keep-builds            # keep the app builds under .cache/haven-bench/
\`\`\`

Every run prints the table and writes bench-results/latest.json (git
ignored). This page is rewritten by a whole run (no \`--only\`, no
\`--skip-frontend\`, no section failed), or with \`--docs\`; \`--no-docs\`
never writes it.

## How the figures are taken

Everything runs in one Node.js process, in three threads, on loopback:

- **Backend** (main thread): Backstage's \`startTestBackend\` with the haven
  backend plugin, \`@backstage/plugin-kubernetes-backend\` (one cluster at the
  Kubernetes double, \`serviceAccount\` auth, \`skipMetricsLookup\`, the four
  Flux and External Secrets kinds of app-config.yaml as
  \`kubernetes.customResources\`), an in-memory catalog of components
  annotated like examples/entities.yaml's open-webui-voorbeeld (and some
  without its \`haven.plus/vault-secret-names\`), the memory
  cache, an allow-all permission mock and mock user tokens. The components
  share the sandbox's telemetry identity, so each view reads the six hours of
  logs and the hour of traces the Loki and Tempo doubles are seeded with.
- **Doubles** (a worker thread): packages/haven-doubles' Vault, Loki, Tempo
  and Kubernetes API doubles, each counting the requests it receives.
  Vault, Loki and Tempo wait the injected latency before every answer.
- **Viewers** (a worker thread): a closed loop of concurrent viewers; each
  asks again as soon as its answer is complete, without think time, so N
  viewers keep N requests in flight and, once the backend is busy, latency
  is about N divided by the throughput.

**Entity summary**: \`GET /api/haven/entities/component/default/<name>/telemetry?window=1h\`
as a signed-in user. *Cold*: a different component each view, so every view
misses the cache and asks every upstream; the components declare their
secret names (\`haven.plus/vault-secret-names\`), so the reads of their Vault
keys go with the LIST of the path. The three kinds of cold view are also
measured at one viewer in one run, taken in turn so that they share the
machine's state: *names declared* (path never listed), and components
without that annotation, *path listed before* (each viewed once in another
window first, so haven-backend's cache of the path's key names holds them)
and *path never listed* (the LIST, then the reads). *Warm*: one component, its first
view filling the cache, all within the cache TTL
(\`haven.entityPage.cacheTtlSeconds\`, 30 s). p50/p95/p99 by nearest rank;
throughput is views per second over the run. Upstream requests per view
are counted at the doubles; for warm views, per component and cache window,
the first view included. The cold goal (slowest upstream + 10 ms) is held
for one viewer, where no view waits for another.

**Kubernetes requests per entity view**: our Delivery card's request
(\`POST /api/kubernetes/resources/custom/query\` with the card's
\`DELIVERY_RESOURCES\`) and the Kubernetes plugin's tab
(\`POST /api/kubernetes/services/<name>\`, its \`getObjectsByEntity\`, which
lists the plugin's default object types plus \`kubernetes.customResources\`),
for the same component, counted at the Kubernetes double.

**Frontend bundle**: \`backstage-cli package build\` of packages/app, once
with app-config.yaml and once with \`app.packages.exclude:
['@haven-plus/plugin-haven']\` added, each in a copy under .cache/haven-bench/.
Sizes are gzip level 9 of the files. The initial bundle is the scripts
index.html loads; our lazy chunks are the other chunks whose source maps
name modules of plugins/haven or plugins/haven-common.

**GitOps**: rendering one app's manifests (typed objects to YAML) and adding
an app to a cluster app list of 5,000 entries, in this process.

**Scaffolder**: scripts/bench/scaffolder.ts, when present.

## What the figures do not cover

- A real Vault, a real Kubernetes API server, and real Loki, Tempo and
  Grafana. The doubles answer from memory; a real Loki reading chunks from
  object storage, a Tempo search or a busy API server adds its own time on
  top of the injected latency.
- Network latency other than the injected ${results.latencyMs} ms per upstream
  request: everything is on 127.0.0.1, without TLS, proxies or gateways, and
  the Kubernetes double answers without delay.
- The real catalog (a lookup through catalog-backend and its database), a
  real permission policy and real sign-in tokens: each adds time per view.
- More than one backend replica: the memory cache is per process, so each
  replica asks the upstreams once per cache window.
- The browser: rendering, the network to the browser, HTTP caching, and
  compression other than gzip (brotli, or what a proxy sends).
- A quiet machine: the load generator, the doubles and the backend share its
  CPUs with whatever else runs (see the load average above). Compare figures
  from one machine and one run, not across machines.
`;
}

/** Writes the page, formatted as `prettier --check .` wants it (aligned tables). */
export function writeBenchmarksPage(results: BenchResults): void {
  fs.mkdirSync(path.dirname(DOCS_FILE), { recursive: true });
  fs.writeFileSync(DOCS_FILE, benchmarksPage(results));
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/prettier/bin-prettier.js'),
      '--write',
      DOCS_FILE,
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
}
