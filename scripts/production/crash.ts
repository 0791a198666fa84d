/*
 * A replica lost in the middle of a task, for `yarn test:production`.
 *
 * Vault answers slowly meanwhile (700 ms a request), so that the kill lands
 * inside the task's Vault step. The replica whose Vault counter sees the
 * task's first write is killed with SIGKILL; the other one must take the
 * task over (Backstage's task recovery) and finish it without repeating a
 * write Vault had applied; the killed replica comes back, and a re-run of
 * the same template writes nothing, opens no second pull request and keeps
 * every secret (compared by SHA-256, never printed).
 */
import { createHash } from 'node:crypto';
import { SANDBOX_DOUBLES } from '@haven-plus/haven-sandbox';
import type { JsonObject } from '@backstage/types';
import {
  expect,
  eventually,
  fleetPullRequests,
  request,
  short,
  sleep,
  taskEnd,
} from './harness';
import type { Counter } from './proxy';
import { killReplica, startReplica, waitReady, type Replica } from './replicas';

export interface CrashContext {
  BASE: string;
  token: string;
  replicas: Replica[];
  REPLICA_NAMES: string[];
  vaultOf: Record<string, Counter>;
  doubles: { urls: { vault: string; github: string } };
  configs: (r: Replica) => string[];
  envOf: (r: Replica) => NodeJS.ProcessEnv;
  /** The template's values for an app. */
  serviceValues: (app: string) => JsonObject;
}

/** The crash scenario's supplied secret: compared by hash, never printed. */
const SUPPLIED_CRASH_VALUE = `sk-crash-${Date.now().toString(36)}`;

/** Runs the scenario; returns its figures, throws when an outcome is wrong. */
export async function replicaLostMidTask(ctx: CrashContext): Promise<string> {
  const {
    BASE,
    token,
    replicas,
    REPLICA_NAMES,
    vaultOf,
    doubles,
    configs,
    envOf,
    serviceValues,
  } = ctx;
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

  const done = await taskEnd(
    survivor.url,
    id,
    token,
    'the task did not end after its replica was killed',
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
  const rerunDone = await taskEnd(
    BASE,
    rerun.json.id,
    token,
    'the re-run did not end',
  );
  const rerunWrites = REPLICA_NAMES.flatMap(n => writesSince(n, allMarks[n]));
  const kvAfter = await readKv();
  const pulls = await fleetPullRequests(doubles.urls.github);
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
}
