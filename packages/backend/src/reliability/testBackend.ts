import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { GITHUB_SANDBOX, SANDBOX_DOUBLES } from '@haven-plus/haven-sandbox';

/*
 * What the engine tests (havenService, havenDecommission, havenRotate) and
 * the reliability harness (engineHarness.ts) do alike with a backend from
 * startTestBackend and the sandbox's doubles: its address, calls to its
 * routes, a scaffolder task waited for, the fleet repository read back, and
 * the config blocks that point the haven plugins at the doubles.
 */

/** The address of a backend startTestBackend started: http://localhost:<port>. */
export function backendBaseUrl(server: unknown): string {
  return `http://localhost:${
    ((server as Server).address() as AddressInfo).port
  }`;
}

export interface BackendResponse {
  status: number;
  text: string;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  json: any;
}

/** Calls a route of the backend as a mock user. */
export type BackendRequest = (
  method: string,
  route: string,
  body?: unknown,
  /** The user's entity ref (default: mockCredentials' default user). */
  user?: string,
) => Promise<BackendResponse>;

/** A {@link BackendRequest} for the backend at `baseUrl`. */
export function backendRequest(baseUrl: string): BackendRequest {
  return async (method, route, body, user) => {
    const res = await fetch(`${baseUrl}${route}`, {
      method,
      headers: {
        authorization: mockCredentials.user.header(user),
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  };
}

/** A scaffolder task once it ended. */
export interface TaskEnd {
  id: string;
  status: string;
  /** GET /v2/tasks/:id as it answered at the end. */
  task: JsonObject;
  /** GET /v2/tasks/:id/events. */
  events: any[];
  /** The log messages of the events, joined. */
  log: string;
  /** performance.now() when the end state was seen (before the events were read). */
  endedAt: number;
}

/**
 * Polls GET /api/scaffolder/v2/tasks/:id until the task is completed,
 * failed or cancelled, then reads its events.
 */
export async function awaitTask(
  request: BackendRequest,
  id: string,
  opts: { timeoutMs?: number; pollMs?: number; startedAt?: number } = {},
): Promise<TaskEnd> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const startedAt = opts.startedAt ?? performance.now();
  for (;;) {
    const task = await request('GET', `/api/scaffolder/v2/tasks/${id}`);
    if (['completed', 'failed', 'cancelled'].includes(task.json.status)) {
      const endedAt = performance.now();
      const events = (
        await request('GET', `/api/scaffolder/v2/tasks/${id}/events`)
      ).json as any[];
      const log = events
        .map(e => String((e.body as JsonObject)?.message ?? ''))
        .join('\n');
      return {
        id,
        status: task.json.status,
        task: task.json,
        events,
        log,
        endedAt,
      };
    }
    if (performance.now() - startedAt > timeoutMs) {
      throw new Error(`task ${id} did not finish within ${timeoutMs / 1000} s`);
    }
    await new Promise(r => setTimeout(r, opts.pollMs ?? 100));
  }
}

/** A call to the GitHub double's REST API with the sandbox token. */
export async function githubApi(
  githubUrl: string,
  route: string,
  init: RequestInit = {},
): Promise<any> {
  const res = await fetch(`${githubUrl}${route}`, {
    ...init,
    headers: {
      authorization: `token ${GITHUB_SANDBOX.token}`,
      'content-type': 'application/json',
    },
  });
  if (!res.ok) throw new Error(`GitHub double ${route}: ${res.status}`);
  return res.json();
}

/** Files of a branch of the sandbox fleet repository, read back through the GitHub API. */
export async function fleetBranchFiles(
  githubUrl: string,
  branch: string,
): Promise<Record<string, string>> {
  const { owner, name: repo } = GITHUB_SANDBOX.fleetRepo;
  const github = (route: string) =>
    githubApi(githubUrl, `/repos/${owner}/${repo}${route}`);
  const ref = await github(`/git/ref/heads/${branch}`);
  const commit = await github(`/git/commits/${ref.object.sha}`);
  const tree = await github(`/git/trees/${commit.tree.sha}?recursive=1`);
  const files: Record<string, string> = {};
  for (const entry of tree.tree.filter((e: any) => e.type === 'blob')) {
    const blob = await github(`/git/blobs/${entry.sha}`);
    files[entry.path] = Buffer.from(blob.content, 'base64').toString('utf8');
  }
  return files;
}

/** `integrations.github` entry for github.com served by the GitHub double. */
export function githubIntegration(apiBaseUrl: string): JsonObject {
  return { host: 'github.com', apiBaseUrl, token: GITHUB_SANDBOX.token };
}

/**
 * `haven.vault` for the sandbox's Vault at `address`: Backstage's token and
 * the one environment, sandbox; `extra` adds or overrides keys (policyMode).
 */
export function sandboxVaultConfig(
  address: string,
  extra: JsonObject = {},
): JsonObject {
  const v = SANDBOX_DOUBLES.vault;
  return {
    address,
    auth: { method: 'token', token: v.backstageToken },
    ...extra,
    environments: [
      {
        name: 'sandbox',
        kvMount: v.kvMount,
        kubernetesAuthMount: v.kubernetesAuthMount,
        pathPrefix: v.pathPrefix,
      },
    ],
  };
}

/** `haven.gitops` for the sandbox's fleet repository and its cluster haven-sandbox. */
export const SANDBOX_GITOPS_CONFIG: JsonObject = {
  fleetRepo: {
    url: `https://github.com/${GITHUB_SANDBOX.fleetRepo.owner}/${GITHUB_SANDBOX.fleetRepo.name}`,
  },
  clusters: [
    {
      name: GITHUB_SANDBOX.cluster,
      environment: 'sandbox',
      dependsOn: ['infrastructure'],
      otlpEndpoint: 'http://alloy.observability.svc.cluster.local:4318',
    },
  ],
};
