import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { fleetRepoUrl, type FleetRepo } from '@haven-plus/plugin-haven-node';

/**
 * A file of the fleet repository as the branch Flux reconciles has it, or
 * undefined when it is not there (the URL reader's NotFoundError). Any other
 * failure is thrown as it came.
 */
export async function readFleetFile(
  reader: UrlReaderService,
  fleet: FleetRepo,
  path: string,
): Promise<string | undefined> {
  try {
    const response = await reader.readUrl(fleetRepoUrl(fleet, path));
    return (await response.buffer()).toString('utf8');
  } catch (error) {
    if ((error as Error).name === 'NotFoundError') return undefined;
    throw error;
  }
}
