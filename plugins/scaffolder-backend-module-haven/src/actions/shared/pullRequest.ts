import {
  fleetRepoScaffolderUrl,
  type FleetRepo,
} from '@haven-plus/plugin-haven-node';

/**
 * The branch a pull request into the fleet repository is made from:
 * `haven/<cluster>/<parts joined by />`, e.g. `haven/prod/shop` for an app,
 * `haven/prod/shop/secret-api-key` for a change to it and
 * `haven/prod/observability` for a cluster's telemetry stack. The same change
 * on the same cluster always gets the same name.
 */
export function pullRequestBranch(cluster: string, ...parts: string[]): string {
  return ['haven', cluster, ...parts].join('/');
}

/**
 * The outputs a publish step (publish:github:pull-request or
 * publish:gitlab:merge-request) takes to open the pull request: the fleet
 * repository in the scaffolder's repoUrl form, its provider, the branch Flux
 * reconciles (the target) and the branch of this change.
 */
export interface FleetPullRequestOutputs {
  fleetRepoUrl: string;
  fleetProvider: FleetRepo['provider'];
  fleetBranch: string;
  pullRequestBranch: string;
}

/** Sets the {@link FleetPullRequestOutputs} of an action. */
export function outputFleetPullRequest(
  ctx: {
    output(
      name: keyof FleetPullRequestOutputs,
      value: FleetPullRequestOutputs[keyof FleetPullRequestOutputs],
    ): void;
  },
  fleetRepo: FleetRepo,
  branch: string,
): void {
  ctx.output('fleetRepoUrl', fleetRepoScaffolderUrl(fleetRepo));
  ctx.output('fleetProvider', fleetRepo.provider);
  ctx.output('fleetBranch', fleetRepo.branch);
  ctx.output('pullRequestBranch', branch);
}
