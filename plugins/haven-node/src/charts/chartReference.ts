import { parse } from 'yaml';
import { parseCommentedKeys, type CommentedKey } from './commentedKeys';
import { formatValuePath, isPlainObject } from './paths';

/**
 * A values path the chart copies verbatim into the application's own
 * configuration (`toYaml .Values.tempo.storage`), or hands to a subchart:
 * any key below it is the application's (or the subchart's), not the
 * chart's, so the values check does not judge it.
 * @public
 */
export interface PassThroughPath {
  /** Display path, e.g. `tempo.storage`. */
  path: string;
  /** The same path as keys, e.g. `['tempo', 'storage']`. */
  keys: string[];
  /** Where that is seen: the values.yaml template, a chart template, Chart.yaml. */
  source: string;
}

/** What one version of a Helm chart accepts as values. @public */
export interface ChartReference {
  /** The chart's values were read. */
  found: true;
  /** The chart's name. */
  chart: string;
  /** Chart.yaml `version`. */
  version: string;
  /** Chart.yaml `appVersion`. */
  appVersion?: string;
  /** Where it was read: a folder, or the chart archive's URL. */
  source: string;
  /** values.yaml, parsed. */
  defaults: Record<string, unknown>;
  /** values.schema.json, parsed, when the chart ships one (Loki). */
  schema?: Record<string, unknown>;
  /** Keys values.yaml documents only as commented-out YAML (see parseCommentedKeys). */
  commentedKeys: CommentedKey[];
  /** Maps the chart copies verbatim: keys below them are not checked. */
  passThrough: PassThroughPath[];
  /**
   * Top-level keys whose values go to a subchart (Chart.yaml dependencies):
   * keys the parent's values.yaml shows there are checked, others allowed.
   */
  subcharts: string[];
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

/**
 * Values paths that a template string inside values.yaml (Loki's
 * `loki.config`, Tempo's `config`) copies verbatim with toYaml:
 * `toYaml .Values.a.b`, `.Values.a.b | toYaml`, or
 * `{{- with .Values.a.b }} … toYaml . …{{- end }}` (`. | toYaml`, `tpl (. | toYaml) $`).
 * @public
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

/**
 * The top-level values keys that belong to a subchart: each Chart.yaml
 * dependency's `alias`, else its `name` (helm.sh/docs/topics/charts,
 * "Chart Dependencies": values under that key are passed to the subchart).
 */
function dependencyKeys(chartYaml: Record<string, unknown>): string[] {
  const deps = Array.isArray(chartYaml.dependencies)
    ? chartYaml.dependencies
    : [];
  return deps.flatMap(d => {
    if (!isPlainObject(d)) return [];
    const key = typeof d.alias === 'string' ? d.alias : d.name;
    return typeof key === 'string' && key ? [key] : [];
  });
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

/** The three files of a chart that say what its values are. @public */
export interface ChartValuesFiles {
  /** Chart.yaml. */
  chartYaml: string;
  /** values.yaml. */
  valuesYaml: string;
  /** values.schema.json, when the chart has one. */
  valuesSchemaJson?: string;
}

/**
 * Builds a chart's values reference from its Chart.yaml, values.yaml and
 * (optional) values.schema.json: the version, the defaults, the keys
 * values.yaml documents only in comments, the maps the chart passes
 * through verbatim, and the keys that belong to subcharts. Throws an Error naming the file that
 * does not parse.
 * @public
 */
export function chartReferenceFromFiles(
  files: ChartValuesFiles,
  source: string,
): ChartReference {
  const parseYaml = (text: string, file: string): unknown => {
    try {
      return parse(text);
    } catch (e) {
      throw new Error(
        `${source}: ${file} does not parse as YAML: ${(e as Error).message}`,
      );
    }
  };
  const chartYaml = parseYaml(files.chartYaml, 'Chart.yaml');
  if (!isPlainObject(chartYaml) || typeof chartYaml.name !== 'string') {
    throw new Error(`${source}: Chart.yaml has no chart name`);
  }
  const parsed = parseYaml(files.valuesYaml, 'values.yaml');
  const defaults = isPlainObject(parsed) ? parsed : {};
  let schema: Record<string, unknown> | undefined;
  if (files.valuesSchemaJson !== undefined) {
    try {
      const s: unknown = JSON.parse(files.valuesSchemaJson);
      schema = isPlainObject(s) ? s : undefined;
    } catch (e) {
      throw new Error(
        `${source}: values.schema.json is not JSON: ${(e as Error).message}`,
      );
    }
  }
  const chart = chartYaml.name;
  return {
    found: true,
    chart,
    version: String(chartYaml.version),
    appVersion:
      chartYaml.appVersion === undefined
        ? undefined
        : String(chartYaml.appVersion),
    source,
    defaults,
    schema,
    commentedKeys: parseCommentedKeys(files.valuesYaml),
    passThrough: findPassThrough(chart, defaults),
    subcharts: dependencyKeys(chartYaml),
  };
}
