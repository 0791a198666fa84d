import { InputError } from '@backstage/errors';
import {
  attr,
  block,
  type AlloyAttribute,
  type AlloyBlock,
  type AlloyComponent,
} from '../model';
import { withOutput, type AlloyOtelOutput } from './otelcol';

/**
 * The OTTL conditions of one signal. A telemetry item is DROPPED when any
 * condition of its signal is true (otelcol.processor.filter.md: "If any of
 * the OTTL statements evaluates to true, the telemetry data is dropped").
 * @public
 */
export interface FilterConditions {
  /**
   * OTTL conditions. With a context prefix on every path
   * (`resource.attributes["service.namespace"]`), the processor infers the
   * context from it (collector-contrib filterprocessor, "context inference").
   */
  conditions: readonly string[];
  /** context: resource, span, spanevent (traces); resource, metric, datapoint (metrics); resource, log (logs). */
  context?: string;
}

/** @public */
export interface FilterProcessorOptions {
  label: string;
  /** trace_conditions blocks. */
  traces?: readonly FilterConditions[];
  /** metric_conditions blocks. */
  metrics?: readonly FilterConditions[];
  /** log_conditions blocks. */
  logs?: readonly FilterConditions[];
  /** error_mode: ignore (the default and the docs' recommendation), silent or propagate. */
  errorMode?: 'ignore' | 'silent' | 'propagate';
  output: AlloyOtelOutput;
  comment?: string;
}

/** Contexts each *_conditions block accepts (otelcol.processor.filter.md). */
const FILTER_CONTEXTS = {
  trace_conditions: ['resource', 'span', 'spanevent'],
  metric_conditions: ['resource', 'metric', 'datapoint'],
  log_conditions: ['resource', 'log'],
} as const;

/**
 * otelcol.processor.filter: drops the telemetry any OTTL condition matches.
 * Written with the trace_conditions, metric_conditions and log_conditions
 * blocks of Alloy v1.18 (the chart's release), not the deprecated
 * traces/metrics/logs blocks; the docs forbid mixing the two forms, so this
 * builder writes only the first (grafana/alloy
 * docs/sources/reference/components/otelcol/otelcol.processor.filter.md).
 * @public
 */
export function filterProcessor(
  opts: FilterProcessorOptions,
): AlloyComponent<'otelcol.processor.filter'> {
  const owner = `otelcol.processor.filter "${opts.label}"`;
  const body: Array<AlloyAttribute | AlloyBlock> = [];
  if (opts.errorMode !== undefined) {
    body.push(attr('error_mode', opts.errorMode));
  }
  const groups: Array<
    [keyof typeof FILTER_CONTEXTS, readonly FilterConditions[] | undefined]
  > = [
    ['trace_conditions', opts.traces],
    ['metric_conditions', opts.metrics],
    ['log_conditions', opts.logs],
  ];
  for (const [name, list] of groups) {
    for (const group of list ?? []) {
      // `conditions` is required in each block (otelcol.processor.filter.md).
      if (
        group.conditions.length === 0 ||
        group.conditions.some(c => c.trim() === '')
      ) {
        throw new InputError(
          `${owner}: each ${name} block needs at least one non-empty condition`,
        );
      }
      const contexts: readonly string[] = FILTER_CONTEXTS[name];
      if (group.context !== undefined && !contexts.includes(group.context)) {
        throw new InputError(
          `${owner}: ${name} takes context ${contexts.join(
            ', ',
          )}, not ${JSON.stringify(group.context)}`,
        );
      }
      body.push(
        block(name, [
          ...(group.context !== undefined
            ? [attr('context', group.context)]
            : []),
          attr('conditions', [...group.conditions]),
        ]),
      );
    }
  }
  if (!body.some(item => item.kind === 'block')) {
    throw new InputError(
      `${owner}: no conditions, so it would drop nothing; leave the filter out`,
    );
  }
  return withOutput(
    'otelcol.processor.filter',
    opts,
    body,
    'Drops the telemetry its OTTL conditions match and passes the rest on.',
  );
}
