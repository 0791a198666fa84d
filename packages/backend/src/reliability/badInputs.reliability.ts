import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import fc from 'fast-check';
import { InputError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import { readTree } from '@haven-plus/plugin-scaffolder-backend-module-haven/src/actions/gitops/__testUtils__/gitopsHarness';
import {
  ADD_SECRET_INPUT,
  OBSERVABILITY_INPUT,
  PROVISION_INPUT,
  REGISTER_FILE,
  REGISTER_INPUT,
  RENDER_INPUT,
  startActionBench,
  type ActionBench,
  type ActionRun,
} from './actionHarness';
import {
  badBooleans,
  badNumbers,
  badValues,
  bucketPrefix,
  chartName,
  chartRepositoryUrl,
  chartVersion,
  dnsLabel,
  dnsSubdomain,
  duration,
  envVar,
  hostname,
  imageName,
  imageTag,
  oneOf,
  region,
  repoPath,
  tenantId,
  valuesPath,
  vaultPath,
  vaultSegment,
  withValue,
  yamlKey,
  type ValueKind,
} from './badValues';
import {
  appEntity,
  readTemplate,
  serviceValues,
  startEngine,
  type EngineHarness,
  type TemplateName,
} from './engineHarness';
import { goalFigure, recordFigures } from './figures';

/*
 * Issue 7, bad inputs: for each haven action and each template form, at
 * least 200 generated malformed inputs, every one refused before any request
 * reaches Vault or GitHub and before any file is written.
 */

jest.setTimeout(15 * 60_000);

const SEED = Number(
  process.env.HAVEN_RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31),
);
const RUNS = 250;
const GOAL_INPUTS = 200;
const figures = recordFigures('bad-inputs');

/** One field of an input and the bad values it gets. */
interface Field {
  path: string[];
  values: fc.Arbitrary<unknown>;
  /** The kind's known-wrong values: every one is tried on every run, not sampled. */
  always: unknown[];
}
const field = (
  dotted: string,
  values: ValueKind | fc.Arbitrary<unknown>,
  options: {
    /** An optional field where '' means "not given" (as a template renders an empty form field). */
    emptyIsAbsent?: boolean;
  } = {},
): Field => {
  const kind = 'isValid' in values ? values : undefined;
  const keep = (v: unknown) => !(options.emptyIsAbsent && v === '');
  const bad = kind ? badValues(kind) : (values as fc.Arbitrary<unknown>);
  return {
    path: dotted.split('.'),
    values: bad.filter(keep),
    always: kind ? kind.wrong.filter(v => !kind.isValid(v) && keep(v)) : [],
  };
};
/** A whole-input mistake: a missing key, a contradiction, a wrong type. */
interface Structural {
  name: string;
  patch: (base: JsonObject) => unknown;
}
interface BadCase {
  /** The field broken, or the structural mistake. */
  field: string;
  what: string;
  input: unknown;
}

function casesFor(
  base: JsonObject,
  fields: Field[],
  structural: Structural[],
): BadCase[] {
  const fieldCases = fields.map(f =>
    f.values.map(value => ({
      field: f.path.join('.'),
      what: `${f.path.join('.')} = ${JSON.stringify(value)?.slice(0, 80)}`,
      input: withValue(base, f.path, value),
    })),
  );
  const structuralCases = structural.map(s =>
    fc.constant({
      field: s.name,
      what: s.name,
      input: s.patch(structuredClone(base)),
    }),
  );
  const sampled = fc.sample(fc.oneof(...fieldCases, ...structuralCases), {
    numRuns: RUNS,
    seed: SEED,
  });
  const always = fields.flatMap(f =>
    f.always.map(value => ({
      field: f.path.join('.'),
      what: `${f.path.join('.')} = ${JSON.stringify(value)} (known wrong)`,
      input: withValue(base, f.path, value),
    })),
  );
  return [...always, ...sampled];
}

const GENERATED_KINDS = ['alphanumeric', 'hex', 'base64url', 'password'];

