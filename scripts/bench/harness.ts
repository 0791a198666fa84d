/*
 * The system under measurement for `yarn bench` and `yarn test:reliability`:
 *
 * - the loopback doubles of Vault, Loki, Tempo and the Kubernetes API
 *   (packages/haven-doubles), on a worker thread of this process
 *   (doublesThread.ts), so their CPU is not counted as the backend's;
 * - a Backstage backend (startTestBackend) on this thread, with the haven
 *   backend plugin, the Kubernetes backend pointed at the Kubernetes double
 *   as app-config.yaml points it at the sandbox's, an in-memory catalog of
 *   components annotated like open-webui-voorbeeld, and the memory cache.
 *
 * startTestBackend needs no jest globals: it registers its afterAll hook only
 * when one exists, and the service factories used here build no jest mocks.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import {
  parseEntityRef,
  stringifyEntityRef,
  type CompoundEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import havenPlugin from '@haven-plus/plugin-haven-backend';
import { SANDBOX_DOUBLES, SANDBOX_TELEMETRY } from '@haven-plus/haven-sandbox';
import {
  BENCH_SECRET_NAMES,
  type DoublesReply,
  type DoublesRequest,
  type DoublesThreadData,
  type PlainFault,
  type RecordedUpstreamRequest,
  type Upstream,
  type UpstreamCounts,
} from './doublesProtocol';

export type {
  PlainFault,
  RecordedUpstreamRequest,
  Upstream,
  UpstreamCounts,
} from './doublesProtocol';

/** The upstreams of the entity summary. */
export const TELEMETRY_UPSTREAMS = ['vault', 'loki', 'tempo'] as const;
export type TelemetryUpstream = (typeof TELEMETRY_UPSTREAMS)[number];

export interface BenchHarnessOptions {
  /** Catalog components annotated like open-webui-voorbeeld (default 100). */
  entities?: number;
  /**
   * More components annotated the same but without
   * haven.plus/vault-secret-names, as an entity created before the Create
   * template wrote it (default 0).
   */
  undeclaredEntities?: number;
  /** Latency injected on every Vault, Loki and Tempo request (default 20). */
  latencyMs?: number;
  /** haven.entityPage.cacheTtlSeconds (default 30, as app-config.yaml). */
  cacheTtlSeconds?: number;
  /** Backend log level (default: HAVEN_BENCH_LOG, else 'none'). */
  logLevel?: 'none' | 'error' | 'warn' | 'info' | 'debug';
}

/** The doubles, seen from this thread. */
export interface BenchDoubles {
  urls: Record<Upstream, string>;
  /** Requests each double has received so far. */
  counts(): Promise<UpstreamCounts>;
  /** What a double recorded, from the `from`-th request on. */
  requests(
    upstream: Upstream,
    from?: number,
  ): Promise<RecordedUpstreamRequest[]>;
  /** Adds a fault to the Vault, Loki or Tempo double; returns its remover. */
  inject(upstream: Upstream, fault: PlainFault): Promise<() => Promise<void>>;
}

export interface BenchHarness {
  /** http://localhost:<port> of the backend. */
  baseUrl: string;
  /** Names of the catalog's bench components (kind component, namespace default). */
  entityNames: string[];
  /** Names of the bench components without haven.plus/vault-secret-names. */
  undeclaredNames: string[];
  /** The component whose Flux and ESO objects the Kubernetes double holds. */
  deliveryEntity: Entity;
  latencyMs: number;
  cacheTtlSeconds: number;
  doubles: BenchDoubles;
  /** Headers of a signed-in user (the mock user token startTestBackend accepts). */
  userHeaders: Record<string, string>;
  /** Path of the entity summary of one bench component. */
  summaryPath(name: string, window?: string): string;
  stop(): Promise<void>;
}

const KV_MOUNT = SANDBOX_DOUBLES.vault.kvMount;
const PATH_PREFIX = SANDBOX_DOUBLES.vault.pathPrefix;
const K8S = SANDBOX_DOUBLES.kubernetes;

