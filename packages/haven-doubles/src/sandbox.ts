import { createKubernetesDouble } from './kubernetes/kubernetesDouble';
import { serveOnLoopback } from './http/loopback';

/**
 * The doubles of the local sandbox and where they listen. app-config.yaml
 * points Backstage at these addresses (sandbox.test.ts keeps the two in step).
 * The token is the sandbox cluster's only credential: it opens nothing real.
 */
export const SANDBOX_DOUBLES = {
  kubernetes: {
    clusterName: 'haven-sandbox',
    port: 7101,
    token: 'haven-sandbox-not-a-secret',
  },
} as const;

export interface RunningSandbox {
  urls: Record<keyof typeof SANDBOX_DOUBLES, string>;
  stop(): Promise<void>;
}

/** Starts every sandbox double on loopback; `anyPort` picks free ports (tests). */
export async function startSandboxDoubles(
  options: { anyPort?: boolean } = {},
): Promise<RunningSandbox> {
  const k8s = SANDBOX_DOUBLES.kubernetes;
  const kubernetes = await serveOnLoopback(
    origin =>
      createKubernetesDouble({ baseUrl: origin, token: k8s.token }).handlers,
    { port: options.anyPort ? 0 : k8s.port, name: 'Kubernetes API' },
  );
  const servers = [kubernetes];
  return {
    urls: { kubernetes: kubernetes.url },
    stop: async () => {
      await Promise.all(servers.map(s => s.close()));
    },
  };
}
