import { InputError } from '@backstage/errors';
import { ALLOY_COMPONENTS, ALLOY_SIGNALS, type AlloySignal } from '../catalog';
import {
  attr,
  block,
  type AlloyAttribute,
  type AlloyBlock,
  type AlloyComponent,
  type AlloyRef,
} from '../model';

/** Where the `output` block of an otelcol component sends each signal. @public */
export type AlloyOtelOutput = Partial<
  Record<AlloySignal, ReadonlyArray<AlloyRef<'input'>>>
>;

function outputBlock(output: AlloyOtelOutput, owner: string): AlloyBlock {
  const body: AlloyAttribute[] = [];
  for (const signal of ALLOY_SIGNALS) {
    const targets = output[signal];
    if (!targets || targets.length === 0) continue;
    for (const target of targets) {
      const spec = ALLOY_COMPONENTS[target.component]?.exports[target.export];
      if (!spec || spec.type !== 'otelcol.Consumer') {
        throw new InputError(
          `${owner}: output.${signal} takes otelcol.Consumer inputs; ${target.component}.${target.label}.${target.export} is not one`,
        );
      }
      if (spec.signals && !spec.signals.includes(signal)) {
        throw new InputError(
          `${owner}: output.${signal} cannot go to ${target.component} "${target.label}" (${spec.says})`,
        );
      }
    }
    body.push(attr(signal, targets));
  }
  if (body.length === 0) {
    throw new InputError(
      `${owner}: the output block is required and must send at least one signal`,
    );
  }
  return block('output', body);
}

/**
 * An otelcol receiver or processor: its arguments, then the `output` block
 * each of them requires (otelcol.receiver.otlp.md,
 * otelcol.processor.batch.md, otelcol.processor.filter.md: `output` block,
 * required), and the comment given or the default one.
 */
export function withOutput<N extends string>(
  name: N,
  opts: { label: string; output: AlloyOtelOutput; comment?: string },
  body: ReadonlyArray<AlloyAttribute | AlloyBlock>,
  defaultComment: string,
): AlloyComponent<N> {
  return {
    name,
    label: opts.label,
    body: [...body, outputBlock(opts.output, `${name} "${opts.label}"`)],
    comment: opts.comment ?? defaultComment,
  };
}

/** @public */
export interface OtlpReceiverOptions {
  label: string;
  /** grpc > endpoint, `host:port` to listen on; omit for no gRPC server (otelcol.receiver.otlp.md, `grpc`). */
  grpcEndpoint?: string;
  /** http > endpoint, `host:port` to listen on; omit for no HTTP server (otelcol.receiver.otlp.md, `http`). */
  httpEndpoint?: string;
  output: AlloyOtelOutput;
  comment?: string;
}

/** otelcol.receiver.otlp: accepts OTLP over gRPC and/or HTTP. @public */
export function otlpReceiver(
  opts: OtlpReceiverOptions,
): AlloyComponent<'otelcol.receiver.otlp'> {
  const owner = `otelcol.receiver.otlp "${opts.label}"`;
  if (!opts.grpcEndpoint && !opts.httpEndpoint) {
    // otelcol.receiver.otlp.md: "If the grpc block isn't provided, a gRPC
    // server isn't started", and the same for http.
    throw new InputError(
      `${owner}: give grpcEndpoint or httpEndpoint, or it listens nowhere`,
    );
  }
  const body: Array<AlloyAttribute | AlloyBlock> = [];
  if (opts.grpcEndpoint) {
    body.push(block('grpc', [attr('endpoint', opts.grpcEndpoint)]));
  }
  if (opts.httpEndpoint) {
    body.push(block('http', [attr('endpoint', opts.httpEndpoint)]));
  }
  return withOutput(
    'otelcol.receiver.otlp',
    opts,
    body,
    `Receives OTLP${opts.grpcEndpoint ? ` gRPC on ${opts.grpcEndpoint}` : ''}${
      opts.grpcEndpoint && opts.httpEndpoint ? ' and' : ''
    }${opts.httpEndpoint ? ` HTTP on ${opts.httpEndpoint}` : ''}.`,
  );
}

/** @public */
export interface BatchProcessorOptions {
  label: string;
  output: AlloyOtelOutput;
  /** timeout, a duration such as "200ms" (otelcol.processor.batch.md, Arguments). */
  timeout?: string;
  /** send_batch_size (otelcol.processor.batch.md, Arguments). */
  sendBatchSize?: number;
  /** send_batch_max_size; 0 or at least send_batch_size (otelcol.processor.batch.md). */
  sendBatchMaxSize?: number;
  comment?: string;
}

/** otelcol.processor.batch: batches telemetry before export. @public */
export function batchProcessor(
  opts: BatchProcessorOptions,
): AlloyComponent<'otelcol.processor.batch'> {
  const owner = `otelcol.processor.batch "${opts.label}"`;
  const body: Array<AlloyAttribute | AlloyBlock> = [];
  if (opts.timeout !== undefined) body.push(attr('timeout', opts.timeout));
  if (opts.sendBatchSize !== undefined) {
    body.push(attr('send_batch_size', opts.sendBatchSize));
  }
  if (opts.sendBatchMaxSize !== undefined) {
    // otelcol.processor.batch.md: "When set to a non-zero value,
    // send_batch_max_size must be greater than or equal to send_batch_size."
    if (
      opts.sendBatchMaxSize !== 0 &&
      opts.sendBatchMaxSize < (opts.sendBatchSize ?? 2000)
    ) {
      throw new InputError(
        `${owner}: send_batch_max_size must be 0 or at least send_batch_size`,
      );
    }
    body.push(attr('send_batch_max_size', opts.sendBatchMaxSize));
  }
  return withOutput(
    'otelcol.processor.batch',
    opts,
    body,
    'Batches every signal before export (otelcol.processor.batch.md recommends it on every pipeline).',
  );
}
