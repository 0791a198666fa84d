/*
 * yarn test:production: the backend as app-config.production.yaml runs it,
 * two replicas on one PostgreSQL and one Redis behind a loopback load
 * balancer, with the contract doubles of Vault, Kubernetes, GitHub, Loki,
 * Tempo and the Helm repository as the only stand-ins.
 *
 * Prints one "ok"/"FAILED" line per check with its figures, then a summary;
 * exits non-zero when any check failed. Everything it starts is stopped on
 * exit. HAVEN_PRODUCTION_LOAD_SECONDS shortens the load step (default 30).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Client } from 'pg';
import { stringify } from 'yaml';
import {
  SANDBOX_DOUBLES,
  startSandboxDoubles,
} from '@haven-plus/haven-sandbox';
import { serviceValues } from '../../packages/backend/src/reliability/engineHarness';
import { startBalancer, startCounter, type Counter } from './proxy';
import {
  ensurePackages,
  freePort,
  startPostgres,
  startRedis,
  type Service,
} from './services';

const ROOT = path.resolve(__dirname, '../..');
const REPORT = path.join(ROOT, 'e2e-test-report/production');
const LOAD_SECONDS = Number(process.env.HAVEN_PRODUCTION_LOAD_SECONDS ?? 30);
const LOAD_RATE = 200;
const REPLICA_NAMES = ['replica-a', 'replica-b'];
/** The crash scenario's supplied secret: compared by hash, never printed. */
const SUPPLIED_CRASH_VALUE = `sk-crash-${Date.now().toString(36)}`;
const EXAMPLE = 'component/default/open-webui-voorbeeld';
const started = Date.now();