/** The four kinds app-config.yaml lists under kubernetes.customResources. */
export const CONFIG_CUSTOM_RESOURCES = [
  { group: 'external-secrets.io', apiVersion: 'v1', plural: 'externalsecrets' },
  { group: 'external-secrets.io', apiVersion: 'v1', plural: 'secretstores' },
  { group: 'helm.toolkit.fluxcd.io', apiVersion: 'v2', plural: 'helmreleases' },
  {
    group: 'kustomize.toolkit.fluxcd.io',
    apiVersion: 'v1',
    plural: 'kustomizations',
  },
];

/**
 * A component annotated as examples/entities.yaml annotates
 * open-webui-voorbeeld: its own Kubernetes id, namespace, Vault path and
 * secret names, and the sandbox's telemetry identity (service name,
 * namespace, tenant), so every view reads the six hours of logs and the hour
 * of traces the Loki and Tempo doubles hold instead of an empty answer.
 * `declared: false` leaves out haven.plus/vault-secret-names.
 */
export function benchEntity(
  name: string,
  options: { declared?: boolean } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': name,
        'vault.io/secrets-engine': KV_MOUNT,
        'vault.io/secrets-path': `${PATH_PREFIX}/${name}/${name}`,
        ...(options.declared === false
          ? {}
          : { 'haven.plus/vault-secret-names': BENCH_SECRET_NAMES.join(',') }),
        'grafana/dashboard-selector': `tags @> '${name}'`,
        'grafana/alert-label-selector': `service_name=${name}`,
        'haven.plus/otel-service-name': SANDBOX_TELEMETRY.serviceName,
        'haven.plus/otel-service-namespace': SANDBOX_TELEMETRY.serviceNamespace,
        'haven.plus/telemetry-tenant': SANDBOX_TELEMETRY.tenant,
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/haven-platform',
      system: 'open-webui',
    },
  };
}

/**
 * catalogServiceMock's in-memory catalog, with a lookup by ref that does not
 * rebuild a map of every entity on each call (InMemoryCatalogClient does),
 * so the bench's entity count does not show up as backend latency.
 */
class IndexedCatalog extends InMemoryCatalogClient {
  readonly #byRef: Map<string, Entity>;

  constructor(entities: Entity[]) {
    super({ entities });
    this.#byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  }

  async getEntityByRef(
    ref: string | CompoundEntityRef,
  ): Promise<Entity | undefined> {
    return this.#byRef.get(stringifyEntityRef(parseEntityRef(ref)));
  }
}

/** Starts the doubles' worker thread and waits for their URLs. */
async function startDoubles(data: DoublesThreadData): Promise<{
  doubles: BenchDoubles;
  stop(): Promise<void>;
}> {
  const worker = new Worker(path.join(__dirname, 'doublesThread.ts'), {
    workerData: data,
  });
  const pending = new Map<
    number,
    { resolve(value: unknown): void; reject(error: Error): void }
  >();
  let nextId = 1;
  worker.on('message', (reply: DoublesReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.error) waiting?.reject(new Error(reply.error));
    else waiting?.resolve(reply.result);
  });
  const failAll = (error: Error) => {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', code =>
    failAll(new Error(`the doubles' thread ended (exit code ${code})`)),
  );
  const urls = await new Promise<Record<Upstream, string>>((resolve, reject) =>
    pending.set(0, {
      resolve: value => resolve(value as Record<Upstream, string>),
      reject,
    }),
  );
  const ask = <T>(request: DoublesRequest) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: value => resolve(value as T), reject });
      worker.postMessage({ ...request, id });
    });

  return {
    doubles: {
      urls,
      counts: () => ask<UpstreamCounts>({ type: 'counts' }),
      requests: (upstream, from = 0) =>
        ask<RecordedUpstreamRequest[]>({ type: 'requests', upstream, from }),
      inject: async (upstream, fault) => {
        const id = await ask<number>({ type: 'inject', upstream, fault });
        return () => ask<void>({ type: 'remove', id });
      },
    },
    stop: async () => {
      await ask<void>({ type: 'stop' });
      await worker.terminate();
    },
  };
}