const ACTIONS: Array<{
  id: string;
  base: JsonObject;
  fields: Field[];
  structural: Structural[];
  run: (bench: ActionBench, input: unknown, ws: string) => Promise<ActionRun>;
  seed?: (ws: string) => void;
}> = [
  {
    id: 'haven:vault:provision',
    base: PROVISION_INPUT as unknown as JsonObject,
    fields: [
      field('component', dnsLabel),
      field('namespace', dnsLabel),
      field('serviceAccount', dnsLabel),
      field('environment', oneOf('environment', ['sandbox'])),
      field('secrets.0.name', vaultSegment),
      field('secrets.1.name', vaultSegment),
      field('secrets.0.generate.kind', oneOf('kind', GENERATED_KINDS)),
      field('secrets.0.generate.length', badNumbers(16, 256)),
    ],
    structural: [
      {
        name: 'a secret both generated and supplied',
        patch: b => withValue(b, ['secrets', '0', 'secretKey'], 'openaiApiKey'),
      },
      {
        name: "a secret taking the user's Backstage token",
        patch: b =>
          withValue(b, ['secrets', '1', 'secretKey'], 'backstageToken'),
      },
      {
        name: 'a secret listed twice',
        patch: b => withValue(b, ['secrets', '1', 'name'], 'webui-secret-key'),
      },
      {
        name: 'a supplied secret the form did not give',
        patch: b => withValue(b, ['secrets', '1', 'secretKey'], 'notGiven'),
      },
      {
        name: 'a secret with neither generate nor secretKey',
        patch: b => withValue(b, ['secrets', '1', 'secretKey'], undefined),
      },
      {
        name: 'secrets not a list',
        patch: b => withValue(b, ['secrets'], 'x'),
      },
      {
        name: 'no component',
        patch: b => withValue(b, ['component'], undefined),
      },
      {
        name: 'component a number',
        patch: b => withValue(b, ['component'], 42),
      },
    ],
    run: (bench, input, ws) => bench.provision(input, { workspacePath: ws }),
  },
  {
    id: 'haven:gitops:render',
    base: RENDER_INPUT,
    fields: [
      field('component', dnsLabel),
      field('namespace', dnsLabel),
      field('serviceAccount', dnsLabel),
      field('cluster', oneOf('cluster', ['haven-sandbox'])),
      field('chart.repositoryUrl', chartRepositoryUrl),
      field('chart.name', chartName),
      field('chart.version', chartVersion),
      field('envValuesPath', valuesPath, { emptyIsAbsent: true }),
      field('secrets.0.name', vaultSegment),
      field('secrets.1.key', envVar, { emptyIsAbsent: true }),
      field('refreshInterval', duration),
      field('hostname', hostname, { emptyIsAbsent: true }),
      field('service.name', dnsLabel),
      field('service.port', badNumbers(1, 65535)),
      field('imageAutomation.image', imageName),
      field('imageAutomation.tag', imageTag),
      field('imageAutomation.semverRange', chartVersion),
      field('imageAutomation.valuesPath', valuesPath),
      field('targetPath', repoPath),
    ],
    structural: [
      {
        name: 'two secrets with one key',
        patch: b => withValue(b, ['secrets', '0', 'key'], 'OPENAI_API_KEY'),
      },
      {
        name: 'a secret listed twice',
        patch: b => withValue(b, ['secrets', '1', 'name'], 'webui-secret-key'),
      },
      { name: 'no chart', patch: b => withValue(b, ['chart'], undefined) },
      {
        name: 'observability a string',
        patch: b => withValue(b, ['observability'], 'yes'),
      },
    ],
    run: (bench, input, ws) => bench.render(input, ws),
  },
  {
    id: 'haven:gitops:register',
    base: REGISTER_INPUT,
    fields: [
      field('file', repoPath),
      field('entry', repoPath),
      field('key', yamlKey),
    ],
    structural: [
      { name: 'no file', patch: b => withValue(b, ['file'], undefined) },
      { name: 'entry a list', patch: b => withValue(b, ['entry'], ['a.yaml']) },
    ],
    run: (bench, input, ws) => bench.register(input, ws),
    seed: ws => {
      const file = path.join(ws, REGISTER_FILE);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(
        file,
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n# the apps\nresources:\n  - other.yaml\n',
      );
    },
  },
  {
    id: 'haven:gitops:add-secret',
    base: ADD_SECRET_INPUT,
    fields: [
      field('component', dnsLabel),
      field('namespace', dnsLabel),
      field('cluster', oneOf('cluster', ['haven-sandbox'])),
      field('secret.name', vaultSegment),
      field('secret.key', envVar, { emptyIsAbsent: true }),
      field('envValuesPath', valuesPath, { emptyIsAbsent: true }),
      field('targetPath', repoPath),
    ],
    structural: [
      { name: 'no secret', patch: b => withValue(b, ['secret'], undefined) },
      { name: 'secret a string', patch: b => withValue(b, ['secret'], 'x') },
    ],
    run: (bench, input, ws) => bench.addSecret(input, ws),
  },
  {
    id: 'haven:observability:render',
    base: OBSERVABILITY_INPUT,
    fields: [
      field('cluster', oneOf('cluster', ['haven-sandbox'])),
      field('namespace', dnsLabel),
      field(
        'storage.provider',
        oneOf('provider', ['scaleway-nl-ams', 'ovh-gra', 'custom']),
      ),
      field('storage.endpoint', hostname),
      field('storage.region', region),
      field('storage.bucketPrefix', bucketPrefix),
      field('storage.forcePathStyle', badBooleans),
      field('retention.logs', duration),
      field('retention.metrics', duration),
      field('retention.traces', duration),
      field('tenancy.mode', oneOf('tenancy', ['single', 'multi', 'per-team'])),
      field('tenancy.tenant', tenantId),
      field('modes.loki', oneOf('mode', ['monolithic', 'distributed'])),
      field('modes.tempo', oneOf('mode', ['monolithic', 'distributed'])),
      field('grafanaHostname', hostname, { emptyIsAbsent: true }),
      field('vaultRole', dnsSubdomain),
      field('vaultPath', vaultPath),
      field('targetPath', repoPath),
    ],
    structural: [
      { name: 'no storage', patch: b => withValue(b, ['storage'], undefined) },
      {
        name: 'multi-tenant without a tenant',
        patch: b => withValue(b, ['tenancy', 'tenant'], undefined),
      },
      {
        name: 'custom storage without an endpoint',
        patch: b => withValue(b, ['storage', 'endpoint'], undefined),
      },
    ],
    run: (bench, input, ws) => bench.observability(input, ws),
  },
];

