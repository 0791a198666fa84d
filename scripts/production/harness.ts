/*
 * The shared parts of `yarn test:production`: its log lines, the checks and
 * their summary, HTTP helpers, and the clean-up of what the run started.
 */
import path from 'node:path';
import { SANDBOX_DOUBLES } from '@haven-plus/haven-sandbox';

export const ROOT = path.resolve(__dirname, '../..');
export const REPORT = path.join(ROOT, 'e2e-test-report/production');
export const started = Date.now();

export const clock = () => {
  const s = Math.round((Date.now() - started) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(
    s % 60,
  ).padStart(2, '0')}`;
};
export const log = (line: string) =>
  console.log(`\x1b[1m[production ${clock()}]\x1b[0m ${line}`);

export const results: Array<{ ok: boolean; name: string; figure: string }> = [];
export async function check(name: string, fn: () => Promise<string | void>) {
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
export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
export async function eventually<T>(
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

export interface Reply {
  status: number;
  json: any;
  text: string;
}
/**
 * `run` with a deadline that holds whatever happens to the connection: a
 * timer of its own aborts the request and ends the wait, also when the
 * request's promise would never settle. (AbortSignal.timeout alone let a
 * load run wait for ever: its timer does not keep a request alive.)
 */
export async function withDeadline<T>(
  ms: number,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`no answer within ${ms / 1000} s`);
      error.name = 'TimeoutError';
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export async function request(
  base: string,
  route: string,
  options: { token?: string; method?: string; body?: unknown } = {},
): Promise<Reply> {
  const { response, text } = await withDeadline(30_000, async signal => {
    const r = await fetch(`${base}${route}`, {
      method: options.method ?? 'GET',
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body ? { 'content-type': 'application/json' } : {}),
        'x-requested-with': 'XMLHttpRequest',
      },
      body: options.body ? JSON.stringify(options.body) : undefined,
      signal,
    });
    return { response: r, text: await r.text() };
  });
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}
/** Waits until the scaffolder task ends (completed, failed or cancelled), read through `base`; its task record. */
export function taskEnd(
  base: string,
  taskId: string,
  token: string,
  what: string,
): Promise<any> {
  return eventually(
    what,
    async () => {
      const t = await request(base, `/api/scaffolder/v2/tasks/${taskId}`, {
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
}

/** Every pull request of the sandbox's fleet repository in the GitHub double. */
export async function fleetPullRequests(githubUrl: string): Promise<any[]> {
  const { owner, name } = SANDBOX_DOUBLES.github.fleetRepo;
  const r = await fetch(
    `${githubUrl}/repos/${owner}/${name}/pulls?state=all&per_page=100`,
    { headers: { authorization: `token ${SANDBOX_DOUBLES.github.token}` } },
  );
  expect(r.ok, `listing the fleet pull requests: HTTP ${r.status}`);
  return (await r.json()) as any[];
}

export const short = (r: Reply) => `HTTP ${r.status} ${r.text.slice(0, 200)}`;

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[
      Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
    ] ?? NaN
  );
};

export const showStatuses = (m: Map<string, number>) =>
  [...m].map(([k, v]) => `${v}x ${k}`).join(', ');

export const cleanups: Array<() => Promise<unknown>> = [];
/** Everything the run started, last first; one that does not stop within 30 s is left behind with a line saying so. */
export async function cleanup() {
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

export async function finish(reason?: string): Promise<never> {
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
export async function bail(): Promise<never> {
  return finish('the checks after this need the step above');
}
