import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import {
  chartReferenceFromFiles,
  type ChartReference,
} from '@haven-plus/plugin-haven-node';

/**
 * The reference data the tests validate against, reduced from the upstream
 * projects' own files to the facts a check needs:
 *
 * - a CRD keeps its group, names, scope and versions with their
 *   openAPIV3Schema, minus every `description` (the prose); types, required
 *   fields, enums, patterns, formats, defaults and x-kubernetes-* markers stay;
 * - a chart keeps what the values check reads (chartReferenceFromFiles):
 *   version, defaults, values.schema.json, the keys values.yaml documents in
 *   comments, pass-through maps and subchart keys; multi-line text values
 *   (config templates) become a placeholder of the same type.
 *
 * Each extract records the sha256 of every upstream file it came from, so a
 * re-extraction from the same upstream release (`yarn reference:extract`)
 * gives byte-identical files, and a newer release shows up as a diff.
 */

/** Where each upstream file comes from (the release it was taken at). */
export const UPSTREAM_SOURCES: Record<string, string> = {
  'crds/external-secrets.io_clustersecretstores.yaml':
    'external-secrets/external-secrets config/crds/bases/ (chart 2.9.0)',
  'crds/external-secrets.io_externalsecrets.yaml':
    'external-secrets/external-secrets config/crds/bases/ (chart 2.9.0)',
  'crds/external-secrets.io_secretstores.yaml':
    'external-secrets/external-secrets config/crds/bases/ (chart 2.9.0)',
  'crds/helm.toolkit.fluxcd.io_helmreleases.yaml':
    'fluxcd/helm-controller config/crd/bases/ (v1.6.x)',
  'crds/kustomize.toolkit.fluxcd.io_kustomizations.yaml':
    'fluxcd/kustomize-controller config/crd/bases/ (v1.9.x)',
  'crds/source.toolkit.fluxcd.io_gitrepositories.yaml':
    'fluxcd/source-controller config/crd/bases/ (v1.9.x)',
  'crds/source.toolkit.fluxcd.io_helmrepositories.yaml':
    'fluxcd/source-controller config/crd/bases/ (v1.9.x)',
  'crds/source.toolkit.fluxcd.io_ocirepositories.yaml':
    'fluxcd/source-controller config/crd/bases/ (v1.9.x)',
  'crds/image.toolkit.fluxcd.io_imagerepositories.yaml':
    'fluxcd/image-reflector-controller config/crd/bases/ (v1.2.x)',
  'crds/image.toolkit.fluxcd.io_imagepolicies.yaml':
    'fluxcd/image-reflector-controller config/crd/bases/ (v1.2.x)',
  'crds/image.toolkit.fluxcd.io_imageupdateautomations.yaml':
    'fluxcd/image-automation-controller config/crd/bases/ (v1.2.x)',
  'charts/grafana': 'grafana-community/helm-charts charts/grafana',
  'charts/loki': 'grafana-community/helm-charts charts/loki',
  'charts/tempo': 'grafana-community/helm-charts charts/tempo',
  'charts/tempo-distributed':
    'grafana-community/helm-charts charts/tempo-distributed',
  'charts/alloy': 'grafana/alloy operations/helm/charts/alloy',
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const sha256 = (text: string) =>
  crypto.createHash('sha256').update(text).digest('hex');

/** Schema keywords whose value is a schema, a schema map or a schema list. */
const SCHEMA_VALUED = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_MAPS = new Set([
  'properties',
  'patternProperties',
  'definitions',
  '$defs',
]);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);

/** A JSON schema without its `description`/`title` prose; everything else kept. */
export function withoutProse(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutProse);
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if ((key === 'description' || key === 'title') && typeof value === 'string')
      continue;
    if (SCHEMA_MAPS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, withoutProse(v)]),
      );
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map(withoutProse);
    } else if (SCHEMA_VALUED.has(key)) {
      out[key] = withoutProse(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The facts of one CustomResourceDefinition document. */
export function extractCrd(crd: Record<string, any>): Json {
  const { group, scope, names, versions } = crd.spec;
  return {
    apiVersion: crd.apiVersion,
    kind: crd.kind,
    metadata: { name: crd.metadata.name },
    spec: {
      group,
      scope,
      names: {
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      },
      versions: versions.map((v: Record<string, any>) => ({
        name: v.name,
        served: v.served,
        storage: v.storage,
        ...(v.deprecated ? { deprecated: true } : {}),
        ...(v.schema?.openAPIV3Schema
          ? {
              schema: {
                openAPIV3Schema: withoutProse(v.schema.openAPIV3Schema),
              },
            }
          : {}),
      })),
    },
  } as Json;
}

/** Multi-line strings (config templates) become a same-typed placeholder. */
function withoutText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutText);
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, withoutText(v)]),
    );
  }
  if (typeof value === 'string' && value.includes('\n')) {
    return `<text, ${value.split('\n').length} lines>`;
  }
  return value;
}

