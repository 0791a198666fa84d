import fs from 'node:fs';
import path from 'node:path';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  type LoggerService,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGithubModule from '@backstage/plugin-scaffolder-backend-module-github';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import havenPlugin from '@haven-plus/plugin-haven-backend';
import scaffolderHavenModule from '@haven-plus/plugin-scaffolder-backend-module-haven';
import { readTree } from '@haven-plus/plugin-scaffolder-backend-module-haven/src/actions/gitops/__testUtils__/gitopsHarness';
import {
  type GitHubDouble,
  type VaultDouble,
  OPEN_WEBUI_8,
  OPEN_WEBUI_16,
  startHelmRepositoryDoubleOnLoopback,
} from '@haven-plus/haven-doubles';
import {
  GITHUB_SANDBOX,
  SANDBOX_DOUBLES,
  startGitHubDoubleOnLoopback,
  startSandboxVault,
} from '@haven-plus/haven-sandbox';
import { findRepoRoot } from '@haven-plus/haven-test-utils';
import { parse as parseYaml } from 'yaml';
import {
  awaitTask,
  backendBaseUrl,
  backendRequest,
  githubIntegration,
  SANDBOX_GITOPS_CONFIG,
  sandboxVaultConfig,
  type BackendResponse,
} from './testBackend';

/*
 * The scaffolder engine as havenService.test.ts runs it (the real scaffolder
 * plugin, its GitHub module and the haven module), plus what the reliability
 * suites look at: the Vault and GitHub doubles themselves (request log,
 * faults, state) rather than only their URLs, the haven backend plugin (the
 * entity telemetry route), every backend log line, and a probe action that
 * copies a task's workspace and step outputs at its end.
 */

export const FLEET = GITHUB_SANDBOX.fleetRepo;
export const CLUSTER = GITHUB_SANDBOX.cluster;
export const VAULT = SANDBOX_DOUBLES.vault;
export const GITHUB_TOKEN = GITHUB_SANDBOX.token;
/** The probe step's action: records the workspace and the outputs it is given. */
export const PROBE_ACTION = 'haven-reliability:probe';

export type TemplateName =
  | 'haven-service'
  | 'haven-add-secret'
  | 'haven-rotate-secret'
  | 'haven-decommission'
  | 'haven-observability-stack'
  | 'haven-vault-provision';
export const TEMPLATE_NAMES: TemplateName[] = [
  'haven-service',
  'haven-add-secret',
  'haven-rotate-secret',
  'haven-decommission',
  'haven-observability-stack',
  'haven-vault-provision',
];

/** A template's YAML as the catalog holds it. */
export function readTemplate(name: TemplateName): JsonObject {
  const text = fs.readFileSync(
    path.join(findRepoRoot(), `templates/${name}/template.yaml`),
    'utf8',
  );
  const template = parseYaml(text) as JsonObject;
  return {
    ...template,
    metadata: { ...(template.metadata as JsonObject), namespace: 'default' },
  };
}

/**
 * The template with one more step at its end, the probe, given every step's
 * output; named `<name>-probed`.
 */
export function probedTemplate(name: TemplateName): JsonObject {
  const template = readTemplate(name);
  const spec = template.spec as JsonObject;
  const steps = spec.steps as JsonObject[];
  const outputs = Object.fromEntries(
    steps.map(s => [s.id as string, `\${{ steps['${s.id}'].output }}`]),
  );
  return {
    ...template,
    metadata: {
      ...(template.metadata as JsonObject),
      name: `${name}-probed`,
    },
    spec: {
      ...spec,
      steps: [
        ...steps,
        {
          id: 'reliability-probe',
          name: 'Reliability probe',
          action: PROBE_ACTION,
          input: { outputs },
        },
      ],
    },
  };
}

/**
 * A component as the catalog knows it once its pull request is merged, in
 * namespace `app` unless `namespace` says otherwise; `annotations` adds to
 * the kubernetes-id and Vault ones.
 */
