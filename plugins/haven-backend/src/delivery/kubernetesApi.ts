import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { DeliveryCluster } from './clusters';

/**
 * Where a pod's service-account token is mounted (Kubernetes docs, "Accessing
 * the Kubernetes API from a Pod"). Read per call: the kubelet rotates it.
 */
export const IN_CLUSTER_TOKEN_PATH =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

const TIMEOUT_MS = 10_000;

export interface KubernetesRequest {
  method: 'GET' | 'PATCH';
  /** e.g. /apis/external-secrets.io/v1/namespaces/shop/externalsecrets/orders */
  path: string;
  body?: unknown;
  contentType?: string;
}

export interface KubernetesAnswer {
  status: number;
  /** The parsed JSON body; undefined when it is not JSON. */
  body: unknown;
}

/** One call to a cluster's API server. */
export type KubernetesRequester = (
  cluster: DeliveryCluster,
  request: KubernetesRequest,
) => Promise<KubernetesAnswer>;

async function bearerOf(
  cluster: DeliveryCluster,
  read: (path: string) => Promise<string>,
): Promise<string> {
  if (cluster.serviceAccountToken) return cluster.serviceAccountToken;
  try {
    return (await read(IN_CLUSTER_TOKEN_PATH)).trim();
  } catch {
    throw new Error(
      `cluster ${cluster.name} has no serviceAccountToken in app-config and no token is mounted at ${IN_CLUSTER_TOKEN_PATH}; set kubernetes.clusterLocatorMethods[].clusters[].serviceAccountToken, or run the backend in the cluster`,
    );
  }
}

/**
 * A requester over node:http(s), so a cluster's own CA (caData, caFile) and
 * skipTLSVerify apply to this connection only. The token goes only into the
 * Authorization header, never into a message.
 */
export function createKubernetesRequester(
  options: { readText?: (path: string) => Promise<string> } = {},
): KubernetesRequester {
  const read = options.readText ?? (path => readFile(path, 'utf8'));
  return async (cluster, request) => {
    const token = await bearerOf(cluster, read);
    const ca =
      cluster.caData ??
      (cluster.caFile ? await read(cluster.caFile) : undefined);
    const url = new URL(`${cluster.url.replace(/\/+$/, '')}${request.path}`);
    const payload =
      request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${token}`,
    };
    if (payload !== undefined) {
      headers['content-type'] = request.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<KubernetesAnswer>((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method: request.method,
          headers,
          timeout: TIMEOUT_MS,
          ...(url.protocol === 'https:'
            ? { ca, rejectUnauthorized: !cluster.skipTLSVerify }
            : {}),
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(
          new Error(`no answer from ${url.host} within ${TIMEOUT_MS} ms`),
        ),
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  };
}