/** Bad form values per template; each property with the kind its action checks. */
const FORMS: Array<{
  template: TemplateName;
  base: JsonObject;
  fields: Field[];
  required: string[];
  secrets?: Record<string, string>;
  /** Form properties neither the form nor an action checks (free text). */
  unchecked: string[];
}> = [
  {
    template: 'haven-service',
    base: serviceValues('form-app'),
    secrets: { suppliedValue: 'sk-form-value' },
    fields: [
      field('component', dnsLabel),
      field('namespace', dnsLabel),
      field('cluster', oneOf('cluster', ['haven-sandbox'])),
      field('chartRepositoryUrl', chartRepositoryUrl),
      field('chartName', chartName),
      field('chartVersion', chartVersion),
      field('envValuesPath', valuesPath, { emptyIsAbsent: true }),
      field('hostname', hostname),
      field('servicePort', badNumbers(1, 65535)),
      field('generated.0.name', vaultSegment),
      field('generated.0.key', envVar),
      field('generated.0.generate.kind', oneOf('kind', GENERATED_KINDS)),
      field('generated.0.generate.length', badNumbers(16, 256)),
      field('suppliedName', vaultSegment),
      field('suppliedKey', envVar),
      field(
        'description',
        fc.integer({ min: 201, max: 2000 }).map(n => 'd'.repeat(n)),
      ),
      field('observability', badBooleans),
    ],
    required: [
      'component',
      'owner',
      'system',
      'description',
      'cluster',
      'chartRepositoryUrl',
      'chartName',
      'chartVersion',
    ],
    unchecked: ['owner', 'system'],
  },
  {
    template: 'haven-vault-provision',
    base: {
      component: 'form-app',
      namespace: 'form-app',
      serviceAccount: 'form-app',
      environment: 'sandbox',
      generated: [
        { name: 'session-key', generate: { kind: 'alphanumeric', length: 48 } },
      ],
      suppliedName: 'api-key',
    },
    secrets: { suppliedValue: 'sk-form-value' },
    fields: [
      field('component', dnsLabel),
      field('namespace', dnsLabel),
      field('serviceAccount', dnsLabel),
      field('environment', oneOf('environment', ['sandbox'])),
      field('generated.0.name', vaultSegment),
      field('generated.0.generate.kind', oneOf('kind', GENERATED_KINDS)),
      field('generated.0.generate.length', badNumbers(16, 256)),
      field('suppliedName', vaultSegment),
    ],
    required: ['component', 'namespace', 'environment'],
    unchecked: [],
  },
  {
    template: 'haven-add-secret',
    base: {
      entity: 'component:default/form-app',
      cluster: 'haven-sandbox',
      secretName: 'anthropic-api-key',
      secretKey: 'ANTHROPIC_API_KEY',
      generate: true,
    },
    fields: [
      field('cluster', oneOf('cluster', ['haven-sandbox'])),
      field('secretName', vaultSegment),
      field('secretKey', envVar),
      field('generate', badBooleans),
    ],
    required: ['entity', 'cluster', 'secretName'],
    unchecked: ['entity (an EntityPicker; catalog:fetch looks it up)'],
  },
  {
    template: 'haven-observability-stack',
    base: {
      cluster: 'haven-sandbox',
      provider: 'custom',
      endpoint: 's3.nl-ams.scw.cloud',
      region: 'nl-ams',
      bucketPrefix: 'haven-sandbox',
      logsRetention: '744h',
      metricsRetention: '2160h',
      tracesRetention: '336h',
      tenancy: 'multi',
      tenant: 'platform',
      lokiMode: 'monolithic',
      tempoMode: 'monolithic',
      grafanaHostname: 'grafana.haven-sandbox.example.nl',
    },
    fields: [
      field('cluster', oneOf('cluster', ['haven-sandbox'])),
      field(
        'provider',
        oneOf('provider', ['scaleway-nl-ams', 'ovh-gra', 'custom']),
      ),
      field('endpoint', hostname),
      field('region', region),
      field('bucketPrefix', bucketPrefix),
      field('logsRetention', duration),
      field('metricsRetention', duration),
      field('tracesRetention', duration),
      field('tenancy', oneOf('tenancy', ['single', 'multi', 'per-team'])),
      field('tenant', tenantId),
      field('lokiMode', oneOf('mode', ['monolithic', 'distributed'])),
      field('tempoMode', oneOf('mode', ['monolithic', 'distributed'])),
      field('grafanaHostname', hostname),
    ],
    required: ['cluster', 'provider', 'bucketPrefix'],
    unchecked: [],
  },
];

