import type { HavenGitopsConfig } from './types';

/** The fleet repository as `haven.gitops.fleetRepo` names it. @public */
export type FleetRepo = HavenGitopsConfig['fleetRepo'];

/** The scaffolder's repoUrl form of the fleet repository: `host?owner=..&repo=..`. @public */
export function fleetRepoScaffolderUrl(fleet: FleetRepo): string {
  const params = new URLSearchParams({ owner: fleet.owner, repo: fleet.repo });
  return `${fleet.host}?${params.toString()}`;
}

/**
 * Web URL of a file (`blob`) or folder (`tree`) on the fleet branch, as
 * Backstage's URL readers (fetch:plain, fetch:plain:file, the catalog) take it.
 * @public
 */
export function fleetRepoUrl(
  fleet: FleetRepo,
  path: string,
  kind: 'blob' | 'tree' = 'blob',
): string {
  const prefix = fleet.provider === 'gitlab' ? `-/${kind}` : kind;
  return `${fleet.url}/${prefix}/${fleet.branch}/${path}`;
}
