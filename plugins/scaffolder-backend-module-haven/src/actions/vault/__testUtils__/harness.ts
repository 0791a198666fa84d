import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import {
  readHavenVaultConfig,
  VaultClient,
  type HavenVaultConfig,
} from '@haven-plus/plugin-haven-node';
import {
  backstageVaultPolicy,
  templatedAppsPolicy,
  type VaultDoubleOptions,
} from '@haven-plus/haven-doubles';
import { createVaultProvisionAction } from '../vaultProvision';
import { runAction as runHandler } from '../../__testUtils__/runAction';

/** Backstage's own policy from README.md, for the mounts the tests use. */
export const backstagePolicy = (opts: {
  kvMount: string;
  authMount: string;
  perApp: boolean;
}) =>
  backstageVaultPolicy({
    kvMount: opts.kvMount,
    kubernetesAuthMount: opts.authMount,
    pathPrefix: 'apps',
    perApp: opts.perApp,
  });

/** The shared templated policy from README.md. */
export const templatedPolicy = (kvMount: string, accessor: string) =>
  templatedAppsPolicy({ kvMount, pathPrefix: 'apps', accessor });

/**
 * The Vault double's start state as README.md's "Vault" section leaves a
 * Vault for the action: KV v2 mount `kv-apps`, Kubernetes auth at
 * `kubernetes` (with `accessor`), Backstage's token holding the
 * backstage-provisioner policy (per-app or templated mode) and, unless
 * `withTemplated` is false, the shared templated policy haven-apps. For
 * createVaultDouble (add `baseUrl`) or startVaultDoubleOnLoopback.
 */
export function readmeVaultSetup(opts: {
  rootToken: string;
  backstageToken: string;
  accessor: string;
  perApp: boolean;
  withTemplated?: boolean;
  kvSecrets?: VaultDoubleOptions['kvSecrets'];
}): Omit<VaultDoubleOptions, 'baseUrl'> {
  return {
    rootToken: opts.rootToken,
    kvMounts: ['kv-apps'],
    kubernetesAuthMounts: [{ path: 'kubernetes', accessor: opts.accessor }],
    tokens: [
      { token: opts.backstageToken, policies: ['backstage-provisioner'] },
    ],
    policies: [
      {
        name: 'backstage-provisioner',
        policy: backstagePolicy({
          kvMount: 'kv-apps',
          authMount: 'kubernetes',
          perApp: opts.perApp,
        }),
      },
      ...(opts.withTemplated === false
        ? []
        : [
            {
              name: 'haven-apps',
              policy: templatedPolicy('kv-apps', opts.accessor),
            },
          ]),
    ],
    ...(opts.kvSecrets ? { kvSecrets: opts.kvSecrets } : {}),
  };
}

/**
 * The provision input the tests start from: the Open WebUI app with one
 * generated secret and one taken from the template secret `openaiApiKey`.
 */
export const OPEN_WEBUI_PROVISION_INPUT = {
  component: 'open-webui',
  environment: 'sandbox',
  namespace: 'voorbeeld',
  secrets: [
    {
      name: 'webui-secret-key',
      generate: { kind: 'alphanumeric', length: 48 },
    },
    { name: 'openai-api-key', secretKey: 'openaiApiKey' },
  ],
};

export function havenConfig(opts: {
  address: string;
  token: string;
  perApp: boolean;
  kvMount?: string;
  authMount?: string;
}): HavenVaultConfig {
  return readHavenVaultConfig(
    new ConfigReader({
      haven: {
        vault: {
          address: opts.address,
          auth: { method: 'token', token: opts.token },
          policyMode: opts.perApp ? 'per-app' : 'templated',
          environments: [
            {
              name: 'sandbox',
              kvMount: opts.kvMount ?? 'kv-apps',
              kubernetesAuthMount: opts.authMount ?? 'kubernetes',
              pathPrefix: 'apps',
            },
          ],
        },
      },
    }),
  )!;
}

/** A client that retries quickly and times out after 300 ms, so fault tests stay fast. */
export const fastClient = (config: HavenVaultConfig) =>
  new VaultClient({
    address: config.address,
    auth: config.auth,
    timeoutMs: 300,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, deadlineMs: 5000 },
  });

export interface Run {
  outputs: Record<string, unknown>;
  logs: string[];
  /** Checkpoint results and failures, as the scaffolder would persist them. */
  checkpoints: string[];
  error?: Error;
}

/** Everything a run left behind that a person or a later step could read. */
export function visibleOf(
  run: Omit<Run, 'checkpoints'> & { checkpoints: Array<string | object> },
): string {
  return [
    ...run.logs,
    ...run.checkpoints.map(c =>
      typeof c === 'string' ? c : JSON.stringify(c),
    ),
    JSON.stringify(run.outputs),
    run.error ? `${run.error.message} ${run.error.stack}` : '',
  ].join('\n');
}

/** Runs the action once, collecting every log line and output. */
export async function runAction(
  config: HavenVaultConfig,
  input: JsonObject,
  opts: {
    secrets?: Record<string, string>;
    dryRun?: boolean;
    workspacePath?: string;
  } = {},
): Promise<Run> {
  const action = createVaultProvisionAction({
    config,
    clientFactory: fastClient,
  });
  const run = await runHandler(action, input, opts);
  return {
    outputs: run.outputs,
    logs: run.logs,
    checkpoints: run.checkpoints.map(c => JSON.stringify(c)),
    error: run.error,
  };
}