/** Starts the doubles and the backend; `stop()` ends both. */
export async function startBenchHarness(
  options: BenchHarnessOptions = {},
): Promise<BenchHarness> {
  const latencyMs = options.latencyMs ?? 20;
  const cacheTtlSeconds = options.cacheTtlSeconds ?? 30;
  const logLevel =
    options.logLevel ??
    (process.env.HAVEN_BENCH_LOG as BenchHarnessOptions['logLevel']) ??
    'none';
  const entityNames = Array.from(
    { length: options.entities ?? 100 },
    (_, i) => `bench-app-${String(i).padStart(4, '0')}`,
  );
  const undeclaredNames = Array.from(
    { length: options.undeclaredEntities ?? 0 },
    (_, i) => `bench-undeclared-${String(i).padStart(4, '0')}`,
  );
  const entities = [
    ...entityNames.map(name => benchEntity(name)),
    ...undeclaredNames.map(name => benchEntity(name, { declared: false })),
  ];

  const { doubles, stop: stopDoubles } = await startDoubles({
    kvMount: KV_MOUNT,
    pathPrefix: PATH_PREFIX,
    entityNames: [...entityNames, ...undeclaredNames],
    deliveryEntity: entityNames[0],
  });
  if (latencyMs > 0) {
    for (const upstream of TELEMETRY_UPSTREAMS) {
      await doubles.inject(upstream, { latencyMs });
    }
  }

  const v = SANDBOX_DOUBLES.vault;
  const config = {
    backend: { cache: { store: 'memory' } },
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: K8S.clusterName,
              url: doubles.urls.kubernetes,
              authProvider: 'serviceAccount',
              serviceAccountToken: K8S.token,
              skipMetricsLookup: true,
            },
          ],
        },
      ],
      customResources: CONFIG_CUSTOM_RESOURCES,
    },
    haven: {
      vault: {
        address: doubles.urls.vault,
        auth: { method: 'token', token: v.backstageToken },
        policyMode: 'templated',
        templatedPolicy: 'haven-apps',
        environments: [
          {
            name: 'sandbox',
            kvMount: KV_MOUNT,
            kubernetesAuthMount: v.kubernetesAuthMount,
            pathPrefix: PATH_PREFIX,
          },
        ],
      },
      loki: { url: doubles.urls.loki, tenant: SANDBOX_TELEMETRY.tenant },
      tempo: { url: doubles.urls.tempo, tenant: SANDBOX_TELEMETRY.tenant },
      entityPage: { cacheTtlSeconds, timeoutMs: 3000 },
    },
  };

  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  try {
    backend = await startTestBackend({
      features: [
        havenPlugin,
        kubernetesPlugin,
        mockServices.rootConfig.factory({ data: config }),
        mockServices.rootLogger.factory({ level: logLevel }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => new IndexedCatalog(entities),
        }),
      ],
    });
  } catch (error) {
    await stopDoubles();
    throw error;
  }
  const { port } = backend.server.address() as AddressInfo;

  return {
    baseUrl: `http://localhost:${port}`,
    entityNames,
    undeclaredNames,
    deliveryEntity: entities[0],
    latencyMs,
    cacheTtlSeconds,
    doubles,
    userHeaders: { authorization: mockCredentials.user.header() },
    summaryPath: (name, window = '1h') =>
      `/api/haven/entities/component/default/${encodeURIComponent(
        name,
      )}/telemetry?window=${window}`,
    stop: async () => {
      await backend.stop();
      await stopDoubles();
    },
  };
}

/** Requests received between two counts. */
export function countsSince(
  before: UpstreamCounts,
  after: UpstreamCounts,
): UpstreamCounts {
  return {
    vault: after.vault - before.vault,
    loki: after.loki - before.loki,
    tempo: after.tempo - before.tempo,
    kubernetes: after.kubernetes - before.kubernetes,
  };
}
