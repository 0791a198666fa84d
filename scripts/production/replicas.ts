/*
 * The backend replicas of `yarn test:production`: started from source with
 * Backstage's own transform, restarted after an exit the run did not ask for
 * (as a pod's restartPolicy would), killed on purpose, and waited for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPORT, ROOT, eventually, expect } from './harness';

export interface Replica {
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
export const MAX_RESTARTS = 3;

/** The reason of the last failed start in a replica's log. */
export function lastStartupFailure(replica: Replica) {
  const log = fs.readFileSync(replica.logFile, 'utf8');
  const at = log.lastIndexOf('Backend startup failed, exiting: ');
  if (at < 0) return 'exited';
  const text = log.slice(at).split('\n').slice(0, 4).join(' ');
  return (/caused by (.*?)(?: Plugin '|$)/.exec(text)?.[1] ?? text)
    .replace(/\s+/g, ' ')
    .slice(0, 160);
}

export function startReplica(
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
export function killReplica(
  replica: Replica,
  signal: NodeJS.Signals = 'SIGKILL',
) {
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
export async function waitReady(replica: Replica, timeoutMs = 300_000) {
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
