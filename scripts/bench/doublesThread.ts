/*
 * The loopback doubles of the bench, on a worker thread of their own
 * (harness.ts starts it): Vault, Loki, Tempo and the Kubernetes API. Their
 * CPU (msw matching, LogQL and TraceQL over the seeded telemetry, Vault
 * policy checks) would otherwise share the backend's event loop and be
 * counted as the backend's latency. The main thread asks for request counts
 * and injects faults with messages (see DoublesRequest).
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  backstageVaultPolicy,
  createKubernetesDouble,
  serveOnLoopback,
  type KubernetesDouble,
  type KubernetesObject,
} from '@haven-plus/haven-doubles';
import {
  SANDBOX_DOUBLES,
  startLokiDoubleOnLoopback,
  startTempoDoubleOnLoopback,
  startVaultDoubleOnLoopback,
} from '@haven-plus/haven-sandbox';
import type {
  DoublesReply,
  DoublesRequest,
  DoublesThreadData,
  PlainFault,
  RecordedUpstreamRequest,
  Upstream,
} from './doublesProtocol';
import { BENCH_SECRET_NAMES } from './doublesProtocol';

const K8S = SANDBOX_DOUBLES.kubernetes;
const V = SANDBOX_DOUBLES.vault;

/** The Flux and ESO objects of one app, labelled for the Kubernetes backend. */
function deliveryObjects(name: string): KubernetesObject[] {
  const metadata = {
    name,
    namespace: name,
    labels: { 'backstage.io/kubernetes-id': name },
  };
  const status = {
    conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded' }],
  };
  return [
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata,
      spec: { path: `./apps/haven-sandbox/${name}`, prune: true },
      status,
    },
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata,
      spec: { chart: { spec: { chart: 'open-webui', version: '8.x' } } },
      status,
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata,
      spec: { provider: { vault: { server: 'https://vault.example.nl' } } },
      status,
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata,
      spec: { secretStoreRef: { name, kind: 'SecretStore' } },
      status,
    },
  ];
}

async function start(data: DoublesThreadData) {
  const { kvMount, pathPrefix, entityNames, deliveryEntity } = data;
  const vault = await startVaultDoubleOnLoopback(0, {
    rootToken: V.rootToken,
    kvMounts: [kvMount],
    kubernetesAuthMounts: [
      { path: V.kubernetesAuthMount, accessor: V.kubernetesAuthAccessor },
    ],
    policies: [
      {
        name: 'haven-backstage',
        policy: backstageVaultPolicy({
          kvMount,
          kubernetesAuthMount: V.kubernetesAuthMount,
          pathPrefix,
          perApp: false,
        }),
      },
    ],
    tokens: [{ token: V.backstageToken, policies: ['haven-backstage'] }],
    kvSecrets: entityNames.flatMap(name =>
      BENCH_SECRET_NAMES.map(key => ({
        mount: kvMount,
        path: `${pathPrefix}/${name}/${name}/${key}`,
        data: { value: `bench-filler-${key}` },
      })),
    ),
  });
  // The sandbox's six hours of logs and hour of traces, no tenant down.
  const loki = await startLokiDoubleOnLoopback(0, { downTenants: [] });
  const tempo = await startTempoDoubleOnLoopback(0, { downTenants: [] });
  let kubernetesDouble: KubernetesDouble | undefined;
  const kubernetes = await serveOnLoopback(
    origin => {
      kubernetesDouble = createKubernetesDouble({
        baseUrl: origin,
        token: K8S.token,
        objects: deliveryEntity ? deliveryObjects(deliveryEntity) : [],
      });
      return kubernetesDouble.handlers;
    },
    { port: 0, name: 'Kubernetes API' },
  );
  const k8s = kubernetesDouble as KubernetesDouble;

  const logs: Record<Upstream, () => RecordedUpstreamRequest[]> = {
    vault: () => vault.double.requests,
    loki: () => loki.double.requests,
    tempo: () => tempo.double.requests,
    kubernetes: () => k8s.requests,
  };
  const removers = new Map<number, () => void>();
  let nextFault = 1;
  const inject = (upstream: Upstream, fault: PlainFault) => {
    switch (upstream) {
      case 'vault':
        return vault.double.faults.inject(fault);
      case 'loki':
        return loki.double.faults.inject(fault);
      case 'tempo':
        return tempo.double.faults.inject(fault);
      default:
        throw new Error(`The ${upstream} double takes no faults`);
    }
  };

  return {
    urls: {
      vault: vault.url,
      loki: loki.url,
      tempo: tempo.url,
      kubernetes: kubernetes.url,
    },
    handle(request: DoublesRequest): DoublesReply['result'] {
      switch (request.type) {
        case 'counts':
          return {
            vault: logs.vault().length,
            loki: logs.loki().length,
            tempo: logs.tempo().length,
            kubernetes: logs.kubernetes().length,
          };
        case 'requests':
          return logs[request.upstream]()
            .slice(request.from)
            .map(({ method, path, status }) => ({ method, path, status }));
        case 'inject': {
          const id = nextFault++;
          removers.set(id, inject(request.upstream, request.fault));
          return id;
        }
        case 'remove':
          removers.get(request.id)?.();
          removers.delete(request.id);
          return undefined;
        default:
          return undefined;
      }
    },
    stop: () =>
      Promise.all([vault, loki, tempo, kubernetes].map(s => s.close())),
  };
}

const port = parentPort;
if (!port) throw new Error('doublesThread.ts runs as a worker (harness.ts)');
start(workerData as DoublesThreadData).then(
  doubles => {
    port.on('message', async (request: DoublesRequest & { id: number }) => {
      try {
        if (request.type === 'stop') {
          await doubles.stop();
          port.postMessage({ id: request.id, result: undefined });
          port.close();
          return;
        }
        port.postMessage({ id: request.id, result: doubles.handle(request) });
      } catch (error) {
        port.postMessage({ id: request.id, error: String(error) });
      }
    });
    port.postMessage({ id: 0, result: doubles.urls });
  },
  error => port.postMessage({ id: 0, error: String(error) }),
);
