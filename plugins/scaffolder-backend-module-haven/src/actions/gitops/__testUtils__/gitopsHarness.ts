import fs from 'node:fs';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import {
  readHavenGitopsConfig,
  readHavenVaultConfig,
  type HavenGitopsConfig,
  type HavenVaultConfig,
} from '@haven-plus/plugin-haven-node';
import { createGitopsRenderAction } from '../gitopsRender';
import { createGitopsRegisterAction } from '../gitopsRegister';

/** The sandbox's haven config, as app-config.yaml sets it (plus overrides). */
export function gitopsConfigs(
  cluster: JsonObject = {},
  vault: JsonObject = {},
): { gitops: HavenGitopsConfig; vault: HavenVaultConfig } {
  const config = new ConfigReader({
    haven: {
      vault: {
        address: 'http://127.0.0.1:7102',
        auth: { method: 'token', token: 'not-used-here' },
        environments: [
          {
            name: 'sandbox',
            kvMount: 'kv-apps',
            kubernetesAuthMount: 'kubernetes',
            pathPrefix: 'apps',
          },
        ],
        ...vault,
      },
      gitops: {
        fleetRepo: { url: 'https://github.com/haven-fleet/fleet' },
        clusters: [
          {
            name: 'haven-sandbox',
            environment: 'sandbox',
            dependsOn: ['infrastructure'],
            vaultServer: 'https://vault.haven.example.nl',
            otlpEndpoint: 'http://alloy.observability.svc.cluster.local:4318',
            ingress: { className: 'nginx', clusterIssuer: 'letsencrypt' },
            ...cluster,
          },
        ],
      },
    },
  });
  return {
    gitops: readHavenGitopsConfig(config)!,
    vault: readHavenVaultConfig(config)!,
  };
}

/** The Open WebUI form, as the haven-service template passes it on. */
export const OPEN_WEBUI_INPUT = {
  component: 'open-webui-voorbeeld',
  cluster: 'haven-sandbox',
  namespace: 'voorbeeld',
  chart: {
    repositoryUrl: 'https://helm.openwebui.com',
    name: 'open-webui',
    version: '8.x',
  },
  secrets: [
    { name: 'webui-secret-key' },
    { name: 'openai-api-key', key: 'OPENAI_API_KEY' },
  ],
  hostname: 'voorbeeld.chat.haven.example.nl',
};

export interface GitopsRun {
  outputs: Record<string, unknown>;
  logs: string[];
  error?: Error;
}

/** Runs any action once with a mock context, collecting logs and outputs. */
export async function run(
  action: { handler: (ctx: never) => Promise<void> },
  input: JsonObject,
  workspacePath: string,
  dryRun: boolean,
): Promise<GitopsRun> {
  const logger = mockServices.logger.mock();
  const outputs: Record<string, unknown> = {};
  // createMockActionContext keeps only some fields; dry-run and outputs are set here.
  const ctx = {
    ...createMockActionContext({ input, logger, workspacePath }),
    isDryRun: dryRun,
    checkpoint: async <T>({ fn }: { fn: () => Promise<T> | T }) => fn(),
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
  };
  let error: Error | undefined;
  try {
    await action.handler(ctx as never);
  } catch (e) {
    error = e as Error;
  }
  const logs = (['debug', 'info', 'warn', 'error'] as const).flatMap(level =>
    (logger[level] as jest.Mock).mock.calls.map(call => JSON.stringify(call)),
  );
  return { outputs, logs, error };
}

export function runRender(
  configs: ReturnType<typeof gitopsConfigs>,
  input: JsonObject,
  workspacePath: string,
  opts: { dryRun?: boolean } = {},
): Promise<GitopsRun> {
  return run(
    createGitopsRenderAction(configs),
    input,
    workspacePath,
    opts.dryRun ?? false,
  );
}

export function runRegister(
  input: JsonObject,
  workspacePath: string,
  opts: { dryRun?: boolean } = {},
): Promise<GitopsRun> {
  return run(
    createGitopsRegisterAction(),
    input,
    workspacePath,
    opts.dryRun ?? false,
  );
}

/** Every file under a folder, path -> text. */
export function readTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(root)) return out;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(root, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}