const clock = () => {
  const s = Math.round((Date.now() - started) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(
    s % 60,
  ).padStart(2, '0')}`;
};
const log = (line: string) =>
  console.log(`\x1b[1m[production ${clock()}]\x1b[0m ${line}`);

const results: Array<{ ok: boolean; name: string; figure: string }> = [];
async function check(name: string, fn: () => Promise<string | void>) {
  const t0 = Date.now();
  try {
    const figure = (await fn()) ?? '';
    results.push({ ok: true, name, figure });
    log(
      `ok      ${name}${figure ? `: ${figure}` : ''} (${(
        (Date.now() - t0) /
        1000
      ).toFixed(1)} s)`,
    );
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    results.push({ ok: false, name, figure: message });
    log(`FAILED  ${name}: ${message}`);
    return false;
  }
}
function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
async function eventually<T>(
  what: string,
  fn: () => Promise<T>,
  timeoutMs = 90_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) {
      throw new Error(
        `${what} (waited ${timeoutMs / 1000} s): ${
          last instanceof Error ? last.message : last
        }`,
      );
    }
    await sleep(1000);
  }
}

interface Reply {
  status: number;
  json: any;
  text: string;
}
async function request(
  base: string,
  route: string,
  options: { token?: string; method?: string; body?: unknown } = {},
): Promise<Reply> {
  const response = await fetch(`${base}${route}`, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body ? { 'content-type': 'application/json' } : {}),
      'x-requested-with': 'XMLHttpRequest',
    },
    body: options.body ? JSON.stringify(options.body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}
const short = (r: Reply) => `HTTP ${r.status} ${r.text.slice(0, 200)}`;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[
      Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
    ] ?? NaN
  );
};

/** `rate` requests per second for `seconds`, spread over `routes`; latencies and statuses. */
async function load(
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
      fetch(`${base}${route}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(30_000),
      })
        .then(async r => {
          await r.arrayBuffer();
          const key = String(r.status);
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
const showStatuses = (m: Map<string, number>) =>
  [...m].map(([k, v]) => `${v}x ${k}`).join(', ');

interface Replica {
  name: string;
  port: number;
  url: string;
  child?: ChildProcess;
  logFile: string;
  /** Starts after an exit the run did not ask for, as a Kubernetes pod's restartPolicy would. */
  restarts: string[];
  /** Set while the run itself stops the replica (no restart then). */
  stopping?: boolean;
}
const MAX_RESTARTS = 3;

/** The reason of the last failed start in a replica's log. */
function lastStartupFailure(replica: Replica) {
  const log = fs.readFileSync(replica.logFile, 'utf8');
  const at = log.lastIndexOf('Backend startup failed, exiting: ');
  if (at < 0) return 'exited';
  const text = log.slice(at).split('\n').slice(0, 4).join(' ');
  return (/caused by (.*?)(?: Plugin '|$)/.exec(text)?.[1] ?? text)
    .replace(/\s+/g, ' ')
    .slice(0, 160);
}

const cleanups: Array<() => Promise<unknown>> = [];
/** Everything the run started, last first; one that does not stop within 30 s is left behind with a line saying so. */
async function cleanup() {
  for (const fn of cleanups.reverse()) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>(resolve => {
      timer = setTimeout(() => resolve('late'), 30_000);
    });
    const outcome = await Promise.race([fn().catch(() => undefined), late]);
    clearTimeout(timer);
    if (outcome === 'late')
      log(
        `a clean-up step did not end within 30 s: ${fn
          .toString()
          .slice(0, 80)}`,
      );
  }
}

function startReplica(
  replica: Replica,
  configs: string[],
  env: NodeJS.ProcessEnv,
) {
  const out = fs.openSync(replica.logFile, 'a');
  // The backend from its sources with Backstage's own transform (what
  // `backstage-cli package start` runs, without its file watcher: nothing
  // restarts a replica behind the run's back).
  const child = spawn(
    process.execPath,
    [
      // HAVEN_PRODUCTION_CPU_PROFILE=1: a V8 CPU profile of each replica,
      // written when it stops, in the report folder.
      ...(process.env.HAVEN_PRODUCTION_CPU_PROFILE
        ? ['--cpu-prof', '--cpu-prof-dir', path.join(REPORT, 'profiles')]
        : []),
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      path.join(ROOT, 'packages/backend/src/index.ts'),
      ...configs.flatMap(c => ['--config', c]),
    ],
    {
      cwd: path.join(ROOT, 'packages/backend'),
      env: { ...process.env, ...env },
      stdio: ['ignore', out, out],
      detached: true,
    },
  );
  replica.child = child;
  child.once('exit', code => {
    if (replica.stopping || replica.restarts.length >= MAX_RESTARTS) return;
    replica.restarts.push(`exit ${code}: ${lastStartupFailure(replica)}`);
    setTimeout(() => {
      if (!replica.stopping) startReplica(replica, configs, env);
    }, 1000);
  });
  return child;
}
function killReplica(replica: Replica, signal: NodeJS.Signals = 'SIGKILL') {
  replica.stopping = true;
  return new Promise<void>(resolve => {
    const child = replica.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    try {
      process.kill(-child.pid!, signal);
    } catch {
      resolve();
    }
  });
}
async function waitReady(replica: Replica, timeoutMs = 300_000) {
  let stop = '';
  const result = await eventually(
    `${replica.name} did not become ready (log ${path.relative(
      ROOT,
      replica.logFile,
    )})`,
    async () => {
      const child = replica.child;
      if (
        replica.restarts.length >= MAX_RESTARTS &&
        child &&
        (child.exitCode !== null || child.signalCode !== null)
      ) {
        stop = `exited ${
          replica.restarts.length + 1
        } times (${replica.restarts.join('; ')})`;
      }
      if (stop) return stop;
      const r = await fetch(`${replica.url}/.backstage/health/v1/readiness`);
      expect(r.ok, `readiness HTTP ${r.status}`);
      return '';
    },
    timeoutMs,
  );
  if (result) {
    const tail = fs
      .readFileSync(replica.logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(-5)
      .join('\n    | ');
    throw new Error(
      `${replica.name} ${result}; last lines of ${path.relative(
        ROOT,
        replica.logFile,
      )}:\n    | ${tail}`,
    );
  }
}

async function main() {
  fs.mkdirSync(REPORT, { recursive: true });
  for (const f of fs.readdirSync(REPORT))
    fs.rmSync(path.join(REPORT, f), { recursive: true, force: true });
  log(
    `Haven+ production topology: node ${
      process.version
    }, report in ${path.relative(ROOT, REPORT)}`,
  );

  ensurePackages(log);
  const postgres = await startPostgres();
  cleanups.push(() => postgres.stop());
  let redis: Service = await startRedis();
  cleanups.push(() => redis.stop());
  log(
    `PostgreSQL on 127.0.0.1:${postgres.port}, Redis on 127.0.0.1:${redis.port}`,
  );

  const doubles = await startSandboxDoubles({ anyPort: true });
  cleanups.push(() => doubles.stop());
  const counters: Record<string, Counter> = {};
  for (const name of [
    'kubernetes',
    'github',
    'loki',
    'tempo',
    'helm',
  ] as const) {
    counters[name] = await startCounter(doubles.urls[name]);
    cleanups.push(() => counters[name].close());
  }
  // Vault through a counter per replica: the run can tell which replica
  // works on a task by where its Vault requests come from.
  const vaultOf: Record<string, Counter> = {};
  for (const name of REPLICA_NAMES) {
    vaultOf[name] = await startCounter(doubles.urls.vault);
    cleanups.push(() => vaultOf[name].close());
  }
  const counts = (): Record<string, number> => ({
    ...Object.fromEntries(
      Object.entries(counters).map(([k, c]) => [k, c.count()]),
    ),
    vault: Object.values(vaultOf).reduce((n, c) => n + c.count(), 0),
  });

  const balancerPort = await freePort();
  const BASE = `http://127.0.0.1:${balancerPort}`;
  const replicas: Replica[] = [];
  for (const name of REPLICA_NAMES) {
    const port = await freePort();
    replicas.push({
      name,
      port,
      url: `http://127.0.0.1:${port}`,
      logFile: path.join(REPORT, `${name}.log`),
      restarts: [],
    });
  }
  const balancer = await startBalancer(
    replicas.map(r => r.url),
    balancerPort,
  );
  cleanups.push(() => balancer.close());
  const [A, B] = replicas;

  // The environment app-config.production.yaml reads (README.md, "Running
  // against real systems"), pointed at the local services and the doubles.
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'production',
    HAVEN_BASE_URL: BASE,
    POSTGRES_HOST: '127.0.0.1',
    POSTGRES_PORT: String(postgres.port),
    POSTGRES_USER: postgres.user,
    POSTGRES_PASSWORD: 'trust-authentication-on-loopback',
    REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    GITHUB_TOKEN: SANDBOX_DOUBLES.github.token,
    GITLAB_HOST: 'gitlab.haven-sandbox.example.nl',
    GITLAB_TOKEN: 'haven-sandbox-gitlab-not-a-secret',
    K8S_CLUSTER_NAME: SANDBOX_DOUBLES.kubernetes.clusterName,
    K8S_API_URL: counters.kubernetes.url,
    K8S_SERVICE_ACCOUNT_TOKEN: SANDBOX_DOUBLES.kubernetes.token,
    VAULT_BACKSTAGE_ROLE: 'backstage',
    VAULT_KV_MOUNT: SANDBOX_DOUBLES.vault.kvMount,
    VAULT_KUBERNETES_AUTH_MOUNT: SANDBOX_DOUBLES.vault.kubernetesAuthMount,
    FLEET_REPO_URL: `https://github.com/${SANDBOX_DOUBLES.github.fleetRepo.owner}/${SANDBOX_DOUBLES.github.fleetRepo.name}`,
    LOKI_URL: counters.loki.url,
    TEMPO_URL: counters.tempo.url,
    TELEMETRY_TENANT: SANDBOX_DOUBLES.loki.tenant,
    GRAFANA_URL: 'https://grafana.haven-sandbox.example.nl',
  };
  // What differs from a real installation, and only that: the doubles'
  // addresses where the production file names real hosts, a token for the
  // Vault double (no Kubernetes service-account JWT exists here), guest
  // sign-in for the checks, the example catalog, and each replica's port.
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-production-'));
  cleanups.push(async () =>
    fs.rmSync(configDir, { recursive: true, force: true }),
  );
  const layer = path.join(configDir, 'app-config.test-production.yaml');
  fs.writeFileSync(
    layer,
    stringify({
      auth: {
        providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
      },
      integrations: {
        github: [
          {
            host: 'github.com',
            apiBaseUrl: counters.github.url,
            token: SANDBOX_DOUBLES.github.token,
          },
        ],
      },
      catalog: {
        locations: [
          { type: 'file', target: path.join(ROOT, 'examples/entities.yaml') },
          {
            type: 'file',
            target: path.join(ROOT, 'examples/org.yaml'),
            rules: [{ allow: ['User', 'Group'] }],
          },
          {
            type: 'file',
            target: path.join(ROOT, 'templates/locations.yaml'),
            rules: [{ allow: ['Location', 'Template'] }],
          },
        ],
      },
      // app-config.production.yaml turns task recovery on; a shorter wait
      // before a lost replica's task counts as stale keeps the run short.
      scaffolder: { taskRecovery: { staleTimeout: { seconds: 15 } } },
      haven: {
        vault: {
          auth: {
            method: 'token',
            token: SANDBOX_DOUBLES.vault.backstageToken,
          },
        },
        charts: {
          mirrors: [
            { url: SANDBOX_DOUBLES.helm.mirrors, readFrom: counters.helm.url },
          ],
        },
      },
    }),
  );
  const configs = (r: Replica) => {
    const own = path.join(configDir, `app-config.${r.name}.yaml`);
    fs.writeFileSync(own, stringify({ backend: { listen: { port: r.port } } }));
    return [
      path.join(ROOT, 'app-config.yaml'),
      path.join(ROOT, 'app-config.production.yaml'),
      layer,
      own,
    ];
  };
  const envOf = (r: Replica) => ({ ...env, VAULT_ADDR: vaultOf[r.name].url });
  for (const r of replicas) cleanups.push(() => killReplica(r, 'SIGTERM'));
  log(
    `replicas ${replicas
      .map(r => `${r.name} on ${r.url}`)
      .join(', ')}; load balancer on ${BASE}`,
  );

  (await check(
    'two backend replicas start with app-config.production.yaml',
    async () => {
      const t0 = Date.now();
      // The first rollout on a new database: one replica runs the migrations,
      // then the second starts (README.md, "Running against real systems").
      // Two started together race for each plugin's knex migration lock; the
      // loser exits and is restarted, but a replica stopped while it holds a
      // lock leaves it set, and every later start then fails.
      for (const r of replicas) {
        startReplica(r, configs(r), envOf(r));
        await waitReady(r);
      }
      const restarts = replicas
        .filter(r => r.restarts.length > 0)
        .map(
          r =>
            `${r.name} restarted ${r.restarts.length}x (${r.restarts.join(
              '; ',
            )})`,
        );
      return `both ready after ${((Date.now() - t0) / 1000).toFixed(0)} s${
        restarts.length ? `; ${restarts.join(', ')}` : '; no restarts'
      }`;
    },
  )) || (await bail());

  await check('both replicas keep their state in PostgreSQL', async () => {
    const client = new Client({
      host: '127.0.0.1',
      port: postgres.port,
      user: postgres.user,
      database: 'postgres',
    });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(
        "select datname from pg_database where datname like 'backstage_plugin_%' order by datname",
      );
      const names = rows.map(r => r.datname.replace('backstage_plugin_', ''));
      for (const plugin of ['catalog', 'scaffolder', 'auth']) {
        expect(
          names.includes(plugin),
          `no backstage_plugin_${plugin} database (found ${names.join(', ')})`,
        );
      }
      const sessions = await client.query<{ n: string }>(
        "select count(*) as n from pg_stat_activity where datname like 'backstage_plugin_%'",
      );
      return `databases ${names.join(', ')}; ${sessions.rows[0].n} connections`;
    } finally {
      await client.end();
    }
  });

  let token = '';
  (await check(
    'a sign-in on replica A is accepted by replica B (signing keys shared)',
    async () => {
      const r = await request(A.url, '/api/auth/guest/refresh');
      token = r.json?.backstageIdentity?.token;
      expect(r.status === 200 && token, short(r));
      const b = await request(
        B.url,
        `/api/catalog/entities/by-name/${EXAMPLE}`,
        { token },
      );
      expect(b.status === 200 || b.status === 404, `replica B: ${short(b)}`);
      const none = await request(
        B.url,
        `/api/catalog/entities/by-name/${EXAMPLE}`,
      );
      expect(none.status === 401, `replica B without a token: ${short(none)}`);
      return `replica B: HTTP ${b.status} with A's token, 401 without`;
    },
  )) || (await bail());

  await check(
    'the catalog is shared: both replicas list the same entities',
    async () =>
      eventually(
        'the example component did not appear on both replicas',
        async () => {
          const [a, b] = await Promise.all(
            [A, B].map(r =>
              request(
                r.url,
                '/api/catalog/entities/by-query?limit=500&fields=metadata.name,kind',
                { token },
              ),
            ),
          );
          expect(
            a.status === 200 && b.status === 200,
            `${short(a)} / ${short(b)}`,
          );
          const names = (r: Reply) =>
            (r.json.items as any[])
              .map(e => `${e.kind}:${e.metadata.name}`)
              .sort();
          expect(
            names(a).includes('Component:open-webui-voorbeeld'),
            'no open-webui-voorbeeld yet',
          );
          expect(
            JSON.stringify(names(a)) === JSON.stringify(names(b)),
            `A has ${names(a).length}, B has ${names(b).length}`,
          );
          return `${names(a).length} entities on each`;
        },
        120_000,
      ),
  );

  // A haven-service task started through replica A, followed from replica B.
  const app = 'prod-topology-1';
  let taskId = '';
  await check(
    'a haven-service task started on replica A is followed to its end from replica B',
    async () => {
      await eventually(
        'the haven-service template is not in the catalog',
        async () => {
          const t = await request(
            B.url,
            '/api/catalog/entities/by-name/template/default/haven-service',
            { token },
          );
          expect(t.status === 200, short(t));
        },
      );
      const created = await request(A.url, '/api/scaffolder/v2/tasks', {
        token,
        method: 'POST',
        body: {
          templateRef: 'template:default/haven-service',
          values: serviceValues(app),
          secrets: { suppliedValue: 'sk-production-check' },
        },
      });
      expect(created.status === 201, short(created));
      taskId = created.json.id;
      const done = await eventually(
        'the task did not end',
        async () => {
          const t = await request(B.url, `/api/scaffolder/v2/tasks/${taskId}`, {
            token,
          });
          expect(t.status === 200, short(t));
          expect(
            ['completed', 'failed', 'cancelled'].includes(t.json.status),
            `status ${t.json.status}`,
          );
          return t.json;
        },
        180_000,
      );
      const events = await request(
        B.url,
        `/api/scaffolder/v2/tasks/${taskId}/events`,
        { token },
      );
      const failure = (events.json as any[] | undefined)
        ?.filter(e => e.type === 'completion')
        .map(e => e.body?.message)
        .join('; ');
      expect(done.status === 'completed', `task ${done.status}: ${failure}`);
      return `task ${taskId.slice(0, 8)}… ${done.status}; ${
        (events.json as any[]).length
      } events read from B`;
    },
  );

  await check(
    'what the task wrote is there once: one pull request',
    async () => {
      const pulls = await fetch(
        `${doubles.urls.github}/repos/${SANDBOX_DOUBLES.github.fleetRepo.owner}/${SANDBOX_DOUBLES.github.fleetRepo.name}/pulls?state=all&per_page=100`,
        { headers: { authorization: `token ${SANDBOX_DOUBLES.github.token}` } },
      ).then(r => r.json() as Promise<any[]>);
      const mine = pulls.filter(p => String(p.head?.ref ?? '').includes(app));
      expect(
        mine.length === 1,
        `${mine.length} pull requests for ${app}: ${pulls
          .map(p => p.head?.ref)
          .join(', ')}`,
      );
      return `pull request #${mine[0].number} (${mine[0].head.ref})`;
    },
  );

  // The entity page's telemetry: fetched by one replica, served from Redis by both.
  const telemetry = `/api/haven/entities/${EXAMPLE}/telemetry?window=1h`;
  await check(
    'the entity telemetry cache is shared: one upstream request per entity and window across both replicas',
    async () => {
      const before = counts();
      const a = await request(A.url, telemetry, { token });
      expect(a.status === 200, `replica A: ${short(a)}`);
      const afterA = counts();
      const b = await request(B.url, telemetry, { token });
      expect(b.status === 200, `replica B: ${short(b)}`);
      const afterB = counts();
      const delta = (
        x: Record<string, number>,
        y: Record<string, number>,
        k: string,
      ) => y[k] - x[k];
      const figure = ['vault', 'loki', 'tempo']
        .map(
          k =>
            `${k} ${delta(before, afterA, k)} from A + ${delta(
              afterA,
              afterB,
              k,
            )} from B`,
        )
        .join(', ');
      expect(
        delta(before, afterA, 'loki') >= 1 &&
          delta(before, afterA, 'tempo') >= 1,
        `replica A asked no upstream: ${figure}`,
      );
      for (const k of ['vault', 'loki', 'tempo']) {
        expect(
          delta(afterA, afterB, k) === 0,
          `replica B asked ${k} again: ${figure}`,
        );
      }
      expect(
        JSON.stringify(a.json) === JSON.stringify(b.json),
        'the replicas answered differently',
      );
      return figure;
    },
  );

  await check(
    `load through the balancer: ${LOAD_RATE} requests/s for ${LOAD_SECONDS} s with Redis`,
    async () => {
      const before = counts();
      const routes = [
        telemetry,
        `/api/catalog/entities/by-name/${EXAMPLE}`,
        `/api/haven/entities/${EXAMPLE}/telemetry?window=6h`,
        '/api/catalog/entities/by-query?limit=20',
      ];
      // One request at a time first: the time a replica spends on each route
      // when nothing else runs, which bounds what two replicas can serve.
      const service: string[] = [];
      for (const route of routes) {
        const times: number[] = [];
        for (let i = 0; i < 20; i += 1) {
          const t0 = performance.now();
          const one = await request(A.url, route, { token });
          expect(one.status === 200, `${route}: ${short(one)}`);
          times.push(performance.now() - t0);
        }
        service.push(
          `${route.split('?')[0].split('/').slice(2, 4).join('/')}${
            route.includes('window=')
              ? ` ${route.split('window=')[1]}`
              : route.includes('by-query')
              ? ' by-query'
              : ''
          } ${percentile(times, 50).toFixed(1)} ms`,
        );
      }
      balancer.served.forEach((_, k) => balancer.served.set(k, 0));
      const r = await load(BASE, routes, token, LOAD_RATE, LOAD_SECONDS);
      const after = counts();
      const spread = [...balancer.served]
        .map(([k, v]) => `${replicas.find(x => x.url === k)?.name} ${v}`)
        .join(', ');
      const upstream = ['vault', 'loki', 'tempo']
        .map(k => `${k} ${after[k] - before[k]}`)
        .join(', ');
      const figure = `one at a time (p50): ${service.join(', ')}; under load: ${
        r.total
      } requests at ${r.achieved.toFixed(1)}/s; p50 ${r.p50.toFixed(
        1,
      )} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(
        1,
      )} ms; p95 by route: ${r.routeP95}; ${showStatuses(
        r.statuses,
      )}; ${spread}; upstream ${upstream}; this process's event-loop delay p99 ${r.loopLagP99.toFixed(
        0,
      )} ms`;
      expect(r.fiveXX === 0, `${r.fiveXX} 5xx or errors: ${figure}`);
      expect(
        r.achieved >= LOAD_RATE * 0.9,
        `only ${r.achieved.toFixed(1)}/s: ${figure}`,
      );
      return figure;
    },
  );

  // A replica lost in the middle of a task. Vault answers slowly meanwhile
  // (700 ms a request) so that the kill lands inside the Vault step.
  await check(
    'a replica killed mid-task: the task ends on the other replica, a re-run writes nothing',
    async () => {
      const crashApp = 'prod-topology-crash';
      const isWrite = (p: string) =>
        /^(POST|PUT|PATCH|DELETE) /.test(p) && !p.endsWith('/login');
      // Writes Vault answered with a 2xx: what it applied. A write in flight
      // when the replica died and never forwarded is not one.
      const marks = Object.fromEntries(
        REPLICA_NAMES.map(n => [n, vaultOf[n].answered.length]),
      );
      const writesSince = (name: string, from: number) =>
        vaultOf[name].answered.slice(from).filter(isWrite);
      Object.values(vaultOf).forEach(c => c.setDelay(700));
      const body = {
        templateRef: 'template:default/haven-service',
        values: serviceValues(crashApp),
        secrets: { suppliedValue: SUPPLIED_CRASH_VALUE },
      };
      const created = await request(BASE, '/api/scaffolder/v2/tasks', {
        token,
        method: 'POST',
        body,
      });
      expect(created.status === 201, short(created));
      const id: string = created.json.id;
      const runner = await eventually(
        'no replica wrote to Vault for the task',
        async () => {
          const r = replicas.find(
            x => writesSince(x.name, marks[x.name]).length >= 1,
          );
          expect(r, 'no Vault write yet');
          return r!;
        },
        60_000,
      );
      const survivor = replicas.find(r => r !== runner)!;
      await killReplica(runner, 'SIGKILL');
      const killedAt = Date.now();
      // Requests already on their way to Vault are answered (or not) first.
      await sleep(1500);
      const beforeKill = writesSince(runner.name, marks[runner.name]);
      Object.values(vaultOf).forEach(c => c.setDelay(0));
      const survivorMark = vaultOf[survivor.name].answered.length;

      const done = await eventually(
        'the task did not end after its replica was killed',
        async () => {
          const t = await request(
            survivor.url,
            `/api/scaffolder/v2/tasks/${id}`,
            { token },
          );
          expect(t.status === 200, short(t));
          expect(
            ['completed', 'failed', 'cancelled'].includes(t.json.status),
            `status ${t.json.status}`,
          );
          return t.json;
        },
        180_000,
      );
      const endedAfter = (Date.now() - killedAt) / 1000;
      const events = (
        await request(survivor.url, `/api/scaffolder/v2/tasks/${id}/events`, {
          token,
        })
      ).json as any[];
      const recovered = events.filter(e => e.type === 'recovered').length;
      const afterKill = writesSince(survivor.name, survivorMark);
      const repeated = afterKill.filter(w => beforeKill.includes(w));

      // The killed replica comes back, as its pod would.
      runner.stopping = false;
      startReplica(runner, configs(runner), envOf(runner));
      await waitReady(runner);

      // The KV data after the recovered task, then after a re-run: every
      // path the task wrote, values compared by hash.
      const kvPaths = [
        ...new Set(
          [...beforeKill, ...afterKill]
            .filter(w => /\/v1\/[^/]+\/data\//.test(w))
            .map(w => w.split(' ')[1]),
        ),
      ];
      expect(
        kvPaths.length > 0,
        `no KV write seen (${[...beforeKill, ...afterKill].join(', ')})`,
      );
      const readKv = async () => {
        let version = 0;
        const hashes: Record<string, string> = {};
        for (const kvPath of kvPaths) {
          const r = await fetch(`${doubles.urls.vault}${kvPath}`, {
            headers: { 'x-vault-token': SANDBOX_DOUBLES.vault.rootToken },
          });
          expect(r.ok, `KV read HTTP ${r.status}`);
          const j = (await r.json()) as any;
          version += j.data.metadata.version as number;
          for (const [k, v] of Object.entries(
            j.data.data as Record<string, string>,
          )) {
            hashes[`${kvPath.split('/data/')[1]}#${k}`] = createHash('sha256')
              .update(v)
              .digest('hex');
          }
        }
        return { version, hashes };
      };
      const kvBefore = await readKv();
      const allMarks = Object.fromEntries(
        REPLICA_NAMES.map(n => [n, vaultOf[n].answered.length]),
      );
      const rerun = await request(BASE, '/api/scaffolder/v2/tasks', {
        token,
        method: 'POST',
        body,
      });
      expect(rerun.status === 201, short(rerun));
      const rerunDone = await eventually(
        'the re-run did not end',
        async () => {
          const t = await request(
            BASE,
            `/api/scaffolder/v2/tasks/${rerun.json.id}`,
            { token },
          );
          expect(
            ['completed', 'failed', 'cancelled'].includes(t.json?.status),
            `status ${t.json?.status}`,
          );
          return t.json;
        },
        180_000,
      );
      const rerunWrites = REPLICA_NAMES.flatMap(n =>
        writesSince(n, allMarks[n]),
      );
      const kvAfter = await readKv();
      const pulls = (await fetch(
        `${doubles.urls.github}/repos/${SANDBOX_DOUBLES.github.fleetRepo.owner}/${SANDBOX_DOUBLES.github.fleetRepo.name}/pulls?state=all&per_page=100`,
        { headers: { authorization: `token ${SANDBOX_DOUBLES.github.token}` } },
      ).then(r => r.json())) as any[];
      const mine = pulls.filter(p =>
        String(p.head?.ref ?? '').endsWith(`/${crashApp}`),
      );

      const figure =
        `killed ${runner.name} after ${beforeKill.length} Vault writes; task ${
          done.status
        } on ${survivor.name} ${endedAfter.toFixed(0)} s later ` +
        `(${recovered} recovered event${recovered === 1 ? '' : 's'}), ${
          afterKill.length
        } Vault writes after the kill, ${repeated.length} repeated; ` +
        `re-run ${rerunDone.status} with ${rerunWrites.length} Vault writes; ${mine.length} pull request; ` +
        `${kvPaths.length} KV paths, versions ${kvBefore.version} -> ${
          kvAfter.version
        }, keys ${Object.keys(kvAfter.hashes).sort().join(', ')}, values ${
          JSON.stringify(kvBefore.hashes) === JSON.stringify(kvAfter.hashes)
            ? 'unchanged'
            : 'CHANGED'
        }`;
      expect(
        done.status === 'completed' || done.status === 'failed',
        `task ${done.status}: ${figure}`,
      );
      expect(recovered >= 1, `the task was not recovered: ${figure}`);
      expect(
        repeated.length === 0,
        `writes repeated after the kill (${repeated.join(', ')}): ${figure}`,
      );
      expect(
        rerunDone.status === 'completed',
        `re-run ${rerunDone.status}: ${figure}`,
      );
      expect(
        rerunWrites.length === 0,
        `the re-run wrote to Vault (${rerunWrites.join(', ')}): ${figure}`,
      );
      expect(mine.length === 1, figure);
      expect(kvAfter.version === kvBefore.version, figure);
      // serviceValues names the supplied secret openai-api-key.
      const supplied = Object.entries(kvAfter.hashes).find(([k]) =>
        k.includes('/openai-api-key#'),
      );
      expect(supplied, `the supplied secret is missing: ${figure}`);
      expect(
        supplied![1] ===
          createHash('sha256').update(SUPPLIED_CRASH_VALUE).digest('hex'),
        `the supplied secret differs: ${figure}`,
      );
      return figure;
    },
  );

  await check(
    'Redis down: the entity page still answers on both replicas',
    async () => {
      await redis.stop();
      const latencies: number[] = [];
      const statuses = new Map<string, number>();
      for (let i = 0; i < 20; i += 1) {
        const replica = replicas[i % 2];
        const t0 = performance.now();
        const r = await request(
          replica.url,
          `/api/haven/entities/${EXAMPLE}/telemetry?window=${
            i % 4 === 0 ? '15m' : '1h'
          }`,
          { token },
        ).catch(
          error =>
            ({ status: 0, text: String(error), json: undefined } as Reply),
        );
        latencies.push(performance.now() - t0);
        statuses.set(
          String(r.status),
          (statuses.get(String(r.status)) ?? 0) + 1,
        );
      }
      const catalog = await request(
        BASE,
        `/api/catalog/entities/by-name/${EXAMPLE}`,
        { token },
      );
      const figure = `20 telemetry requests: ${showStatuses(
        statuses,
      )}, p95 ${percentile(latencies, 95).toFixed(0)} ms; catalog HTTP ${
        catalog.status
      }`;
      expect(statuses.get('200') === 20, figure);
      expect(catalog.status === 200, figure);
      return figure;
    },
  );
  redis = await startRedis(redis.port);

  await finish();
}

async function finish(reason?: string): Promise<never> {
  const failed = results.filter(r => !r.ok).length;
  console.log(
    `\nHaven+ production topology (${Math.round(
      (Date.now() - started) / 1000,
    )} s, logs in ${path.relative(ROOT, REPORT)}):`,
  );
  for (const r of results)
    console.log(
      `  ${r.ok ? 'ok     ' : 'FAILED '} ${r.name}${
        r.figure ? `\n            ${r.figure}` : ''
      }`,
    );
  if (reason) console.log(`  not run: ${reason}`);
  console.log(
    `\nproduction: ${results.length - failed} passed, ${failed} failed`,
  );
  await cleanup();
  process.exit(failed === 0 && !reason ? 0 : 1);
}
async function bail(): Promise<never> {
  return finish('the checks after this need the step above');
}

process.on('SIGINT', () => void finish('interrupted'));
process.on('SIGTERM', () => void finish('terminated'));
main().catch(async error => {
  results.push({
    ok: false,
    name: 'the run',
    figure:
      error instanceof Error ? error.stack ?? error.message : String(error),
  });
  await finish();
});
