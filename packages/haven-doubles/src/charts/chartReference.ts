import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { findRepoRoot } from '../reference';
import { parseCommentedKeys, type CommentedKey } from './commentedKeys';
import { formatValuePath, isPlainObject } from './paths';

/**
 * A values path the chart copies verbatim into the application's own
 * configuration (`toYaml .Values.tempo.storage`): any key below it is the
 * application's, not the chart's, so this check cannot judge it.
 */
export interface PassThroughPath {
  path: string;
  keys: string[];
  /** Where that is seen: the values.yaml template, or a chart template. */
  source: string;
}

/** The reference data of one Helm chart (shared/reference/charts/<chart>). */
export interface ChartReference {
  found: true;
  chart: string;
  /** Chart.yaml `version`. */
  version: string;
  /** Chart.yaml `appVersion`. */
  appVersion?: string;
  dir: string;
  /** values.yaml, parsed. */
  defaults: Record<string, unknown>;
  /** values.schema.json, parsed, when the chart ships one (Loki). */
  schema?: Record<string, unknown>;
  /** Keys values.yaml documents only as commented-out YAML (see parseCommentedKeys). */
  commentedKeys: CommentedKey[];
  passThrough: PassThroughPath[];
}

/** No reference values for this chart: checking it is not possible. */
export interface MissingChartReference {
  found: false;
  chart: string;
  /** e.g. "no reference values for mimir-distributed: …" */
  reason: string;
}

export type ChartReferenceResult = ChartReference | MissingChartReference;

export interface ChartReferenceOptions {
  /**
   * The reference folder holding charts/ (default: HAVEN_REFERENCE_DIR, else
   * shared/reference beside the repository checkout).
   */
  referenceDir?: string;
}

/**
 * Pass-through maps that values.yaml alone does not show, each checked in the
 * chart's templates (grafana-community/helm-charts at the reference version).
 */
const TEMPLATE_PASS_THROUGH: Record<
  string,
  Array<{ keys: string[]; source: string }>
> = {
  grafana: [
    {
      keys: ['grafana.ini'],
      source:
        'templates/_config.tpl renders every section and key of grafana.ini (range over index .Values "grafana.ini")',
    },
  ],
};

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

/**
 * Values paths that a template string inside values.yaml (Loki's
 * `loki.config`, Tempo's `config`) copies verbatim with toYaml:
 * `toYaml .Values.a.b`, `.Values.a.b | toYaml`, or
 * `{{- with .Values.a.b }} … toYaml . …{{- end }}` (`. | toYaml`, `tpl (. | toYaml) $`).
 */
export function passThroughInTemplate(template: string): string[] {
  const found = new Set<string>();
  for (const m of template.matchAll(/toYaml\s+\.Values\.([A-Za-z0-9_.]+)/g)) {
    found.add(m[1]);
  }
  for (const m of template.matchAll(
    /\.Values\.([A-Za-z0-9_.]+)\s*\|\s*toYaml/g,
  )) {
    found.add(m[1]);
  }
  const actions = [...template.matchAll(/\{\{-?\s*([\s\S]*?)\s*-?\}\}/g)].map(
    m => m[1],
  );
  actions.forEach((action, i) => {
    const withValues = /^with\s+\.Values\.([A-Za-z0-9_.]+)$/.exec(action);
    if (!withValues) return;
    let depth = 1;
    for (let j = i + 1; j < actions.length && depth > 0; j++) {
      const a = actions[j];
      if (/^(if|with|range|define|block)\b/.test(a)) depth++;
      else if (/^end\b/.test(a)) depth--;
      else if (
        depth === 1 &&
        /(^|[\s(])toYaml\s+\.(\s|\)|$)|(^|[\s(])\.\s*\|\s*toYaml\b/.test(a)
      ) {
        found.add(withValues[1]);
        break;
      }
    }
  });
  return [...found];
}

function collectTemplates(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    if (value.includes('{{') && value.includes('.Values.')) out.push(value);
  } else if (Array.isArray(value)) {
    value.forEach(v => collectTemplates(v, out));
  } else if (isPlainObject(value)) {
    Object.values(value).forEach(v => collectTemplates(v, out));
  }
}

function findPassThrough(
  chart: string,
  defaults: Record<string, unknown>,
): PassThroughPath[] {
  const templates: string[] = [];
  collectTemplates(defaults, templates);
  const byPath = new Map<string, PassThroughPath>();
  for (const template of templates) {
    for (const dotted of passThroughInTemplate(template)) {
      // Kept even when values.yaml has no default there (tempo-distributed's
      // storage.trace.s3): the template reading it shows the key is known.
      const keys = dotted.split('.');
      if (byPath.has(dotted)) continue;
      byPath.set(dotted, {
        path: formatValuePath(keys),
        keys,
        source: 'values.yaml template (toYaml)',
      });
    }
  }
  for (const { keys, source } of TEMPLATE_PASS_THROUGH[chart] ?? []) {
    byPath.set(keys.join('.'), { path: formatValuePath(keys), keys, source });
  }
  return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
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
    const chartYaml = parse(fs.readFileSync(chartFile, 'utf8')) as {
      version?: unknown;
      appVersion?: unknown;
    };
    const valuesText = fs.readFileSync(valuesFile, 'utf8');
    const parsed: unknown = parse(valuesText);
    const defaults = isPlainObject(parsed) ? parsed : {};
    const schemaFile = path.join(dir, 'values.schema.json');
    const schema = fs.existsSync(schemaFile)
      ? (JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as Record<
          string,
          unknown
        >)
      : undefined;
    result = {
      found: true,
      chart,
      version: String(chartYaml.version),
      appVersion:
        chartYaml.appVersion === undefined
          ? undefined
          : String(chartYaml.appVersion),
      dir,
      defaults,
      schema,
      commentedKeys: parseCommentedKeys(valuesText),
      passThrough: findPassThrough(chart, defaults),
    };
  }
  cache.set(dir, result);
  return result;
}