/** The first failures, with the seed that reproduces them (HAVEN_RELIABILITY_SEED). */
const show = (failures: string[]) =>
  failures.length === 0
    ? ''
    : `seed ${SEED}:\n${failures.slice(0, 8).join('\n')}${
        failures.length > 8 ? `\n… and ${failures.length - 8} more` : ''
      }`;

describe('bad inputs to the haven actions', () => {
  let bench: ActionBench;
  beforeAll(async () => {
    bench = await startActionBench();
  });
  afterAll(async () => {
    await bench?.stop();
  });

  it.each(ACTIONS.map(a => [a.id, a] as const))(
    '%s refuses every generated bad input before any request or file',
    async (id, action) => {
      const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-bad-input-'));
      const reset = () => {
        fs.rmSync(ws, { recursive: true, force: true });
        fs.mkdirSync(ws, { recursive: true });
        action.seed?.(ws);
      };
      reset();
      const clean = readTree(ws);
      const cases = casesFor(action.base, action.fields, action.structural);
      let rejected = 0;
      let bySchema = 0;
      let requests = 0;
      let writes = 0;
      const failures: string[] = [];
      for (const c of cases) {
        const before = bench.upstreamRequests();
        const result = await action.run(bench, c.input, ws);
        const sent = bench.upstreamRequests() - before;
        const wrote = JSON.stringify(readTree(ws)) !== JSON.stringify(clean);
        requests += sent;
        if (wrote) {
          writes += 1;
          reset();
        }
        const refused = result.error instanceof InputError;
        if (refused && sent === 0 && !wrote) {
          rejected += 1;
          if (result.rejectedBy === 'schema') bySchema += 1;
        } else {
          failures.push(
            `${c.what}: ${
              result.error
                ? `${result.error.name}: ${result.error.message.slice(0, 120)}`
                : 'accepted'
            }; ${sent} request(s)${wrote ? ', wrote files' : ''}`,
          );
        }
      }
      fs.rmSync(ws, { recursive: true, force: true });

      const percent = (100 * rejected) / cases.length;
      figures.add(
        goalFigure(
          {
            section: 'Bad inputs: actions',
            metric: `${id}: generated inputs`,
            value: cases.length,
            unit: 'inputs',
            goal: `>= ${GOAL_INPUTS}`,
            note: `fast-check seed ${SEED}`,
          },
          cases.length >= GOAL_INPUTS,
        ),
        goalFigure(
          {
            section: 'Bad inputs: actions',
            metric: `${id}: refused with InputError`,
            value: Number(percent.toFixed(1)),
            unit: '%',
            goal: '100 %',
            note: `${bySchema} by the action's JSON schema (the engine's check), ${
              rejected - bySchema
            } by the handler`,
          },
          rejected === cases.length,
        ),
        goalFigure(
          {
            section: 'Bad inputs: actions',
            metric: `${id}: upstream requests, workspace writes`,
            value: `${requests}, ${writes}`,
            unit: '',
            goal: '0, 0',
          },
          requests === 0 && writes === 0,
        ),
      );
      expect(cases.length).toBeGreaterThanOrEqual(GOAL_INPUTS);
      expect(show(failures)).toBe('');
    },
  );
});

