import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonObject } from '@backstage/types';
import type { VaultDouble } from '@haven-plus/haven-doubles';
import { readTree } from '@haven-plus/plugin-scaffolder-backend-module-haven/src/actions/gitops/__testUtils__/gitopsHarness';
import {
  ADD_SECRET_INPUT,
  BACKSTAGE_TOKEN as ACTION_VAULT_TOKEN,
  GITHUB_TOKEN as ACTION_GITHUB_TOKEN,
  PROVISION_INPUT,
  PROVISION_SECRETS,
  ROOT_TOKEN as ACTION_ROOT_TOKEN,
  startActionBench,
  SUPPLIED_VALUE as ACTION_SUPPLIED,
  type ActionRun,
} from './actionHarness';
import {
  appEntity,
  CLUSTER,
  FLEET,
  GITHUB_TOKEN,
  readTemplate,
  serviceValues,
  startEngine,
  VAULT,
  type EngineHarness,
  type TaskRun,
} from './engineHarness';
import { goalFigure, recordFigures } from './figures';

/*
 * Issue 7, leak scan: distinctive secret values (supplied ones, the values
 * Vault holds for generated ones, read back from the double) and the Vault
 * and GitHub tokens, searched for in everything a task leaves that a person
 * or a later step can read: task logs, step outputs, workspace files, the
 * files and texts of the pull requests, the backend's log lines (recorded
 * unredacted) and HTTP responses (task API, dry-run, the telemetry route).
 * Once through the engine, and once at action level, where logs are seen
 * before the scaffolder's redaction.
 */

jest.setTimeout(10 * 60_000);

const figures = recordFigures('leak-scan');
const SECTION = 'Leak scan';

interface Place {
  kind: string;
  where: string;
  text: string;
}

/** Every seed, also base64-encoded, searched for in every place. */
function scan(places: Place[], seeds: string[]) {
  const hits: string[] = [];
  for (const seed of seeds) {
    const needles = [seed, Buffer.from(seed).toString('base64')];
    for (const place of places) {
      if (needles.some(n => place.text.includes(n))) {
        hits.push(`${place.kind} ${place.where}: ${seed.slice(0, 6)}…`);
      }
    }
  }
  return hits;
}

const byKind = (places: Place[]) =>
  Object.entries(
    places.reduce<Record<string, number>>((acc, p) => {
      acc[p.kind] = (acc[p.kind] ?? 0) + 1;
      return acc;
    }, {}),
  )
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/** Every string value Vault holds in the KV mount, in every version. */
function vaultValues(double: VaultDouble, mount: string): string[] {
  return double.state
    .kvKeys(mount)
    .flatMap(key =>
      (double.state.kvKey(mount, key)?.versions ?? []).flatMap(v =>
        Object.values(v.data ?? {}).filter(
          (x): x is string => typeof x === 'string',
        ),
      ),
    );
}

function report(
  level: string,
  places: Place[],
  seeds: string[],
  hits: string[],
  note: string,
) {
  figures.add(
    {
      section: SECTION,
      metric: `${level}: seeded values`,
      value: seeds.length,
      unit: 'values',
      note,
    },
    {
      section: SECTION,
      metric: `${level}: places searched`,
      value: places.length,
      unit: 'places',
      note: byKind(places),
    },
    goalFigure(
      {
        section: SECTION,
        metric: `${level}: hits`,
        value: hits.length,
        unit: 'hits',
        goal: '0',
        note: hits.slice(0, 5).join('; ') || undefined,
      },
      hits.length === 0,
    ),
  );
}

