import {
  createKubernetesDouble,
  type KubernetesDouble,
  serveOnLoopback,
  backstageDayTwoVaultPolicy,
  backstageVaultPolicy,
  templatedAppsPolicy,
  OPEN_WEBUI_8,
  OPEN_WEBUI_16,
  OPEN_WEBUI_DEV,
  startHelmRepositoryDoubleOnLoopback,
} from '@haven-plus/haven-doubles';
import { startFleetSync } from './flux/fleetSync';
import { sandboxClusterObjects } from './kubernetes/sandboxCluster';
import {
  sandboxKvSecrets,
  startVaultDoubleOnLoopback,
  writeLaterKvVersions,
} from './vault/vaultSandbox';
import {
  fleetRepositorySeed,
  startGitHubDoubleOnLoopback,
} from './github/githubSandbox';
import { LOKI_SANDBOX, startLokiDoubleOnLoopback } from './loki/lokiSandbox';
import {
  startTempoDoubleOnLoopback,
  TEMPO_SANDBOX,
} from './tempo/tempoSandbox';
import { startDeliveryActionReactor } from './kubernetes/actionReactor';

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
  vault: {
    port: 7102,
    rootToken: 'haven-sandbox-vault-root-not-a-secret',
    /** Backstage's token in the sandbox: README.md's two Backstage policies (seeding, day two), templated mode. */
    backstageToken: 'haven-sandbox-backstage-not-a-secret',
    kvMount: 'kv-apps',
    pathPrefix: 'apps',
    kubernetesAuthMount: 'kubernetes',
    kubernetesAuthAccessor: 'auth_kubernetes_5a4d1b2c',
  },
  github: {
    /** `integrations.github[]`: host github.com, apiBaseUrl http://127.0.0.1:7103 */
    port: 7103,
    token: 'haven-sandbox-github-not-a-secret',
    login: 'haven-sandbox-bot',
    /** the seeded fleet repository (github/githubSandbox.ts fleetRepositorySeed) */
    fleetRepo: { owner: 'haven-fleet', name: 'fleet', branch: 'main' },
  },
  /**
   * `haven.loki`: url http://127.0.0.1:7104. Auth enabled: the sandbox
   * component's logs are under tenant `voorbeeld` (its
   * haven.plus/telemetry-tenant), read with X-Scope-OrgID.
   */
  loki: { port: LOKI_SANDBOX.port, tenant: LOKI_SANDBOX.tenant },
  /** `haven.tempo`: url http://127.0.0.1:7105, multitenancy on, tenant `voorbeeld`. */
  tempo: { port: TEMPO_SANDBOX.port, tenant: TEMPO_SANDBOX.tenant },
  /**
   * `haven.charts.mirrors`: https://helm.openwebui.com is read from
   * http://127.0.0.1:7106, a Helm repository with the open-webui chart
   * (8.22.1, 16.0.0 and a 16.0.1 development build).
   */
  helm: { port: 7106, mirrors: 'https://helm.openwebui.com' },
} as const;

export interface RunningSandbox {
  urls: Record<keyof typeof SANDBOX_DOUBLES, string>;
  stop(): Promise<void>;
}

/**
 * The sandbox's Vault double: its KV and Kubernetes auth mounts, the shared
 * templated app policy, and Backstage's token with README.md's
 * seeding and day-two policies (templated mode); `kvSecrets` seeds secrets.
 */
export function startSandboxVault(
  port: number,
  options: Pick<
    NonNullable<Parameters<typeof startVaultDoubleOnLoopback>[1]>,
    'kvSecrets'
  > = {},
) {
  const v = SANDBOX_DOUBLES.vault;
  return startVaultDoubleOnLoopback(port, {
    rootToken: v.rootToken,
    kvMounts: [v.kvMount],
    kubernetesAuthMounts: [
      { path: v.kubernetesAuthMount, accessor: v.kubernetesAuthAccessor },
    ],
    policies: [
      {
        name: 'haven-backstage',
        policy: backstageVaultPolicy({
          kvMount: v.kvMount,
          kubernetesAuthMount: v.kubernetesAuthMount,
          pathPrefix: v.pathPrefix,
          perApp: false,
        }),
      },
      {
        // README.md "Vault policy for day two": rotate and decommission,
        // secrets included, so every template can be tried here.
        name: 'haven-backstage-day-two',
        policy: backstageDayTwoVaultPolicy({
          kvMount: v.kvMount,
          kubernetesAuthMount: v.kubernetesAuthMount,
          pathPrefix: v.pathPrefix,
          perApp: false,
          deleteSecrets: true,
        }),
      },
      {
        name: 'haven-apps',
        policy: templatedAppsPolicy({
          kvMount: v.kvMount,
          pathPrefix: v.pathPrefix,
          accessor: v.kubernetesAuthAccessor,
        }),
      },
    ],
    tokens: [
      {
        token: v.backstageToken,
        policies: ['haven-backstage', 'haven-backstage-day-two'],
      },
    ],
    ...options,
  });
}

