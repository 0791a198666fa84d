import type { JsonObject } from '@backstage/types';
import type { VaultRecordedRequest } from '@haven-plus/haven-doubles';
import {
  havenConfig,
  runAction as runProvision,
} from '@haven-plus/plugin-scaffolder-backend-module-haven/src/actions/vault/__testUtils__/harness';
import { percentile } from './figureTable';
import {
  BACKSTAGE_TOKEN,
  PROVISION_INPUT,
  PROVISION_SECRETS,
  startVault,
} from './actionHarness';
import { serviceValues, startEngine } from './engineHarness';
import { goalFigure, recordFigures, type Figure } from './figures';

/*
 * `yarn bench`, scaffolder section (scripts/bench/scaffolder.ts runs this
 * file with jest, because the scaffolder engine and the actions' mock
 * contexts need jest's runtime): Vault requests per object and wall time of
 * haven:vault:provision, first run and re-run; the haven-service template end
 * to end through the real engine against the doubles, which add no latency.
 * Figures only: nothing here fails on a missed goal.
 */

jest.setTimeout(10 * 60_000);

const figures = recordFigures('scaffolder-bench');
const REPEATS = Number(process.env.HAVEN_BENCH_REPEATS ?? 5);
const median = (values: number[]) => percentile(values, 50);
const ms = (n: number) => Number(n.toFixed(1));

/** The Vault object a request is about, and whether it reads or writes. */
const OBJECTS: Array<[RegExp, (name: string) => string]> = [
  [/^sys\/mounts$/, () => 'secrets engines (sys/mounts)'],
  [/^sys\/auth$/, () => 'auth methods (sys/auth)'],
  [/^sys\/policies\/acl\/(.+)$/, name => `policy ${name}`],
  [/^auth\/[^/]+\/role\/(.+)$/, name => `role ${name}`],
  [/^[^/]+\/(?:data|metadata)\/(.+)$/, name => `secret ${name}`],
];
function classify(r: VaultRecordedRequest): { object: string; write: boolean } {
  const p = r.path.replace(/^\/v1\//, '');
  const write = !['GET', 'LIST', 'HEAD'].includes(r.method);
  for (const [pattern, name] of OBJECTS) {
    const m = pattern.exec(p);
    if (m) return { object: name(m[1]), write };
  }
  return { object: p, write };
}

function perObject(requests: VaultRecordedRequest[]) {
  const counts = new Map<string, { reads: number; writes: number }>();
  for (const r of requests) {
    const { object, write } = classify(r);
    const c = counts.get(object) ?? { reads: 0, writes: 0 };
    if (write) c.writes += 1;
    else c.reads += 1;
    counts.set(object, c);
  }
  return counts;
}

describe('scaffolder bench', () => {
  it.each([
    ['per-app', true],
    ['templated', false],
  ] as const)(
    'haven:vault:provision (%s policy mode): requests per object and wall time, first run and re-run',
    async (mode, perApp) => {
      const section = `Scaffolder: haven:vault:provision (${mode} policy mode)`;
      const firstTimes: number[] = [];
      const againTimes: number[] = [];
      let firstRequests: VaultRecordedRequest[] = [];
      let againRequests: VaultRecordedRequest[] = [];
      // One warm-up (module loading, first connections), then REPEATS.
      for (let i = 0; i <= REPEATS; i++) {
        const vault = await startVault(perApp);
        const config = havenConfig({
          address: vault.url,
          token: BACKSTAGE_TOKEN,
          perApp,
        });
        const run = async () => {
          const before = vault.double.requests.length;
          const started = performance.now();
          const result = await runProvision(config, PROVISION_INPUT, {
            secrets: PROVISION_SECRETS,
          });
          const wall = performance.now() - started;
          if (result.error) throw result.error;
          return { wall, requests: vault.double.requests.slice(before) };
        };
        const first = await run();
        const again = await run();
        await vault.close();
        if (i === 0) continue;
        firstTimes.push(first.wall);
        againTimes.push(again.wall);
        firstRequests = first.requests;
        againRequests = again.requests;
      }
      const first = perObject(firstRequests);
      const again = perObject(againRequests);
      // The runs did their job: each secret was seeded once.
      for (const name of ['webui-secret-key', 'openai-api-key']) {
        expect(
          first.get(`secret apps/voorbeeld/open-webui/${name}`)?.writes,
        ).toBe(1);
      }
      const rows: Figure[] = [];
      for (const [object, c] of first) {
        const a = again.get(object) ?? { reads: 0, writes: 0 };
        rows.push(
          goalFigure(
            {
              section,
              metric: `${object}: first run`,
              value: `${c.reads} read, ${c.writes} write`,
              unit: '',
              goal: '1 read, <= 1 write',
              note:
                c.reads > 1 && c.writes > 0
                  ? 'the extra read is the read-back after the write (the action checks what Vault holds)'
                  : undefined,
            },
            c.reads === 1 && c.writes <= 1,
          ),
          goalFigure(
            {
              section,
              metric: `${object}: re-run`,
              value: `${a.reads} read, ${a.writes} write`,
              unit: '',
              goal: '0 writes',
            },
            a.writes === 0,
          ),
        );
      }
      rows.push(
        {
          section,
          metric: 'Vault requests, first run / re-run',
          value: `${firstRequests.length} / ${againRequests.length}`,
          unit: 'requests',
        },
        {
          section,
          metric: 'wall time, first run (median)',
          value: ms(median(firstTimes)),
          unit: 'ms',
          note: `${REPEATS} runs against the loopback Vault double, max ${ms(
            Math.max(...firstTimes),
          )} ms`,
        },
        {
          section,
          metric: 'wall time, re-run (median)',
          value: ms(median(againTimes)),
          unit: 'ms',
          note: `${REPEATS} runs, max ${ms(Math.max(...againTimes))} ms`,
        },
      );
      figures.add(...rows);
    },
  );

  it('the haven-service template end to end in the engine', async () => {
    const section = 'Scaffolder: haven-service template end to end';
    const engine = await startEngine();
    try {
      const run = (app: string) =>
        engine.runTask({
          templateRef: 'template:default/haven-service',
          values: serviceValues(app) as JsonObject,
          secrets: { suppliedValue: 'sk-bench-value-1a2b3c' },
        });
      const warm = await run('bench-warm');
      expect(warm.status).toBe('completed');
      const firstTimes: number[] = [];
      const againTimes: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const app = `bench-${i}`;
        const first = await run(app);
        const again = await run(app);
        expect([first.status, again.status]).toEqual([
          'completed',
          'completed',
        ]);
        firstTimes.push(first.wallMs);
        againTimes.push(again.wallMs);
      }
      figures.add(
        {
          section,
          metric: 'task wall time, first run (median)',
          value: ms(median(firstTimes)),
          unit: 'ms',
          note: `${REPEATS} tasks after one warm-up; create request to end state, polled every 20 ms; doubles add no latency; max ${ms(
            Math.max(...firstTimes),
          )} ms`,
        },
        {
          section,
          metric: 'task wall time, re-run (median)',
          value: ms(median(againTimes)),
          unit: 'ms',
          note: `same form again: updates the branch and pull request; max ${ms(
            Math.max(...againTimes),
          )} ms`,
        },
      );
    } finally {
      await engine.stop();
    }
  });
});
