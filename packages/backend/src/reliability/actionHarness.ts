import { mockServices } from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  fleetRepositorySeed,
  GITHUB_SANDBOX,
  startGitHubDoubleOnLoopback,
  startVaultDoubleOnLoopback,
  type RunningGitHubDouble,
  type RunningVaultDouble,
} from '@haven-plus/haven-sandbox';
import { DEFAULT_DATASOURCE_UIDS } from '@haven-plus/plugin-haven-node/testUtils';
// The action factories are not exported by the module: they are reached at
// their source paths, as the plugins' own __testUtils__ harnesses are.
import { createGitopsAddSecretAction } from '@haven-plus/plugin-scaffolder-backend-module-haven/src/actions/gitops/gitopsAddSecret';
import { createGitopsRegisterAction } from '@haven-plus/plugin-scaffolder-backend-module-haven/src/actions/gitops/gitopsRegister';
import { createGitopsRenderAction } from '@haven-plus/plugin-scaffolder-backend-module-haven/src/actions/gitops/gitopsRender';
import { createObservabilityRenderAction } from '@haven-plus/plugin-scaffolder-backend-module-haven/src/actions/observability/observabilityRender';
import { createVaultProvisionAction } from '@haven-plus/plugin-scaffolder-backend-module-haven/src/actions/vault/vaultProvision';
import {
  gitopsConfigs,
  OPEN_WEBUI_INPUT,
  readTree,
  run,
  runRender,
} from '@haven-plus/plugin-scaffolder-backend-module-haven/src/actions/gitops/__testUtils__/gitopsHarness';
import {
  havenConfig,
  OPEN_WEBUI_PROVISION_INPUT,
  readmeVaultSetup,
  runAction as runVaultAction,
} from '@haven-plus/plugin-scaffolder-backend-module-haven/src/actions/vault/__testUtils__/harness';
import { validate } from 'jsonschema';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * The five haven actions run as the scaffolder engine runs a step: the input
 * is first checked against the action's JSON schema (what
 * NunjucksWorkflowRunner does with jsonschema before it calls the handler),
 * then the handler runs with a mock context (the plugin's own test harnesses,
 * so logs and outputs are collected the same way). Vault and GitHub are the
 * loopback doubles, so every request they get is on record.
 */

export const ACCESSOR = 'auth_kubernetes_5a4d1b2c';
export const BACKSTAGE_TOKEN = 'reliability-backstage-token-3f9c1d7e';
export const ROOT_TOKEN = 'reliability-root-token-8b2e4a6c';
export const GITHUB_TOKEN = 'reliability-github-token-6d1a9f3b';
export const SUPPLIED_VALUE = 'sk-reliability-supplied-4c7e19b2d5a8';

/** The Vault provision input the suites start from (per-app policy mode). */
export const PROVISION_INPUT = OPEN_WEBUI_PROVISION_INPUT;
export const PROVISION_SECRETS = { openaiApiKey: SUPPLIED_VALUE };

export const RENDER_INPUT: JsonObject = {
  ...OPEN_WEBUI_INPUT,
  envValuesPath: 'extraEnvVars',
  refreshInterval: '1h',
  service: { name: 'open-webui-voorbeeld', port: 8080 },
  imageAutomation: {
    image: 'ghcr.io/open-webui/open-webui',
    tag: 'v0.6.5',
    semverRange: '>=0.6.0 <1.0.0',
    valuesPath: 'image',
  },
  targetPath: 'fleet',
};
export const REGISTER_FILE =
  'fleet/clusters/haven-sandbox/apps/kustomization.yaml';
export const REGISTER_INPUT: JsonObject = {
  file: REGISTER_FILE,
  entry: 'open-webui-voorbeeld.yaml',
  key: 'resources',
};
export const ADD_SECRET_INPUT: JsonObject = {
  component: 'open-webui-voorbeeld',
  cluster: 'haven-sandbox',
  namespace: 'voorbeeld',
  secret: { name: 'anthropic-api-key', key: 'ANTHROPIC_API_KEY' },
  envValuesPath: 'extraEnvVars',
  targetPath: 'fleet',
};
export const OBSERVABILITY_INPUT: JsonObject = {
  cluster: 'haven-sandbox',
  namespace: 'observability',
  storage: {
    provider: 'custom',
    endpoint: 's3.nl-ams.scw.cloud',
    region: 'nl-ams',
    bucketPrefix: 'haven-sandbox',
  },
  retention: { logs: '744h', metrics: '2160h', traces: '336h' },
  tenancy: { mode: 'multi', tenant: 'platform' },
  modes: { loki: 'monolithic', tempo: 'monolithic' },
  grafanaHostname: 'grafana.haven-sandbox.example.nl',
  vaultRole: 'haven-observability',
  vaultPath: 'platform/haven-sandbox/observability',
  targetPath: 'fleet',
};

export interface ActionRun {
  outputs: Record<string, unknown>;
  logs: string[];
  error?: Error;
  /** Which check refused the input, if any. */
  rejectedBy?: 'schema' | 'handler';
}

