import type {
  ActiveGitHubFault,
  GitHubFault,
  GitHubFaults,
} from '../github/faults';
import { createMethodPathFaults } from '../http/faultSchedule';
import { GITLAB_FAULT_MESSAGES } from './errors';

/**
 * A fault the double injects on the requests it matches: the GitHub
 * double's fields, with `path` the API path below `/api/v4` as sent
 * (percent-encoded, e.g. `/projects/haven-fleet%2Ffleet/merge_requests`)
 * and `status` answered with GitLab's error body (see
 * {@link GITLAB_FAULT_MESSAGES}).
 */
export type GitLabFault = GitHubFault;
export type ActiveGitLabFault = ActiveGitHubFault;
export type GitLabFaults = GitHubFaults;

export function faultMessage(fault: GitLabFault): string {
  return (
    fault.message ??
    GITLAB_FAULT_MESSAGES[fault.status ?? 500] ??
    `${fault.status ?? 500} Internal Server Error`
  );
}

export function createFaults() {
  return createMethodPathFaults<GitLabFault>();
}