export function appEntity(
  app: string,
  opts: {
    namespace?: string;
    lifecycle?: string;
    annotations?: Record<string, string>;
  } = {},
): JsonObject {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: app,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': app,
        'vault.io/secrets-engine': VAULT.kvMount,
        'vault.io/secrets-path': `${VAULT.pathPrefix}/${
          opts.namespace ?? app
        }/${app}`,
        ...opts.annotations,
      },
    },
    spec: {
      type: 'service',
      lifecycle: opts.lifecycle ?? 'experimental',
      owner: 'group:default/haven-platform',
    },
  };
}

/** The haven-service form for one app, as havenService.test.ts fills it. */
/**
 * The files "Create a Haven+ service" adds to the sandbox's fleet
 * repository for `app` on cluster haven-sandbox, sorted: its app folder and
 * its entry in the cluster's apps list.
 */
export function serviceFleetFiles(app: string): string[] {
  const dir = `apps/haven-sandbox/${app}`;
  return [
    `${dir}/catalog-info.yaml`,
    `${dir}/externalsecret.yaml`,
    `${dir}/helmrelease.yaml`,
    `${dir}/ingress.yaml`,
    `${dir}/kustomization.yaml`,
    `${dir}/namespace.yaml`,
    `${dir}/secretstore.yaml`,
    `${dir}/serviceaccount.yaml`,
    `${dir}/source.yaml`,
    `clusters/haven-sandbox/apps/${app}.yaml`,
    'clusters/haven-sandbox/apps/kustomization.yaml',
  ].sort();
}

export function serviceValues(
  app: string,
  description = `${app} for the reliability run`,
): JsonObject {
  return {
    component: app,
    description,
    owner: 'group:default/haven-platform',
    system: 'system:default/open-webui',
    cluster: CLUSTER,
    namespace: app,
    profile: 'open-webui',
    chartRepositoryUrl: 'https://helm.openwebui.com',
    chartName: 'open-webui',
    chartVersion: '16.x',
    hostname: `${app}.chat.haven.example.nl`,
    servicePort: 80,
    observability: true,
    generated: [
      {
        name: 'webui-secret-key',
        key: 'WEBUI_SECRET_KEY',
        generate: { kind: 'alphanumeric', length: 48 },
      },
    ],
    suppliedName: 'openai-api-key',
    suppliedKey: 'OPENAI_API_KEY',
  };
}

/** A root logger that keeps every line, unredacted, with its metadata. */
class RecordingLogger implements RootLoggerService {
  constructor(
    private readonly lines: string[],
    private readonly fields: JsonObject = {},
  ) {}
  error(message: string, meta?: Error | JsonObject) {
    this.record('error', message, meta);
  }
  warn(message: string, meta?: Error | JsonObject) {
    this.record('warn', message, meta);
  }
  info(message: string, meta?: Error | JsonObject) {
    this.record('info', message, meta);
  }
  debug(message: string, meta?: Error | JsonObject) {
    this.record('debug', message, meta);
  }
  child(meta: JsonObject): LoggerService {
    return new RecordingLogger(this.lines, { ...this.fields, ...meta });
  }
  private record(level: string, message: string, meta?: Error | JsonObject) {
    const extra =
      meta instanceof Error
        ? `${meta.name}: ${meta.message}\n${meta.stack ?? ''}`
        : JSON.stringify(meta ?? {});
    this.lines.push(
      `${level} ${message} ${extra} ${JSON.stringify(this.fields)}`,
    );
  }
}

export interface TaskRun {
  id: string;
  status: string;
  /** GET /v2/tasks/:id as it answered at the end. */
  task: JsonObject;
  /** GET /v2/tasks/:id/events. */
  events: JsonObject[];
  /** The log messages of the events, joined. */
  log: string;
  /** Wall time from the create request to the end state. */
  wallMs: number;
}

export interface ProbeRecord {
  taskId: string;
  /** Workspace path -> text, at the end of the task. */
  workspace: Record<string, string>;
  /** Every step's output, as the template gave them to the probe. */
  outputs: unknown;
}