type Action = {
  id: string;
  schema?: { input?: unknown };
  handler: (ctx: never) => Promise<void>;
};

/** The engine's check of a step's input against the action's JSON schema. */
function schemaError(action: Action, input: unknown): InputError | undefined {
  if (!action.schema?.input) return undefined;
  const result = validate(input, action.schema.input as never);
  if (result.valid) return undefined;
  return new InputError(
    `Invalid input passed to action ${action.id}, ${result.errors.join(', ')}`,
  );
}

function outcome(r: {
  outputs: Record<string, unknown>;
  logs: string[];
  error?: Error;
}): ActionRun {
  return {
    ...r,
    rejectedBy: r.error instanceof InputError ? 'handler' : undefined,
  };
}

/** Upstreams and configuration for running the actions. */
export interface ActionBench {
  vault: RunningVaultDouble;
  github: RunningGitHubDouble;
  vaultConfig: ReturnType<typeof havenConfig>;
  /** Requests both doubles have answered so far. */
  upstreamRequests(): number;
  provision(
    input: unknown,
    opts?: { workspacePath?: string; secrets?: Record<string, string> },
  ): Promise<ActionRun>;
  render(input: unknown, workspacePath: string): Promise<ActionRun>;
  register(input: unknown, workspacePath: string): Promise<ActionRun>;
  addSecret(input: unknown, workspacePath: string): Promise<ActionRun>;
  observability(input: unknown, workspacePath: string): Promise<ActionRun>;
  stop(): Promise<void>;
}

/** The fleet repository with open-webui-voorbeeld merged, for add-secret. */
export async function fleetWithApp(): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-fleet-'));
  try {
    const rendered = await runRender(gitopsConfigs(), OPEN_WEBUI_INPUT, dir);
    if (rendered.error) throw rendered.error;
    const seed = fleetRepositorySeed();
    return {
      ...(seed.files as Record<string, string>),
      ...readTree(path.join(dir, 'fleet')),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A Vault double on loopback as README's per-app (or templated) setup leaves it. */
export function startVault(perApp = true): Promise<RunningVaultDouble> {
  return startVaultDoubleOnLoopback(
    0,
    readmeVaultSetup({
      rootToken: ROOT_TOKEN,
      backstageToken: BACKSTAGE_TOKEN,
      accessor: ACCESSOR,
      perApp,
    }),
  );
}

/** Starts the doubles; the GitHub one holds the fleet with open-webui-voorbeeld merged. */
export async function startActionBench(
  opts: { perApp?: boolean } = {},
): Promise<ActionBench> {
  const perApp = opts.perApp ?? true;
  const vault = await startVault(perApp);
  const { owner, name } = GITHUB_SANDBOX.fleetRepo;
  const github = await startGitHubDoubleOnLoopback(0, {
    token: GITHUB_TOKEN,
    repositories: [{ owner, name, files: await fleetWithApp() }],
  });
  const vaultConfig = havenConfig({
    address: vault.url,
    token: BACKSTAGE_TOKEN,
    perApp,
  });
  const reader = UrlReaders.default({
    config: new ConfigReader({
      integrations: {
        github: [
          { host: 'github.com', apiBaseUrl: github.url, token: GITHUB_TOKEN },
        ],
      },
    }),
    logger: mockServices.logger.mock(),
  });
  const configs = gitopsConfigs();
  const actions = {
    render: createGitopsRenderAction(configs),
    register: createGitopsRegisterAction(),
    addSecret: createGitopsAddSecretAction({ ...configs, reader }),
    observability: createObservabilityRenderAction({
      ...configs,
      datasourceUids: DEFAULT_DATASOURCE_UIDS,
    }),
  };
  const provisionSchema = createVaultProvisionAction({ config: vaultConfig });

  const runGitops =
    (action: Action) =>
    async (input: unknown, workspacePath: string): Promise<ActionRun> => {
      const refused = schemaError(action, input);
      if (refused)
        return { outputs: {}, logs: [], error: refused, rejectedBy: 'schema' };
      return outcome(
        await run(action, input as JsonObject, workspacePath, false),
      );
    };

  return {
    vault,
    github,
    vaultConfig,
    upstreamRequests: () =>
      vault.double.requests.length + github.double.requests.length,
    async provision(input, o = {}) {
      const refused = schemaError(provisionSchema, input);
      if (refused)
        return { outputs: {}, logs: [], error: refused, rejectedBy: 'schema' };
      return outcome(
        await runVaultAction(vaultConfig, input as JsonObject, {
          secrets: o.secrets ?? PROVISION_SECRETS,
          workspacePath: o.workspacePath,
        }),
      );
    },
    render: runGitops(actions.render),
    register: runGitops(actions.register),
    addSecret: runGitops(actions.addSecret),
    observability: runGitops(actions.observability),
    stop: async () => {
      await Promise.all([vault.close(), github.close()]);
    },
  };
}
