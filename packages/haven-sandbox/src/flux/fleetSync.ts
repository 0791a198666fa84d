import {
  type GitHubDouble,
  type KubernetesDouble,
  resourceTypeOfObject,
  type VaultDouble,
} from '@haven-plus/haven-doubles';
import { GITHUB_SANDBOX } from '../github/githubSandbox';
import { reconcileFleet } from './fleetReconciler';

/**
 * Watches the sandbox fleet repository's branch in the GitHub double and,
 * each time it moves, applies what reconcileFleet says Flux and ESO would
 * to the Kubernetes double, as a cluster's GitRepository would pick up a
 * merge. The seeded revision is left alone: the example apps' objects come
 * from kubernetes/sandboxCluster.ts.
 */
export function startFleetSync(options: {
  github: GitHubDouble;
  vault: VaultDouble;
  cluster: KubernetesDouble;
  kvMount: string;
  /** How often the branch is looked at; Flux's GitRepository default is 1m. */
  intervalMs?: number;
}): { stop(): void; syncNow(): number } {
  const { owner, name, branch } = GITHUB_SANDBOX.fleetRepo;
  const fluxPath = `clusters/${GITHUB_SANDBOX.cluster}/apps`;
  let applied = options.github.state.headSha(owner, name, branch);

  /** Applies the branch if it moved; returns the objects applied. */
  const syncNow = (): number => {
    const head = options.github.state.headSha(owner, name, branch);
    if (!head || head === applied) return 0;
    applied = head;
    const result = reconcileFleet({
      files: options.github.state.files(owner, name, branch),
      fluxPath,
      revision: `${branch}@sha1:${head}`,
      now: new Date(),
      vaultHas: (mount, key) =>
        options.vault.state.kvKey(mount, key) !== undefined,
    });
    let count = 0;
    for (const object of [...result.objects, ...result.events]) {
      // Only what the cluster double serves (Namespaces, ServiceAccounts and
      // Flux sources are not read by Backstage and are not kept).
      if (!resourceTypeOfObject(object.apiVersion, object.kind)) continue;
      options.cluster.apply(object);
      count += 1;
    }
    return count;
  };

  const timer = setInterval(syncNow, options.intervalMs ?? 2000);
  timer.unref?.();
  return { stop: () => clearInterval(timer), syncNow };
}
