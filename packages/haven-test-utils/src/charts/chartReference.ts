import fs from 'node:fs';
import path from 'node:path';
import {
  chartReferenceFromFiles,
  type ChartReference,
} from '@haven-plus/plugin-haven-node';
import { REFERENCE_DIR } from '../reference';

/** The chart's values could not be read: checking against it is not possible. */
export interface MissingChartReference {
  /** The chart's values could not be read. */
  found: false;
  /** The chart's name. */
  chart: string;
  /** e.g. "no reference values for mimir-distributed: …" */
  reason: string;
}

/** A chart's values reference, or why there is none. */
export type ChartReferenceResult = ChartReference | MissingChartReference;

export interface ChartReferenceOptions {
  /**
   * The reference folder holding charts/: this package's reference/ (the
   * default: charts/<chart>.json), or an upstream folder in the charts' own
   * layout (charts/<chart>/Chart.yaml, values.yaml, values.schema.json).
   */
  referenceDir?: string;
}

/** Where it is worth looking for charts the reference lacks. */
const MISSING_HINTS: Record<string, string> = {
  'mimir-distributed':
    "its source is grafana/mimir operations/helm/charts/mimir-distributed (published to https://grafana.github.io/helm-charts); add that chart's Chart.yaml and values.yaml to an upstream folder and run yarn reference:extract to check it",
};

const cache = new Map<string, ChartReferenceResult>();

function chartsPresent(chartsDir: string): string[] {
  if (!fs.existsSync(chartsDir)) return [];
  return fs
    .readdirSync(chartsDir)
    .filter(
      c =>
        c.endsWith('.json') ||
        fs.existsSync(path.join(chartsDir, c, 'values.yaml')),
    )
    .map(c => c.replace(/\.json$/, ''))
    .sort();
}

/**
 * Loads one chart's reference values: Chart.yaml's version, values.yaml
 * (parsed), values.schema.json when present, the keys values.yaml documents
 * only in comments, and the maps the chart passes through verbatim. A chart
 * the reference lacks (mimir-distributed) gives
 * `{ found: false, reason: 'no reference values for <chart>: …' }`, never a
 * silent pass. Results are cached; treat them as read-only.
 */
export function loadChartReference(
  chart: string,
  options: ChartReferenceOptions = {},
): ChartReferenceResult {
  const referenceDir = options.referenceDir ?? REFERENCE_DIR;
  const chartsDir = path.join(referenceDir, 'charts');
  const extract = path.join(chartsDir, `${chart}.json`);
  const dir = path.join(chartsDir, chart);
  const cacheKey = fs.existsSync(extract) ? extract : dir;
  const cached = cache.get(cacheKey);
  if (cached) return cached;

  let result: ChartReferenceResult;
  const valuesFile = path.join(dir, 'values.yaml');
  const chartFile = path.join(dir, 'Chart.yaml');
  if (fs.existsSync(extract)) {
    result = JSON.parse(fs.readFileSync(extract, 'utf8')) as ChartReference;
  } else if (!fs.existsSync(valuesFile) || !fs.existsSync(chartFile)) {
    const present = chartsPresent(chartsDir);
    const hint = MISSING_HINTS[chart] ? `; ${MISSING_HINTS[chart]}` : '';
    result = {
      found: false,
      chart,
      reason: `no reference values for ${chart}: ${chartsDir} has no ${chart}.json nor ${chart}/values.yaml (charts with reference values: ${
        present.join(', ') || 'none'
      })${hint}`,
    };
  } else {
    const schemaFile = path.join(dir, 'values.schema.json');
    result = chartReferenceFromFiles(
      {
        chartYaml: fs.readFileSync(chartFile, 'utf8'),
        valuesYaml: fs.readFileSync(valuesFile, 'utf8'),
        valuesSchemaJson: fs.existsSync(schemaFile)
          ? fs.readFileSync(schemaFile, 'utf8')
          : undefined,
      },
      dir,
    );
  }
  cache.set(cacheKey, result);
  return result;
}
