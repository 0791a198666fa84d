import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  unknownValueKeys,
  type AppChart,
  type ChartLookup,
  type DeliveryFile,
} from '@haven-plus/plugin-haven-node';

/** Where the render action reads a chart's values (HelmRepositoryReader). */
export interface ChartValuesSource {
  lookup(chart: AppChart): Promise<ChartLookup>;
}

/** What the check came to, for the task's outputs. */
export interface ChartCheckResult {
  /** The release the version resolves to, or the version as given. */
  version: string;
  summary: string;
}

/**
 * Checks the HelmRelease values Haven+ rendered against the chart's own
 * values.yaml (and values.schema.json): a key the chart does not know, or a
 * chart or version the repository does not have, is an InputError naming
 * it, before anything is written. When the chart cannot be read (offline,
 * OCI, no reader) the task log says so as a warning: never a silent pass.
 */
export async function checkChartValues(
  source: ChartValuesSource | undefined,
  chart: AppChart,
  files: DeliveryFile[],
  logger: LoggerService,
): Promise<ChartCheckResult> {
  const label = `${chart.name} ${chart.version} from ${chart.repositoryUrl}`;
  if (!source) {
    const summary = `not checked: no chart reader is configured (haven.charts.checkValues is false)`;
    logger.warn(`Chart values of ${label} ${summary}`);
    return { version: chart.version, summary };
  }
  const lookup = await source.lookup(chart);
  if (lookup.status === 'invalid') {
    throw new InputError(
      `Chart ${label} cannot be installed: ${lookup.reason}. Check the chart's repository, name and version`,
    );
  }
  if (lookup.status === 'unavailable') {
    const summary = `not checked: ${lookup.reason}`;
    logger.warn(
      `Chart values NOT checked against ${label}: ${lookup.reason}. Helm ignores values keys a chart does not know, so review them in the pull request`,
    );
    return { version: chart.version, summary };
  }
  const release = files
    .flatMap(f => f.objects)
    .find(o => o.kind === 'HelmRelease');
  const values = release && 'spec' in release ? release.spec?.values ?? {} : {};
  const problems = unknownValueKeys(values, lookup.reference);
  if (problems.length > 0) {
    throw new InputError(
      `The values for chart ${chart.name} ${lookup.version} (${
        chart.version
      }) do not fit it: ${problems
        .map(p => `${p.path}: ${p.reason}`)
        .join(
          '; ',
        )}. Fix the chart value paths in the form, or choose a chart version that has them`,
    );
  }
  const summary = `checked against ${chart.name} ${lookup.version} (${lookup.archiveUrl})`;
  logger.info(`Chart values ${summary}: every key known`);
  return { version: lookup.version, summary };
}
