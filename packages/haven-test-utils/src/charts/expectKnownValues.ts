import {
  loadChartReference,
  type ChartReferenceOptions,
} from './chartReference';
import { unknownValueKeys } from '@haven-plus/plugin-haven-node';
import { validateLokiValues } from './validateLokiValues';

export interface ExpectKnownValuesOptions extends ChartReferenceOptions {
  /**
   * When the reference has no values for the chart (mimir-distributed, or no
   * shared/reference at all): return `{ skipped: reason }` instead of throwing.
   */
  allowMissingReference?: boolean;
}

/** `result.skipped` is set (the reason) only when the check was skipped. */
export type ExpectKnownValuesResult =
  | { checked: true; chart: string; version: string; skipped?: undefined }
  | { checked: false; skipped: string };

/**
 * For tests: throws an Error listing every values key the chart does not know
 * (and, for a chart with values.schema.json such as Loki, every schema
 * problem of the values coalesced onto the defaults), or returns
 * `{ checked: true }`. A chart without reference values throws, unless
 * `allowMissingReference` is set; then the caller gets `{ skipped }` to print:
 *
 * @example
 *   const result = expectKnownValues('mimir-distributed', release.spec.values, {
 *     allowMissingReference: true,
 *   });
 *   if (!result.checked) console.warn(`SKIPPED: ${result.skipped}`);
 */
export function expectKnownValues(
  chart: string,
  values: unknown,
  options: ExpectKnownValuesOptions = {},
): ExpectKnownValuesResult {
  const reference = loadChartReference(chart, options);
  if (!reference.found) {
    if (options.allowMissingReference) {
      return { checked: false, skipped: reference.reason };
    }
    throw new Error(
      `${reference.reason} (pass { allowMissingReference: true } to skip instead)`,
    );
  }
  const lines: string[] = unknownValueKeys(values, reference).map(
    u => `  - ${u.path}: ${u.reason}`,
  );
  if (reference.schema) {
    lines.push(
      ...validateLokiValues(values, reference.schema, {
        defaults: reference.defaults,
      }).map(p => `  - ${p.path}: values.schema.json: ${p.message}`),
    );
  }
  if (lines.length > 0) {
    throw new Error(
      `${lines.length} problem(s) in the values for ${chart} ${
        reference.version
      }:\n${lines.join('\n')}`,
    );
  }
  return { checked: true, chart, version: reference.version };
}