/** A chart of the extract: its values reference and its example values files. */
export interface ReferenceChart extends ChartReference {
  /** The chart's example values files (e.g. monolithic-values.yaml), parsed. */
  examples?: Record<string, unknown>;
}

/** The facts of one chart (Chart.yaml, values.yaml, values.schema.json). */
export function extractChart(
  files: { chartYaml: string; valuesYaml: string; valuesSchemaJson?: string },
  source: string,
): ChartReference {
  const reference = chartReferenceFromFiles(files, source);
  return {
    ...reference,
    defaults: withoutText(reference.defaults) as Record<string, unknown>,
    schema: reference.schema
      ? (withoutProse(reference.schema) as Record<string, unknown>)
      : undefined,
  };
}

/** One file of the extract: its name below the reference folder and text. */
export interface ExtractFile {
  file: string;
  text: string;
}

const toText = (value: unknown) => `${JSON.stringify(value, null, 1)}\n`;

/**
 * Reads an upstream reference folder (crds/*.yaml, charts/<chart>/{Chart.yaml,
 * values.yaml, values.schema.json}) and returns the extract's files: one JSON
 * per CRD file and per chart, and sources.json naming each input with its
 * sha256. Pure apart from reading `upstreamDir`; see writeExtract.
 */
export function extractReference(upstreamDir: string): ExtractFile[] {
  const files: ExtractFile[] = [];
  const sources: Record<string, { from: string; sha256: string }> = {};
  const crdDir = path.join(upstreamDir, 'crds');
  for (const name of fs.readdirSync(crdDir).sort()) {
    if (!/\.ya?ml$/.test(name)) continue;
    const text = fs.readFileSync(path.join(crdDir, name), 'utf8');
    const crds = parseAllDocuments(text)
      .map(d => d.toJS() as Record<string, any> | null)
      .filter(d => d?.kind === 'CustomResourceDefinition')
      .map(d => extractCrd(d!));
    if (crds.length !== 1) {
      throw new Error(
        `crds/${name}: expected one CustomResourceDefinition, found ${crds.length}`,
      );
    }
    const key = `crds/${name}`;
    sources[key] = {
      from: UPSTREAM_SOURCES[key] ?? 'unknown',
      sha256: sha256(text),
    };
    files.push({
      file: `crds/${name.replace(/\.ya?ml$/, '.json')}`,
      text: toText(crds[0]),
    });
  }
  const chartsDir = path.join(upstreamDir, 'charts');
  for (const chart of fs.readdirSync(chartsDir).sort()) {
    const dir = path.join(chartsDir, chart);
    const read = (f: string) =>
      fs.existsSync(path.join(dir, f))
        ? fs.readFileSync(path.join(dir, f), 'utf8')
        : undefined;
    const chartYaml = read('Chart.yaml');
    const valuesYaml = read('values.yaml');
    if (chartYaml === undefined || valuesYaml === undefined) continue;
    const valuesSchemaJson = read('values.schema.json');
    const key = `charts/${chart}`;
    const from = UPSTREAM_SOURCES[key] ?? 'unknown';
    const reference = extractChart(
      { chartYaml, valuesYaml, valuesSchemaJson },
      `${from} ${chart}`,
    );
    reference.source = `${from} (chart ${reference.version})`;
    const inputs: Array<[string, string | undefined]> = [
      ['Chart.yaml', chartYaml],
      ['values.yaml', valuesYaml],
      ['values.schema.json', valuesSchemaJson],
    ];
    // the chart's example values files (Loki's monolithic-values.yaml), parsed
    const examples: Record<string, unknown> = {};
    for (const f of fs.readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(f) || f === 'Chart.yaml' || f === 'values.yaml')
        continue;
      const t = read(f)!;
      examples[f] = withoutText(parse(t));
      inputs.push([f, t]);
    }
    for (const [f, t] of inputs) {
      if (t !== undefined) sources[`${key}/${f}`] = { from, sha256: sha256(t) };
    }
    const out: ReferenceChart = Object.keys(examples).length
      ? { ...reference, examples }
      : reference;
    files.push({ file: `charts/${chart}.json`, text: toText(out) });
  }
  files.push({ file: 'sources.json', text: toText(sources) });
  return files;
}

/** Writes the extract into `toDir` (crds/, charts/, sources.json), replacing old files. */
export function writeExtract(files: ExtractFile[], toDir: string): void {
  for (const sub of ['crds', 'charts']) {
    fs.rmSync(path.join(toDir, sub), { recursive: true, force: true });
    fs.mkdirSync(path.join(toDir, sub), { recursive: true });
  }
  for (const { file, text } of files) {
    fs.writeFileSync(path.join(toDir, file), text);
  }
}