describe('leak scan', () => {
  it('through the scaffolder engine: no secret value or token in anything a task leaves', async () => {
    const APP = 'leak-app';
    const VAULT_APP = 'leak-vault';
    const supplied = [
      'sk-leak-service-5f1c8e2a9b7d',
      'sk-leak-add-secret-0d4b6a3c8e1f',
      'sk-leak-vault-form-7a2e9c4b1d6f',
    ];
    const engine: EngineHarness = await startEngine({
      entities: [appEntity(APP), appEntity(VAULT_APP)],
    });
    const runs: Array<{ label: string; run: TaskRun }> = [];
    const task = async (
      label: string,
      templateRef: string,
      values: JsonObject,
      secrets: Record<string, string> = {},
    ) => {
      const run = await engine.runTask({ templateRef, values, secrets });
      runs.push({ label, run });
      return run;
    };
    try {
      const service = 'template:default/haven-service-probed';
      expect(
        (
          await task('haven-service', service, serviceValues(APP), {
            suppliedValue: supplied[0],
          })
        ).status,
      ).toBe('completed');
      expect(
        (
          await task('haven-service re-run', service, serviceValues(APP), {
            suppliedValue: supplied[0],
          })
        ).status,
      ).toBe('completed');

      // Merge the pull request, as a reviewer would, so add-secret finds the app.
      const pull = engine.github.state
        .pulls(FLEET.owner, FLEET.name)
        .find(p => p.head === `haven/${CLUSTER}/${APP}`)!;
      const merged = await fetch(
        `${engine.urls.github}/repos/${FLEET.owner}/${FLEET.name}/pulls/${pull.number}/merge`,
        {
          method: 'PUT',
          headers: {
            authorization: `token ${GITHUB_TOKEN}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ merge_method: 'squash' }),
        },
      );
      expect(merged.status).toBe(200);

      const addSecret = 'template:default/haven-add-secret-probed';
      const entity = `component:default/${APP}`;
      expect(
        (
          await task(
            'haven-add-secret, pasted value',
            addSecret,
            {
              entity,
              cluster: CLUSTER,
              secretName: 'anthropic-api-key',
              generate: false,
            },
            { value: supplied[1] },
          )
        ).status,
      ).toBe('completed');
      expect(
        (
          await task('haven-add-secret, generated', addSecret, {
            entity,
            cluster: CLUSTER,
            secretName: 'session-key',
            generate: true,
          })
        ).status,
      ).toBe('completed');
      expect(
        (
          await task(
            'haven-vault-provision',
            'template:default/haven-vault-provision-probed',
            {
              component: VAULT_APP,
              namespace: VAULT_APP,
              environment: 'sandbox',
              generated: [
                {
                  name: 'session-key',
                  generate: { kind: 'password', length: 64 },
                },
                { name: 'hex-key', generate: { kind: 'hex', length: 32 } },
              ],
              suppliedName: 'api-key',
            },
            { suppliedValue: supplied[2] },
          )
        ).status,
      ).toBe('completed');
      expect(
        (
          await task(
            'haven-observability-stack',
            'template:default/haven-observability-stack-probed',
            {
              cluster: CLUSTER,
              provider: 'scaleway-nl-ams',
              bucketPrefix: 'haven-sandbox',
              tenancy: 'single',
              grafanaHostname: 'grafana.haven-sandbox.example.nl',
            },
          )
        ).status,
      ).toBe('completed');

      // Failures: their messages are a usual way out for a value.
      engine.vault.faults.inject({
        method: 'POST',
        path: 'kv-apps/data/apps/leak-fail-vault/*',
        status: 403,
      });
      expect(
        (
          await task(
            'haven-service, Vault refuses the secret write',
            service,
            serviceValues('leak-fail-vault'),
            {
              suppliedValue: supplied[0],
            },
          )
        ).status,
      ).toBe('failed');
      engine.vault.faults.clear();
      engine.github.faults.inject({
        method: 'POST',
        path: `/repos/${FLEET.owner}/${FLEET.name}/git/trees`,
        status: 403,
        message: 'API rate limit exceeded',
      });
      expect(
        (
          await task(
            'haven-service, GitHub refuses the tree',
            service,
            serviceValues('leak-fail-github'),
            {
              suppliedValue: supplied[0],
            },
          )
        ).status,
      ).toBe('failed');
      engine.github.faults.clear();

      const places: Place[] = [];
      for (const { label, run } of runs) {
        places.push(
          { kind: 'task log', where: label, text: JSON.stringify(run.events) },
          {
            kind: 'HTTP response',
            where: `GET /v2/tasks (${label})`,
            text: JSON.stringify(run.task),
          },
        );
        const probe = engine.probes.get(run.id);
        if (probe) {
          places.push({
            kind: 'step outputs',
            where: label,
            text: JSON.stringify(probe.outputs),
          });
          for (const [file, text] of Object.entries(probe.workspace)) {
            places.push({
              kind: 'workspace file',
              where: `${label}: ${file}`,
              text,
            });
          }
        }
      }
      const dryRun = await engine.request(
        'POST',
        '/api/scaffolder/v2/dry-run',
        {
          template: readTemplate('haven-service'),
          values: serviceValues('leak-dry-run'),
          secrets: { suppliedValue: supplied[0] },
          directoryContents: [],
        },
      );
      expect(dryRun.status).toBe(200);
      places.push({
        kind: 'HTTP response',
        where: 'POST /v2/dry-run',
        text: dryRun.text,
      });
      for (const f of dryRun.json.directoryContents as Array<{
        path: string;
        base64Content: string;
      }>) {
        places.push({
          kind: 'workspace file',
          where: `dry-run: ${f.path}`,
          text: Buffer.from(f.base64Content, 'base64').toString('utf8'),
        });
      }
      for (const app of [APP, VAULT_APP]) {
        const telemetry = await engine.request(
          'GET',
          `/api/haven/entities/component/default/${app}/telemetry`,
        );
        expect([app, telemetry.status, telemetry.json?.vault?.status]).toEqual([
          app,
          200,
          'ok',
        ]);
        places.push({
          kind: 'HTTP response',
          where: `telemetry of ${app}`,
          text: telemetry.text,
        });
      }
      for (const branch of engine.github.state.branches(
        FLEET.owner,
        FLEET.name,
      )) {
        for (const [file, text] of Object.entries(
          engine.github.state.files(FLEET.owner, FLEET.name, branch),
        )) {
          places.push({ kind: 'PR file', where: `${branch}: ${file}`, text });
        }
      }
      for (const pr of engine.github.state.pulls(FLEET.owner, FLEET.name)) {
        places.push({
          kind: 'PR text',
          where: `#${pr.number}`,
          text: `${pr.title}\n${pr.body}`,
        });
      }
      places.push({
        kind: 'backend log',
        where: `${engine.logs.length} lines`,
        text: engine.logs.join('\n'),
      });

      const generated = vaultValues(engine.vault, VAULT.kvMount).filter(
        v => !supplied.includes(v),
      );
      // webui-secret-key of leak-app and leak-fail-github (Vault refused
      // leak-fail-vault's), session-key of leak-app and leak-vault, hex-key.
      expect(generated.length).toBeGreaterThanOrEqual(5);
      // The places hold what the suites look at: every probe ran, logs are there.
      expect(places.filter(p => p.kind === 'step outputs')).toHaveLength(6);
      expect(engine.logs.length).toBeGreaterThan(50);
      const seeds = [
        ...supplied,
        ...generated,
        VAULT.backstageToken,
        VAULT.rootToken,
        GITHUB_TOKEN,
      ];
      // The scan finds a seed where there is one.
      expect(
        scan([{ kind: 'control', where: 'all', text: seeds.join(' ') }], seeds),
      ).toHaveLength(seeds.length);
      const hits = scan(places, seeds);
      report(
        'engine',
        places,
        seeds,
        hits,
        `${supplied.length} supplied, ${generated.length} generated (read back from the Vault double), the Vault token, the Vault root token, the GitHub token; ${runs.length} tasks (2 failed on purpose) and a dry run`,
      );
      expect(hits).toEqual([]);
    } finally {
      await engine.stop();
    }
  });

  it('at action level, before the scaffolder redacts logs: no secret value or token', async () => {
    const bench = await startActionBench();
    const places: Place[] = [];
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-leak-'));
    const keep = (
      label: string,
      run: ActionRun & { checkpoints?: string[] },
    ) => {
      places.push(
        { kind: 'action log', where: label, text: run.logs.join('\n') },
        {
          kind: 'action output',
          where: label,
          text: JSON.stringify(run.outputs),
        },
        {
          kind: 'error',
          where: label,
          text: run.error ? `${run.error.message}\n${run.error.stack}` : '',
        },
        {
          kind: 'checkpoint',
          where: label,
          text: (run.checkpoints ?? []).join('\n'),
        },
      );
    };
    try {
      keep(
        'provision',
        await bench.provision(PROVISION_INPUT, { workspacePath: ws }),
      );
      keep(
        'provision re-run',
        await bench.provision(PROVISION_INPUT, { workspacePath: ws }),
      );
      bench.vault.double.faults.inject({
        method: 'POST',
        path: 'kv-apps/data/*',
        status: 500,
      });
      bench.vault.double.faults.inject({
        method: 'PUT',
        path: 'sys/policies/acl/*',
        status: 403,
      });
      const failed = await bench.provision(
        { ...PROVISION_INPUT, component: 'other-app' },
        { workspacePath: ws },
      );
      expect(failed.error).toBeDefined();
      keep('provision, Vault failing', failed);
      bench.vault.double.faults.clear();
      keep('add-secret', await bench.addSecret(ADD_SECRET_INPUT, ws));
      bench.github.double.faults.inject({
        method: 'GET',
        status: 401,
        message: 'Bad credentials',
      });
      const refused = await bench.addSecret(ADD_SECRET_INPUT, ws);
      expect(refused.error).toBeDefined();
      keep('add-secret, GitHub refusing', refused);
      bench.github.double.faults.clear();
      for (const [file, text] of Object.entries(readTree(ws))) {
        places.push({ kind: 'workspace file', where: file, text });
      }
      const generated = vaultValues(bench.vault.double, 'kv-apps').filter(
        v => v !== ACTION_SUPPLIED,
      );
      expect(generated.length).toBeGreaterThanOrEqual(1);
      const seeds = [
        PROVISION_SECRETS.openaiApiKey,
        ...generated,
        ACTION_VAULT_TOKEN,
        ACTION_ROOT_TOKEN,
        ACTION_GITHUB_TOKEN,
      ];
      expect(
        scan([{ kind: 'control', where: 'all', text: seeds.join(' ') }], seeds),
      ).toHaveLength(seeds.length);
      const hits = scan(places, seeds);
      report(
        'action level',
        places,
        seeds,
        hits,
        'haven:vault:provision (run, re-run, failing) and haven:gitops:add-secret (run, refused), logs as the action wrote them',
      );
      expect(hits).toEqual([]);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
      await bench.stop();
    }
  });
});
