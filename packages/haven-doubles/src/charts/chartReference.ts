import fs from 'node:fs';
import path from 'node:path';
import {
  chartReferenceFromFiles,
  type ChartReferenceResult,
} from '@haven-plus/plugin-haven-node';
import { findRepoRoot } from '../reference';

export interface ChartReferenceOptions {
  /**
   * The reference folder holding charts/ (default: HAVEN_REFERENCE_DIR, else
   * shared/reference beside the repository checkout).
   */
  referenceDir?: string;
}

/** Where it is worth looking for charts the reference lacks. */
const MISSING_HINTS: Record<string, string> = {
  'mimir-distributed':
    "its source is grafana/mimir operations/helm/charts/mimir-distributed (published to https://grafana.github.io/helm-charts); add that chart's Chart.yaml and values.yaml to the reference to check it",
};

/** shared/reference (HAVEN_REFERENCE_DIR first) when it holds charts/. */
export function findChartsReferenceDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.HAVEN_REFERENCE_DIR) {
    candidates.push(process.env.HAVEN_REFERENCE_DIR);
  }
  try {
    candidates.push(path.resolve(findRepoRoot(), '../shared/reference'));
  } catch {
    // not inside the repository: only HAVEN_REFERENCE_DIR can help
  }
  return candidates.find(c => fs.existsSync(path.join(c, 'charts')));
}

const cache = new Map<string, ChartReferenceResult>();

/**
 * Loads one chart's reference values: Chart.yaml's version, values.yaml
 * (parsed), values.schema.json when present, the keys values.yaml documents
 * only in comments, and the maps the chart passes through verbatim. A chart
 * the reference lacks (mimir-distributed) or a missing reference folder gives
 * `{ found: false, reason: 'no reference values for <chart>: …' }`, never a
 * silent pass. Results are cached; treat them as read-only.
 */
export function loadChartReference(
  chart: string,
  options: ChartReferenceOptions = {},
): ChartReferenceResult {
  const referenceDir = options.referenceDir ?? findChartsReferenceDir();
  if (!referenceDir) {
    return {
      found: false,
      chart,
      reason: `no reference values for ${chart}: shared/reference/charts not found (set HAVEN_REFERENCE_DIR)`,
    };
  }
  const dir = path.join(referenceDir, 'charts', chart);
  const cached = cache.get(dir);
  if (cached) return cached;

  let result: ChartReferenceResult;
  const valuesFile = path.join(dir, 'values.yaml');
  const chartFile = path.join(dir, 'Chart.yaml');
  if (!fs.existsSync(valuesFile) || !fs.existsSync(chartFile)) {
    const chartsDir = path.join(referenceDir, 'charts');
    const present = fs.existsSync(chartsDir)
      ? fs
          .readdirSync(chartsDir)
          .filter(c => fs.existsSync(path.join(chartsDir, c, 'values.yaml')))
          .sort()
      : [];
    const hint = MISSING_HINTS[chart] ? `; ${MISSING_HINTS[chart]}` : '';
    result = {
      found: false,
      chart,
      reason: `no reference values for ${chart}: ${dir} has no Chart.yaml and values.yaml (charts with reference values: ${
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
  cache.set(dir, result);
  return result;
}
