/*
 * PostgreSQL and Redis for `yarn test:production`, from Debian's packages,
 * each a private instance on a free loopback port with its data in a
 * temporary directory (nothing of a system-wide instance is used or changed).
 *
 * PostgreSQL refuses to run as root (initdb: "cannot be run as root"), so as
 * root the server runs as the `postgres` user that Debian's package creates.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const isRoot = process.getuid?.() === 0;

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(
  port: number,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>(resolve => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until) {
      throw new Error(
        `${what} did not listen on 127.0.0.1:${port} within ${
          timeoutMs / 1000
        } s`,
      );
    }
    await new Promise(r => setTimeout(r, 200));
  }
}

function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter(v => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && path.join(root, versions[0], 'bin');
}

/**
 * Debian's postgresql and redis-server, installed with apt-get when missing
 * and this runs as root; otherwise an error that says how to install them.
 */
export function ensurePackages(log: (line: string) => void): void {
  const missing: string[] = [];
  if (!postgresBinDir()) missing.push('postgresql');
  if (!fs.existsSync('/usr/bin/redis-server')) missing.push('redis-server');
  if (missing.length === 0) return;
  if (!isRoot) {
    throw new Error(
      `${missing.join(
        ' and ',
      )} missing: install Debian's packages as root (apt-get install -y ${missing.join(
        ' ',
      )}), then run again`,
    );
  }
  log(`installing Debian's ${missing.join(' and ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  execFileSync(
    'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', ...missing],
    { stdio: 'ignore', env },
  );
}

export interface Service {
  port: number;
  /** Stops the server; resolves when it has exited. */
  stop(): Promise<void>;
  /** The server's own output, for a failure report. */
  output(): string;
}

function track(child: ChildProcess): () => string {
  const chunks: Buffer[] = [];
  child.stdout?.on('data', c => chunks.push(c));
  child.stderr?.on('data', c => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8').slice(-4000);
}

function stopper(child: ChildProcess, signal: NodeJS.Signals) {
  return () =>
    new Promise<void>(resolve => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => resolve());
      child.kill(signal);
    });
}

/** A PostgreSQL server with trust authentication for user `haven` on loopback. */
export async function startPostgres(): Promise<Service & { user: string }> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL server under /usr/lib/postgresql');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-pg-'));
  const data = path.join(dir, 'data');
  const asOwner = (cmd: string, args: string[]) =>
    isRoot
      ? (['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const)
      : ([cmd, args] as const);
  if (isRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const [initCmd, initArgs] = asOwner(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'haven',
    '-A',
    'trust',
    '--no-sync',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const [cmd, args] = asOwner(path.join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-k',
    dir,
    // Two replicas each open a pool per plugin database.
    '-c',
    'max_connections=300',
    '-c',
    'fsync=off',
  ]);
  const child = spawn(cmd, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = track(child);
  await waitForPort(port, 'PostgreSQL');
  return {
    port,
    user: 'haven',
    output,
    stop: async () => {
      // As root the child is runuser, which does not pass signals on to the
      // server: pg_ctl stops the server itself (fast shutdown).
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>(resolve =>
          child.once('exit', () => resolve()),
        );
        const [ctlCmd, ctlArgs] = asOwner(path.join(bin, 'pg_ctl'), [
          'stop',
          '-D',
          data,
          '-m',
          'fast',
          '-t',
          '20',
        ]);
        try {
          execFileSync(ctlCmd, ctlArgs, { stdio: 'ignore', timeout: 30_000 });
        } catch {
          child.kill('SIGKILL');
        }
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Redis server on loopback, without persistence; `start` restarts it on the same port. */
export async function startRedis(port?: number): Promise<Service> {
  const p = port ?? (await freePort());
  const child = spawn(
    '/usr/bin/redis-server',
    [
      '--port',
      String(p),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = track(child);
  await waitForPort(p, 'Redis');
  return { port: p, output, stop: stopper(child, 'SIGTERM') };
}