export interface EngineHarness {
  baseUrl: string;
  vault: VaultDouble;
  github: GitHubDouble;
  urls: { vault: string; github: string };
  /** Every backend log line so far. */
  logs: string[];
  /** What the probe step recorded, by task id. */
  probes: Map<string, ProbeRecord>;
  /** Requests the Vault and GitHub doubles have answered so far. */
  upstreamRequests(): number;
  /** A call to the backend as the mock user. */
  request(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<BackendResponse>;
  runTask(request: {
    templateRef: string;
    values: JsonObject;
    secrets?: Record<string, string>;
  }): Promise<TaskRun>;
  stop(): Promise<void>;
}

/**
 * Starts the Vault and GitHub doubles on loopback (as startSandboxDoubles
 * seeds them) and a backend with the scaffolder, its GitHub module, the haven
 * module, the haven backend plugin and an in-memory catalog holding the four
 * templates, their probed copies and `entities`.
 */
export async function startEngine(
  options: { entities?: JsonObject[] } = {},
): Promise<EngineHarness> {
  const vault = await startSandboxVault(0);
  const github = await startGitHubDoubleOnLoopback(0, {
    token: GITHUB_TOKEN,
    login: GITHUB_SANDBOX.login,
  });
  // The chart repository haven:gitops:render reads for its values check
  // (read-only; not counted in upstreamRequests, which counts writes' hosts).
  const helm = await startHelmRepositoryDoubleOnLoopback(0, [
    OPEN_WEBUI_8,
    OPEN_WEBUI_16,
  ]);

  const logs: string[] = [];
  const probes = new Map<string, ProbeRecord>();
  const probeModule = createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'haven-reliability-probe',
    register({ registerInit }) {
      registerInit({
        deps: { scaffolder: scaffolderActionsExtensionPoint },
        async init({ scaffolder }) {
          scaffolder.addActions(
            createTemplateAction({
              id: PROBE_ACTION,
              description:
                'Reliability runs only: records the workspace and every step output of the task',
              schema: {
                input: {
                  outputs: z =>
                    z
                      .record(z.string(), z.unknown())
                      .optional()
                      .describe('Outputs of the steps before'),
                },
              },
              async handler(ctx) {
                probes.set(ctx.task.id, {
                  taskId: ctx.task.id,
                  workspace: readTree(ctx.workspacePath),
                  outputs: ctx.input.outputs,
                });
              },
            }),
          );
        },
      });
    },
  });

  const templates = TEMPLATE_NAMES.flatMap(name => [
    readTemplate(name),
    probedTemplate(name),
  ]);
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderGithubModule,
      scaffolderHavenModule,
      probeModule,
      havenPlugin,
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => new RecordingLogger(logs),
      }),
      catalogServiceMock.factory({
        entities: [...templates, ...(options.entities ?? [])] as never[],
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          integrations: {
            github: [githubIntegration(github.url)],
          },
          haven: {
            entityPage: { cacheTtlSeconds: 0 },
            charts: {
              mirrors: [
                { url: SANDBOX_DOUBLES.helm.mirrors, readFrom: helm.url },
              ],
            },
            vault: sandboxVaultConfig(vault.url),
            gitops: SANDBOX_GITOPS_CONFIG,
          },
        },
      }),
    ],
  });
  const baseUrl = backendBaseUrl(server);
  const request: EngineHarness['request'] = backendRequest(baseUrl);

  const runTask: EngineHarness['runTask'] = async body => {
    const started = performance.now();
    const created = await request('POST', '/api/scaffolder/v2/tasks', {
      secrets: {},
      ...body,
    });
    if (created.status !== 201) {
      throw new Error(
        `POST /v2/tasks answered ${created.status}: ${created.text.slice(
          0,
          500,
        )}`,
      );
    }
    const { endedAt, ...end } = await awaitTask(request, created.json.id, {
      timeoutMs: 120_000,
      pollMs: 20,
      startedAt: started,
    });
    return { ...end, wallMs: endedAt - started };
  };

  return {
    baseUrl,
    vault: vault.double,
    github: github.double,
    urls: { vault: vault.url, github: github.url },
    logs,
    probes,
    upstreamRequests: () =>
      vault.double.requests.length + github.double.requests.length,
    request,
    runTask,
    stop: async () => {
      await Promise.all([vault.close(), github.close(), helm.close()]);
    },
  };
}