describe('bad values in the template forms', () => {
  let engine: EngineHarness;
  const ajv = new Ajv({ strict: false, allErrors: true });
  beforeAll(async () => {
    engine = await startEngine({ entities: [appEntity('form-app')] });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it.each(FORMS.map(f => [f.template, f] as const))(
    '%s: the form or, past it, the first action refuses every bad value before any request',
    async (name, form) => {
      const steps = [
        (readTemplate(name).spec as JsonObject).parameters,
      ].flat() as JsonObject[];
      const validators = steps.map(s => ajv.compile(s));
      const omissions: Field[] = form.required.map(r => ({
        path: [r],
        values: fc.constant(undefined),
        always: [undefined],
      }));
      const cases = casesFor(form.base, [...form.fields, ...omissions], []);
      // The valid form goes through, so the checks below can fail.
      expect(validators.every(v => v(form.base))).toBe(true);

      let byBrowser = 0;
      let byApi = 0;
      let byAction = 0;
      let disagree = 0;
      let requests = 0;
      /** Fields whose bad values the form lets through to the actions. */
      const pastForm = new Map<string, number>();
      const failures: string[] = [];
      for (const c of cases) {
        const browserRefuses = validators.some(v => !v(c.input));
        if (browserRefuses) byBrowser += 1;
        const before = engine.upstreamRequests();
        const created = await engine.request(
          'POST',
          '/api/scaffolder/v2/tasks',
          {
            templateRef: `template:default/${name}`,
            values: c.input,
            secrets: form.secrets ?? {},
          },
        );
        let refused = created.status === 400;
        if (refused) byApi += 1;
        if (refused !== browserRefuses) disagree += 1;
        let status = `API ${created.status}`;
        if (created.status === 201) {
          const id = created.json.id as string;
          for (;;) {
            const task = await engine.request(
              'GET',
              `/api/scaffolder/v2/tasks/${id}`,
            );
            if (
              ['completed', 'failed', 'cancelled'].includes(task.json.status)
            ) {
              status = `task ${task.json.status}`;
              refused = task.json.status === 'failed';
              break;
            }
            await new Promise(r => setTimeout(r, 10));
          }
          if (refused) byAction += 1;
          pastForm.set(c.field, (pastForm.get(c.field) ?? 0) + 1);
        }
        const sent = engine.upstreamRequests() - before;
        requests += sent;
        if (!refused || sent > 0) {
          failures.push(`${c.what}: ${status}, ${sent} upstream request(s)`);
        }
      }
      const rejected = cases.length - failures.length;
      const section = 'Bad inputs: template forms';
      figures.add(
        goalFigure(
          {
            section,
            metric: `${name}: generated form values`,
            value: cases.length,
            unit: 'inputs',
            goal: `>= ${GOAL_INPUTS}`,
            note: `fast-check seed ${SEED}`,
          },
          cases.length >= GOAL_INPUTS,
        ),
        goalFigure(
          {
            section,
            metric: `${name}: refused before any upstream request`,
            value: Number(((100 * rejected) / cases.length).toFixed(1)),
            unit: '%',
            goal: '100 %',
            note: `form in the browser (ajv) ${byBrowser}, scaffolder API (400) ${byApi}, first action after the form ${byAction} (${
              [...pastForm].map(([f, n]) => `${f} ${n}`).join(', ') || 'none'
            }); browser and API disagree on ${disagree}${
              form.unchecked.length
                ? `; free text, checked by no one: ${form.unchecked.join(', ')}`
                : ''
            }`,
          },
          rejected === cases.length,
        ),
        goalFigure(
          {
            section,
            metric: `${name}: upstream requests`,
            value: requests,
            unit: 'requests',
            goal: '0',
          },
          requests === 0,
        ),
      );
      expect(cases.length).toBeGreaterThanOrEqual(GOAL_INPUTS);
      expect(show(failures)).toBe('');
    },
  );
});
