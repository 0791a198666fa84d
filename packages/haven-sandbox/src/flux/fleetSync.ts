import {
  type GitHubDouble,
  type KubernetesDouble,
  type KubernetesObject,
  resourceTypeOfObject,
  type VaultDouble,
} from '@haven-plus/haven-doubles';
import { GITHUB_SANDBOX } from '../github/githubSandbox';
import { prunedObjects, reconcileFleet } from './fleetReconciler';

/**
 * The cluster double as the sync uses it: objects are applied, and pruned
 * with `remove` (delete by apiVersion group, kind, namespace and name) when
 * the double has it; without it pruned objects are only counted.
 */
export type FleetSyncCluster = Pick<KubernetesDouble, 'apply'> & {
  remove?(object: KubernetesObject): boolean | void;
};

/**
 * Watches the sandbox fleet repository's branch in the GitHub double and,
 * each time it moves, applies what reconcileFleet says Flux and ESO would
 * to the Kubernetes double, as a cluster's GitRepository would pick up a
 * merge, and prunes what the new revision no longer applies, as Flux's
 * garbage collection does (prunedObjects). The seeded revision is left
 * alone: the example apps' objects come from kubernetes/sandboxCluster.ts.
 */
export function startFleetSync(options: {
  github: GitHubDouble;
  vault: VaultDouble;
  cluster: FleetSyncCluster;
  kvMount: string;
  /** How often the branch is looked at; Flux's GitRepository default is 1m. */
  intervalMs?: number;
}): {
  stop(): void;
  syncNow(): number;
  /** Objects pruned so far (or, on a double without `remove`, due to be). */
  pruned(): KubernetesObject[];
} {
  const { owner, name, branch } = GITHUB_SANDBOX.fleetRepo;
  const fluxPath = `clusters/${GITHUB_SANDBOX.cluster}/apps`;
  let applied = options.github.state.headSha(owner, name, branch);

  const reconcile = (head: string) =>
    reconcileFleet({
      files: options.github.state.files(owner, name, branch),
      fluxPath,
      revision: `${branch}@sha1:${head}`,
      now: new Date(),
      vaultHas: (mount, key) =>
        options.vault.state.kvKey(mount, key) !== undefined,
    });
  // What the revision in place made, for Flux's inventory diff.
  let inventory: KubernetesObject[] = applied ? reconcile(applied).objects : [];
  const pruned: KubernetesObject[] = [];

  /** Applies the branch if it moved, pruning what it no longer has; returns the objects applied. */
  const syncNow = (): number => {
    const head = options.github.state.headSha(owner, name, branch);
    if (!head || head === applied) return 0;
    applied = head;
    const result = reconcile(head);
    let count = 0;
    for (const object of prunedObjects(inventory, result.objects)) {
      if (!resourceTypeOfObject(object.apiVersion, object.kind)) continue;
      options.cluster.remove?.(object);
      pruned.push(object);
    }
    inventory = result.objects;
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
  return {
    stop: () => clearInterval(timer),
    syncNow,
    pruned: () => [...pruned],
  };
}