/** Starts every sandbox double on loopback; `anyPort` picks free ports (tests). */
export async function startSandboxDoubles(
  options: { anyPort?: boolean } = {},
): Promise<RunningSandbox> {
  const v = SANDBOX_DOUBLES.vault;
  const kvSecrets = sandboxKvSecrets(v.pathPrefix);
  const vault = await startSandboxVault(options.anyPort ? 0 : v.port, {
    // The example components' secrets (examples/entities.yaml,
    // SANDBOX_DELIVERY_EXAMPLES), so their entity pages have Vault metadata
    // to show. Sandbox-only filler values.
    kvSecrets: kvSecrets.map(secret => ({
      mount: v.kvMount,
      path: secret.path,
      data: secret.versions[0],
    })),
  });
  // Rotations (open-webui-gemeente's openai-api-key v2), written now.
  await writeLaterKvVersions(vault, v.kvMount, kvSecrets);

  // The cluster's Flux and ESO objects, dated from a `now` taken after Vault
  // wrote its secrets: each example's state (Synced, Stale, ...) compares
  // ESO's refreshTime with Vault's updated_time (kubernetes/sandboxCluster.ts).
  const k8s = SANDBOX_DOUBLES.kubernetes;
  const objects = sandboxClusterObjects(new Date());
  let cluster: KubernetesDouble | undefined;
  const kubernetes = await serveOnLoopback(
    origin => {
      cluster = createKubernetesDouble({
        baseUrl: origin,
        token: k8s.token,
        objects,
      });
      return cluster.handlers;
    },
    { port: options.anyPort ? 0 : k8s.port, name: 'Kubernetes API' },
  );
  const g = SANDBOX_DOUBLES.github;
  const github = await startGitHubDoubleOnLoopback(
    options.anyPort ? 0 : g.port,
    {
      token: g.token,
      login: g.login,
      repositories: [fleetRepositorySeed()],
      // "Pull request" links lead to the double's own page, with a Merge button.
      pullRequestPages: true,
    },
  );
  // Flux's stand-in: what a merge to the fleet branch applies to the cluster.
  const flux = startFleetSync({
    github: github.double,
    vault: vault.double,
    cluster: cluster!,
    kvMount: v.kvMount,
  });
  // ESO's and Flux's answer to the Delivery card's Sync now and Reconcile.
  const reactor = startDeliveryActionReactor({
    cluster: cluster!,
    url: kubernetes.url,
    token: k8s.token,
  });
  // Loki and Tempo hold sandboxTelemetrySeed as of now (loki/sandboxTelemetry.ts).
  const loki = await startLokiDoubleOnLoopback(
    options.anyPort ? 0 : SANDBOX_DOUBLES.loki.port,
  );
  const tempo = await startTempoDoubleOnLoopback(
    options.anyPort ? 0 : SANDBOX_DOUBLES.tempo.port,
  );
  const helm = await startHelmRepositoryDoubleOnLoopback(
    options.anyPort ? 0 : SANDBOX_DOUBLES.helm.port,
    [OPEN_WEBUI_8, OPEN_WEBUI_16, OPEN_WEBUI_DEV],
  );
  const servers = [kubernetes, vault, github, loki, tempo, helm];
  return {
    urls: {
      kubernetes: kubernetes.url,
      vault: vault.url,
      github: github.url,
      loki: loki.url,
      tempo: tempo.url,
      helm: helm.url,
    },
    stop: async () => {
      flux.stop();
      reactor.stop();
      await Promise.all(servers.map(s => s.close()));
    },
  };
}
