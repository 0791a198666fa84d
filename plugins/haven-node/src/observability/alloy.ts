import { InputError } from '@backstage/errors';
import {
  ALLOY_COMPONENTS,
  ALLOY_SIGNALS,
  type AlloySignal,
  splitReferencePath,
} from './alloyCatalog';

/*
 * A typed model of a Grafana Alloy configuration and its printer. The text
 * is never a template: values are data, and renderAlloy escapes them so that
 * none can leave its string, comment or key.
 *
 * Syntax: shared/reference/alloy/syntax.md. Where that page is silent
 * (string escapes, commas in multi-line lists) we follow Alloy's own scanner
 * and parser (grafana/alloy syntax/scanner, syntax/parser):
 *  - strings take Go's escapes (\n \r \t \\ \" \uXXXX ...); NUL and a byte
 *    order mark are illegal anywhere in the file, even inside a string;
 *  - a newline after a value ends the statement, so a list or object
 *    spread over lines needs a comma after its last element too;
 *  - object keys are taken verbatim: the VM does not unescape quoted keys,
 *    so a key must not need escaping;
 *  - a backtick string is raw (no escapes, ends only at the next backtick);
 *    renderAlloy uses it for strings holding `"` (OTTL conditions) when
 *    they contain no backtick, control character or `{{`.
 *
 * One more consumer reads the text: the Alloy Helm chart passes
 * alloy.configMap.content through Helm's `tpl` (templates/configmap.yaml),
 * which runs any `{{ ... }}` in it, `lookup` of cluster Secrets included.
 * renderAlloy therefore never emits `{{`: inside strings the second brace is
 * written \u007b, and comments or keys holding `{{` are refused.
 */

/** A reference to another component's export, e.g. otelcol.processor.batch.default.input. @public */
export interface AlloyRef<E extends string = string> {
  readonly kind: 'ref';
  readonly component: string;
  readonly label: string;
  readonly export: E;
}

/** An object value, `{ "key" = value }`, with its keys in order. @public */
export interface AlloyObject {
  readonly kind: 'object';
  readonly entries: ReadonlyArray<readonly [string, AlloyValue]>;
}

/** A standard-library call such as sys.env("LOKI_TENANT"). @public */
export interface AlloyCall {
  readonly kind: 'call';
  readonly fn: string;
  readonly args: readonly AlloyValue[];
}

/** A value: string, number, boolean, null, list, object, reference or call. @public */
export type AlloyValue =
  | string
  | number
  | boolean
  | null
  | readonly AlloyValue[]
  | AlloyObject
  | AlloyRef
  | AlloyCall;

/** `key = value`. @public */
export interface AlloyAttribute {
  readonly kind: 'attribute';
  readonly key: string;
  readonly value: AlloyValue;
}

/**
 * `name { ... }` inside a component. Nested blocks carry no label:
 * syntax.md ("Block body can contain attributes and nested unlabeled
 * blocks"); a block may repeat (loki.write.md: several `endpoint` blocks).
 * @public
 */
export interface AlloyBlock {
  readonly kind: 'block';
  readonly name: string;
  readonly body: AlloyBody;
}

/** The ordered attributes and blocks of a component or block. @public */
export type AlloyBody = ReadonlyArray<AlloyAttribute | AlloyBlock>;

/** One component: `name "label" { body }`, with a `//` comment above it. @public */
export interface AlloyComponent<N extends string = string> {
  readonly name: N;
  /** Unique per component type (syntax.md); '' only for unlabeled blocks such as `logging`. */
  readonly label: string;
  readonly body: AlloyBody;
  /** What the component does; printed as `//` lines above it. */
  readonly comment?: string;
}

/** `key = value`. @public */
export function attr(key: string, value: AlloyValue): AlloyAttribute {
  return { kind: 'attribute', key, value };
}

/** `name { body }`. @public */
export function block(name: string, body: AlloyBody): AlloyBlock {
  return { kind: 'block', name, body };
}

/** `{ "key" = value, ... }` from a record (keys in insertion order). @public */
export function obj(
  entries:
    | Readonly<Record<string, AlloyValue>>
    | ReadonlyArray<readonly [string, AlloyValue]>,
): AlloyObject {
  return {
    kind: 'object',
    entries: Array.isArray(entries)
      ? [...(entries as ReadonlyArray<readonly [string, AlloyValue]>)]
      : Object.entries(entries as Readonly<Record<string, AlloyValue>>),
  };
}

/** A call such as sys.env("NAME"). @public */
export function call(fn: string, ...args: AlloyValue[]): AlloyCall {
  return { kind: 'call', fn, args };
}

/**
 * Exports per component type, from the docs' "Exported fields" sections:
 * otelcol processors (batch, filter) and exporters export `input`, loki.write and
 * prometheus.remote_write `receiver`, discovery.kubernetes `targets`,
 * discovery.relabel `output` and `rules`; otelcol.receiver.otlp and
 * loki.source.kubernetes export nothing.
 * @public
 */
export interface AlloyComponentExports {
  'otelcol.receiver.otlp': never;
  'otelcol.processor.batch': 'input';
  'otelcol.processor.filter': 'input';
  'otelcol.exporter.otlp': 'input';
  'otelcol.exporter.otlphttp': 'input';
  'otelcol.exporter.loki': 'input';
  'otelcol.exporter.prometheus': 'input';
  'prometheus.remote_write': 'receiver';
  'loki.write': 'receiver';
  'loki.source.kubernetes': never;
  'discovery.kubernetes': 'targets';
  'discovery.relabel': 'output' | 'rules';
}

/** A component type of the reference docs. @public */
export type AlloyKnownComponent = keyof AlloyComponentExports;

type Exporting = {
  [N in AlloyKnownComponent]: AlloyComponentExports[N] extends never
    ? never
    : N;
}[AlloyKnownComponent];

/** `<component>.<label>.<export>` for a component type that has that export. @public */
export type AlloyRefPath = {
  [N in Exporting]: `${N}.${string}.${AlloyComponentExports[N]}`;
}[Exporting];

/** The part after the last dot. @public */
export type AlloyLastSegment<S extends string> =
  S extends `${string}.${infer Rest}` ? AlloyLastSegment<Rest> : S;

const IDENTIFIER = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;
const KEYWORDS = new Set(['true', 'false', 'null']);

/** syntax.md "Identifiers": UTF-8 letters, digits, underscores; no leading digit. @public */
export function isAlloyIdentifier(s: string): boolean {
  return IDENTIFIER.test(s) && !KEYWORDS.has(s);
}

function assertIdentifier(s: string, what: string): void {
  if (!isAlloyIdentifier(s)) {
    throw new InputError(
      `${what} ${JSON.stringify(
        s,
      )} is not an Alloy identifier (letters, digits and underscores, not starting with a digit: syntax.md "Identifiers")`,
    );
  }
}

function assertDottedName(s: string, what: string): void {
  for (const part of s.split('.')) assertIdentifier(part, `${what} part of`);
}

/**
 * A reference to a component export, checked against the docs: the
 * component type must be one of the reference docs' and have that export.
 * `ref('otelcol.processor.batch.default.input')`.
 * @public
 */
export function ref<P extends AlloyRefPath>(
  path: P,
): AlloyRef<AlloyLastSegment<P>> {
  const split = splitReferencePath(path);
  const spec = split && ALLOY_COMPONENTS[split.component];
  if (!split || !spec) {
    throw new InputError(
      `${JSON.stringify(
        path,
      )} does not name a component type of the reference docs`,
    );
  }
  if (!spec.exports[split.export]) {
    const has = Object.keys(spec.exports);
    throw new InputError(
      `${split.component} has no export ${JSON.stringify(split.export)} (${
        spec.doc
      }: ${has.length > 0 ? `exports ${has.join(', ')}` : 'exports nothing'})`,
    );
  }
  assertIdentifier(split.label, 'Label');
  return {
    kind: 'ref',
    component: split.component,
    label: split.label,
    export: split.export as AlloyLastSegment<P>,
  };
}

/** A reference to an export of a component built here: exportOf(batch, 'input'). @public */
export function exportOf<
  N extends Exporting,
  E extends AlloyComponentExports[N],
>(component: AlloyComponent<N>, exportName: E): AlloyRef<E> {
  return ref(
    `${component.name}.${component.label}.${exportName}` as AlloyRefPath,
  ) as AlloyRef<E>;
}

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
  // otelcol.receiver.otlp.md: `output` block, required.
  body.push(outputBlock(opts.output, owner));
  return {
    name: 'otelcol.receiver.otlp',
    label: opts.label,
    body,
    comment:
      opts.comment ??
      `Receives OTLP${
        opts.grpcEndpoint ? ` gRPC on ${opts.grpcEndpoint}` : ''
      }${opts.grpcEndpoint && opts.httpEndpoint ? ' and' : ''}${
        opts.httpEndpoint ? ` HTTP on ${opts.httpEndpoint}` : ''
      }.`,
  };
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
  // otelcol.processor.batch.md: `output` block, required.
  body.push(outputBlock(opts.output, owner));
  return {
    name: 'otelcol.processor.batch',
    label: opts.label,
    body,
    comment:
      opts.comment ??
      'Batches every signal before export (otelcol.processor.batch.md recommends it on every pipeline).',
  };
}

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
  body.push(outputBlock(opts.output, owner));
  return {
    name: 'otelcol.processor.filter',
    label: opts.label,
    body,
    comment:
      opts.comment ??
      'Drops the telemetry its OTTL conditions match and passes the rest on.',
  };
}

function headersAttr(
  headers: Readonly<Record<string, string>> | undefined,
): AlloyAttribute[] {
  return headers && Object.keys(headers).length > 0
    ? [attr('headers', obj(headers))]
    : [];
}

/** @public */
export interface OtlpHttpExporterOptions {
  label: string;
  /** client > endpoint: base URL; the exporter appends /v1/logs, /v1/metrics, /v1/traces (otelcol.exporter.otlphttp.md, Arguments). */
  endpoint: string;
  /**
   * client > headers, map(string), e.g. X-Scope-OrgID. The otlphttp page
   * pulls its client table from a shared file we do not have; contracts.md
   * section 4 documents client.headers for otlphttp, and
   * otelcol.exporter.otlp.md lists the same `headers` for its client.
   */
  headers?: Readonly<Record<string, string>>;
  /** client > tls > insecure / insecure_skip_verify (otelcol.exporter.otlphttp.md, "Local Tempo database" example). */
  tls?: { insecure?: boolean; insecureSkipVerify?: boolean };
  comment?: string;
}

function tlsBlock(tls: {
  insecure?: boolean;
  insecureSkipVerify?: boolean;
}): AlloyBlock[] {
  const body: AlloyAttribute[] = [];
  if (tls.insecure !== undefined) body.push(attr('insecure', tls.insecure));
  if (tls.insecureSkipVerify !== undefined) {
    body.push(attr('insecure_skip_verify', tls.insecureSkipVerify));
  }
  return body.length > 0 ? [block('tls', body)] : [];
}

/** otelcol.exporter.otlphttp: sends OTLP over HTTP. @public */
export function otlpHttpExporter(
  opts: OtlpHttpExporterOptions,
): AlloyComponent<'otelcol.exporter.otlphttp'> {
  let url: URL;
  try {
    url = new URL(opts.endpoint);
  } catch {
    throw new InputError(
      `otelcol.exporter.otlphttp "${opts.label}": endpoint ${JSON.stringify(
        opts.endpoint,
      )} is not a URL`,
    );
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    throw new InputError(
      `otelcol.exporter.otlphttp "${opts.label}": endpoint must be an http(s) base URL without query or fragment, since the exporter appends /v1/<signal>`,
    );
  }
  return {
    name: 'otelcol.exporter.otlphttp',
    label: opts.label,
    // otelcol.exporter.otlphttp.md: `client` block, required.
    body: [
      block('client', [
        attr('endpoint', opts.endpoint),
        ...headersAttr(opts.headers),
        ...tlsBlock(opts.tls ?? {}),
      ]),
    ],
    comment:
      opts.comment ?? `Sends OTLP over HTTP to ${opts.endpoint}/v1/<signal>.`,
  };
}

/** @public */
export interface OtlpGrpcExporterOptions {
  label: string;
  /** client > endpoint, `host:port` (otelcol.exporter.otlp.md, `client`: "host:port to send telemetry data to"). */
  endpoint: string;
  /** client > tls > insecure: plaintext gRPC (otelcol.exporter.otlp.md, "Send data to a local Tempo instance"). */
  insecure: boolean;
  /** client > headers, map(string) (otelcol.exporter.otlp.md, `client`). */
  headers?: Readonly<Record<string, string>>;
  comment?: string;
}

/** otelcol.exporter.otlp: sends OTLP over gRPC. @public */
export function otlpGrpcExporter(
  opts: OtlpGrpcExporterOptions,
): AlloyComponent<'otelcol.exporter.otlp'> {
  if (!/^(\[[0-9A-Fa-f:.]+\]|[^\s/:[\]]+):\d{1,5}$/.test(opts.endpoint)) {
    throw new InputError(
      `otelcol.exporter.otlp "${opts.label}": endpoint ${JSON.stringify(
        opts.endpoint,
      )} must be host:port, without a scheme (otelcol.exporter.otlp.md)`,
    );
  }
  return {
    name: 'otelcol.exporter.otlp',
    label: opts.label,
    // otelcol.exporter.otlp.md: `client` block and its `endpoint`, required.
    body: [
      block('client', [
        attr('endpoint', opts.endpoint),
        ...headersAttr(opts.headers),
        ...(opts.insecure ? tlsBlock({ insecure: true }) : []),
      ]),
    ],
    comment:
      opts.comment ??
      `Sends OTLP over gRPC to ${opts.endpoint}${
        opts.insecure ? ' (plaintext)' : ''
      }.`,
  };
}

/** @public */
export interface KubernetesDiscoveryOptions {
  label: string;
  /** role: one of the roles discovery.kubernetes.md lists. */
  role: 'node' | 'pod' | 'service' | 'endpoints' | 'endpointslice' | 'ingress';
  /** namespaces > names; omit to search all namespaces (discovery.kubernetes.md, `namespaces`). */
  namespaces?: readonly string[];
  comment?: string;
}

/** discovery.kubernetes: finds targets through the Kubernetes API. @public */
export function kubernetesDiscovery(
  opts: KubernetesDiscoveryOptions,
): AlloyComponent<'discovery.kubernetes'> {
  const body: Array<AlloyAttribute | AlloyBlock> = [attr('role', opts.role)];
  if (opts.namespaces) {
    if (opts.namespaces.length === 0) {
      throw new InputError(
        `discovery.kubernetes "${opts.label}": namespaces is empty; omit it to search all namespaces`,
      );
    }
    body.push(block('namespaces', [attr('names', [...opts.namespaces])]));
  }
  return {
    name: 'discovery.kubernetes',
    label: opts.label,
    body,
    comment:
      opts.comment ??
      `Discovers ${opts.role} targets in ${
        opts.namespaces
          ? `namespaces ${opts.namespaces.join(', ')}`
          : 'all namespaces'
      }.`,
  };
}

/**
 * The exports of type Targets, list(map(string)): discovery.kubernetes
 * `targets` and discovery.relabel `output`.
 * @public
 */
export type AlloyTargetsRef = AlloyRef<'targets' | 'output'>;

function assertTargets(r: AlloyRef, owner: string): void {
  if (ALLOY_COMPONENTS[r.component]?.exports[r.export]?.type !== 'Targets') {
    throw new InputError(
      `${owner}: targets must come from a Targets export (list(map(string))); ${r.component}.${r.label}.${r.export} is not one`,
    );
  }
}

/**
 * A relabeling action, as the `rule` block lists them (grafana/alloy
 * docs/sources/shared/reference/components/rule-block.md, "You can use the
 * following actions").
 * @public
 */
export type AlloyRelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

/**
 * One `rule` block (rule-block.md). Every argument is optional; Alloy's
 * defaults are action "replace", separator ";", regex "(.*)" and
 * replacement "$1". The regex is RE2 and anchored at both ends.
 * @public
 */
export interface AlloyRelabelRule {
  /** source_labels: labels whose values are joined with `separator` and matched against `regex`. */
  sourceLabels?: readonly string[];
  /** separator, default ";". */
  separator?: string;
  /** regex, RE2, default "(.*)"; for labelmap/labeldrop/labelkeep it is matched against label names. */
  regex?: string;
  /** modulus, a positive integer; hashmod only. */
  modulus?: number;
  /** target_label: the label written (replace, hashmod, lowercase, uppercase) or compared (keepequal, dropequal). */
  targetLabel?: string;
  /** replacement, default "$1"; may use capture groups ($1 or ${1}). */
  replacement?: string;
  /** action, default "replace". */
  action?: AlloyRelabelAction;
}

/** @public */
export interface DiscoveryRelabelOptions {
  label: string;
  /** targets, list(map(string)), required: e.g. discovery.kubernetes.pods.targets. */
  targets: AlloyTargetsRef;
  /** The `rule` blocks, applied top-down to each target's labels. */
  rules: readonly AlloyRelabelRule[];
  comment?: string;
}

/** The form of every `__meta_` label name discovery.kubernetes sets (sanitised; see below). */
const SANITISED_META = /^__meta_[a-zA-Z0-9_]*$/;
/**
 * Alloy's check of target_label (and of a labelmap replacement),
 * relabel.go's relabelTarget `^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$`,
 * rewritten to accept the same names without nested quantifiers, which
 * backtrack exponentially in JavaScript (Go's RE2 does not backtrack): a
 * letter, `_` or capture reference, then word characters or references.
 */
const RELABEL_TARGET =
  /^(?:[a-zA-Z_]|\$(?:\{\w+\}|\w))(?:\w|\$(?:\{\w+\}|\w))*$/;

function relabelRuleBlock(rule: AlloyRelabelRule, owner: string): AlloyBlock {
  const action = rule.action ?? 'replace';
  const fail = (why: string): never => {
    throw new InputError(`${owner}: rule with action "${action}" ${why}`);
  };
  // The checks follow Alloy's own validation of a rule (grafana/alloy
  // internal/component/common/relabel/relabel.go, Config.Validate), so a
  // rule Alloy would refuse at load time is refused here.
  const writes = ['replace', 'hashmod', 'lowercase', 'uppercase'];
  const compares = ['keepequal', 'dropequal'];
  if ([...writes, ...compares].includes(action)) {
    if (!rule.targetLabel) fail('needs targetLabel');
    if (action !== 'hashmod' && !RELABEL_TARGET.test(rule.targetLabel!)) {
      fail(
        `has targetLabel ${JSON.stringify(
          rule.targetLabel,
        )}, which is not a label name (capture references such as $1 allowed)`,
      );
    }
    if (
      action === 'hashmod' &&
      !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(rule.targetLabel!)
    ) {
      fail(
        `has targetLabel ${JSON.stringify(
          rule.targetLabel,
        )}, which is not a label name`,
      );
    }
  }
  if (action === 'hashmod') {
    if (
      rule.modulus === undefined ||
      !Number.isSafeInteger(rule.modulus) ||
      rule.modulus <= 0
    ) {
      fail('needs a positive integer modulus');
    }
  } else if (rule.modulus !== undefined) {
    fail('takes no modulus (hashmod only)');
  }
  if (
    ['labeldrop', 'labelkeep'].includes(action) &&
    (rule.sourceLabels !== undefined ||
      rule.targetLabel !== undefined ||
      rule.separator !== undefined ||
      rule.replacement !== undefined)
  ) {
    fail('takes only regex');
  }
  if (
    compares.includes(action) &&
    (rule.regex !== undefined ||
      rule.separator !== undefined ||
      rule.replacement !== undefined)
  ) {
    fail('takes only sourceLabels and targetLabel');
  }
  if (
    ['lowercase', 'uppercase'].includes(action) &&
    rule.replacement !== undefined
  ) {
    fail('takes no replacement');
  }
  if (action === 'labelmap' && rule.replacement !== undefined) {
    if (!RELABEL_TARGET.test(rule.replacement)) {
      fail(
        `has replacement ${JSON.stringify(
          rule.replacement,
        )}, which is not a label name (capture references such as $1 allowed)`,
      );
    }
  }
  for (const name of rule.sourceLabels ?? []) {
    if (name === '') fail('has an empty source label');
    // discovery.kubernetes names a Kubernetes label app.kubernetes.io/name
    // __meta_kubernetes_pod_label_app_kubernetes_io_name: "any unsupported
    // characters converted to an underscore" (Prometheus kubernetes_sd_config
    // docs; prometheus/prometheus discovery/kubernetes, addObjectMetaLabels
    // with strutil.SanitizeLabelName). A `__meta_` name holding a dot, slash
    // or dash would never match and the rule would silently do nothing.
    if (name.startsWith('__meta_') && !SANITISED_META.test(name)) {
      fail(
        `reads source label ${JSON.stringify(
          name,
        )}, which service discovery never sets: it replaces every character other than [a-zA-Z0-9_] in a meta label name with "_"`,
      );
    }
  }
  const body: AlloyAttribute[] = [];
  if (rule.sourceLabels !== undefined) {
    body.push(attr('source_labels', [...rule.sourceLabels]));
  }
  if (rule.separator !== undefined)
    body.push(attr('separator', rule.separator));
  if (rule.regex !== undefined) body.push(attr('regex', rule.regex));
  if (rule.modulus !== undefined) body.push(attr('modulus', rule.modulus));
  if (rule.targetLabel !== undefined) {
    body.push(attr('target_label', rule.targetLabel));
  }
  if (rule.replacement !== undefined) {
    body.push(attr('replacement', rule.replacement));
  }
  if (rule.action !== undefined) body.push(attr('action', rule.action));
  return block('rule', body);
}

/**
 * discovery.relabel: rewrites the labels of targets with `rule` blocks,
 * applied top-down (grafana/alloy
 * docs/sources/reference/components/discovery/discovery.relabel.md,
 * https://grafana.com/docs/alloy/latest/reference/components/discovery/discovery.relabel/).
 * Reference its `output` where targets are taken.
 * @public
 */
export function discoveryRelabel(
  opts: DiscoveryRelabelOptions,
): AlloyComponent<'discovery.relabel'> {
  const owner = `discovery.relabel "${opts.label}"`;
  assertTargets(opts.targets, owner);
  return {
    name: 'discovery.relabel',
    label: opts.label,
    body: [
      attr('targets', opts.targets),
      ...opts.rules.map(r => relabelRuleBlock(r, owner)),
    ],
    comment:
      opts.comment ??
      `Relabels ${opts.targets.component} "${opts.targets.label}" targets (${
        opts.rules.length
      } rule${opts.rules.length === 1 ? '' : 's'}).`,
  };
}

/** @public */
export interface KubernetesLogSourceOptions {
  label: string;
  /**
   * targets, list(map(string)), e.g. discovery.kubernetes.pods.targets or
   * discovery.relabel.pod_logs.output (loki.source.kubernetes.md).
   */
  targets: AlloyTargetsRef;
  /** forward_to, list(LogsReceiver) (loki.source.kubernetes.md). */
  forwardTo: ReadonlyArray<AlloyRef<'receiver'>>;
  comment?: string;
}

/** loki.source.kubernetes: tails container logs through the Kubernetes API. @public */
export function kubernetesLogSource(
  opts: KubernetesLogSourceOptions,
): AlloyComponent<'loki.source.kubernetes'> {
  const owner = `loki.source.kubernetes "${opts.label}"`;
  assertTargets(opts.targets, owner);
  if (opts.forwardTo.length === 0) {
    throw new InputError(`${owner}: forward_to is required`);
  }
  for (const r of opts.forwardTo) {
    if (
      ALLOY_COMPONENTS[r.component]?.exports[r.export]?.type !== 'LogsReceiver'
    ) {
      throw new InputError(
        `${owner}: forward_to takes LogsReceivers; ${r.component}.${r.label}.${r.export} is not one`,
      );
    }
  }
  return {
    name: 'loki.source.kubernetes',
    label: opts.label,
    body: [attr('targets', opts.targets), attr('forward_to', opts.forwardTo)],
    comment:
      opts.comment ??
      'Tails container logs through the Kubernetes API (no host mounts, no DaemonSet needed).',
  };
}

/** @public */
export interface LokiWriteOptions {
  label: string;
  /** endpoint > url: full push URL, e.g. <loki>/loki/api/v1/push (loki.write.md, `endpoint`). */
  url: string;
  /** endpoint > tenant_id; without it no X-Scope-OrgID is sent (loki.write.md, `endpoint`). */
  tenantId?: string;
  comment?: string;
}

/** loki.write: pushes log entries to Loki. @public */
export function lokiWrite(
  opts: LokiWriteOptions,
): AlloyComponent<'loki.write'> {
  return {
    name: 'loki.write',
    label: opts.label,
    body: [
      block('endpoint', [
        attr('url', opts.url),
        ...(opts.tenantId !== undefined
          ? [attr('tenant_id', opts.tenantId)]
          : []),
      ]),
    ],
    comment: opts.comment ?? `Pushes log entries to ${opts.url}.`,
  };
}

// ---------------------------------------------------------------------------
// Printing

const INDENT = '  ';
const INLINE_MAX = 80;

function isLoneSurrogate(cp: number): boolean {
  return cp >= 0xd800 && cp <= 0xdfff;
}

/** Characters written as \uXXXX: controls, line separators, BOM, non-characters. */
function mustEscape(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0xfeff ||
    cp === 0xfffe ||
    cp === 0xffff
  );
}

const u4 = (cp: number) => `\\u${cp.toString(16).padStart(4, '0')}`;

/**
 * A string as an Alloy string literal. Escapes quotes, backslashes and
 * every control character, and breaks `{{` (see the top of this file).
 * @public
 */
export function quoteAlloyString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (isLoneSurrogate(cp)) {
      throw new InputError(
        'A string holds a lone UTF-16 surrogate, which UTF-8 (and so Alloy) cannot carry',
      );
    }
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (mustEscape(cp)) out += u4(cp);
    else if (ch === '{' && out.endsWith('{')) out += u4(cp);
    else out += ch;
  }
  return `${out}"`;
}

/**
 * A string that holds double quotes (OTTL conditions, for instance) as a
 * backtick raw string, the form the otelcol.processor.filter docs use ("Raw
 * Alloy syntax strings can be used to write OTTL statements"), when that is
 * exact: a raw string has no escapes, so it must hold no backtick, control
 * character, `{{` or lone surrogate. Anything else is quoted.
 */
function stringLiteral(s: string): string {
  if (!s.includes('"') || s.includes('`') || s.includes('{{')) {
    return quoteAlloyString(s);
  }
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (mustEscape(cp) || isLoneSurrogate(cp)) return quoteAlloyString(s);
  }
  return `\`${s}\``;
}

function quoteKey(key: string): string {
  let ok = key.length > 0 && !key.includes('{{');
  for (const ch of key) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\' || mustEscape(cp) || isLoneSurrogate(cp)) {
      ok = false;
    }
  }
  if (!ok) {
    // Alloy takes quoted object keys verbatim (no unescaping), so a key
    // that would need an escape cannot be written faithfully.
    throw new InputError(
      `Object key ${JSON.stringify(
        key,
      )} must be non-empty and free of quotes, backslashes, control characters and "{{"`,
    );
  }
  return `"${key}"`;
}

function renderRef(r: AlloyRef): string {
  assertDottedName(r.component, 'Referenced component');
  assertIdentifier(r.label, 'Referenced label');
  assertDottedName(r.export, 'Referenced export');
  return `${r.component}.${r.label}.${r.export}`;
}

function renderNumber(n: number): string {
  if (!Number.isFinite(n)) {
    throw new InputError(`${n} cannot be written as an Alloy number`);
  }
  return String(n);
}

/** A value on one line, or undefined when it holds a nested list or object. */
function renderInline(v: AlloyValue): string {
  if (typeof v === 'string') return stringLiteral(v);
  if (typeof v === 'number') return renderNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    const items = (v as readonly AlloyValue[]).map(renderInline);
    return `[${items.join(', ')}]`;
  }
  const o = v as AlloyObject | AlloyRef | AlloyCall;
  if (o.kind === 'ref') return renderRef(o);
  if (o.kind === 'call') {
    assertDottedName(o.fn, 'Function');
    return `${o.fn}(${o.args.map(renderInline).join(', ')})`;
  }
  if (o.entries.length === 0) return '{}';
  return `{ ${o.entries
    .map(([k, val]) => `${quoteKey(k)} = ${renderInline(val)}`)
    .join(', ')} }`;
}

function isObject(v: AlloyValue): v is AlloyObject {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    (v as AlloyObject).kind === 'object'
  );
}

function childrenOf(v: AlloyValue): readonly AlloyValue[] {
  if (Array.isArray(v)) return v as readonly AlloyValue[];
  if (isObject(v)) return v.entries.map(([, val]) => val);
  return [];
}

function isNested(v: AlloyValue): boolean {
  return childrenOf(v).length > 0;
}

/** A value at the given depth: one line when short and flat, else one element a line. */
function renderValue(v: AlloyValue, depth: number): string {
  const inline = renderInline(v);
  const children = childrenOf(v);
  const flat = !children.some(isNested);
  if (flat && inline.length <= INLINE_MAX) return inline;
  const pad = INDENT.repeat(depth + 1);
  if (Array.isArray(v)) {
    const lines = (v as readonly AlloyValue[]).map(
      item => `${pad}${renderValue(item, depth + 1)},`,
    );
    return `[\n${lines.join('\n')}\n${INDENT.repeat(depth)}]`;
  }
  if (isObject(v)) {
    const entries = v.entries;
    const width = Math.max(...entries.map(([k]) => quoteKey(k).length));
    const lines = entries.map(
      ([k, val]) =>
        `${pad}${quoteKey(k).padEnd(width)} = ${renderValue(val, depth + 1)},`,
    );
    return `{\n${lines.join('\n')}\n${INDENT.repeat(depth)}}`;
  }
  return inline;
}

function renderBody(body: AlloyBody, depth: number): string[] {
  const pad = INDENT.repeat(depth);
  const lines: string[] = [];
  let i = 0;
  while (i < body.length) {
    const item = body[i];
    if (i > 0) lines.push('');
    if (item.kind === 'attribute') {
      // A run of attributes, their `=` aligned as in the docs' examples.
      let j = i;
      while (j < body.length && body[j].kind === 'attribute') j++;
      const run = body.slice(i, j) as AlloyAttribute[];
      const width = Math.max(...run.map(a => a.key.length));
      for (const a of run) {
        assertIdentifier(a.key, 'Attribute name');
        lines.push(
          `${pad}${a.key.padEnd(width)} = ${renderValue(a.value, depth)}`,
        );
      }
      i = j;
    } else {
      assertDottedName(item.name, 'Block name');
      if (item.body.length === 0) {
        lines.push(`${pad}${item.name} {}`);
      } else {
        lines.push(`${pad}${item.name} {`);
        lines.push(...renderBody(item.body, depth + 1));
        lines.push(`${pad}}`);
      }
      i++;
    }
  }
  return lines;
}

function commentLines(comment: string): string[] {
  return comment.split('\n').map(line => {
    for (const ch of line) {
      const cp = ch.codePointAt(0)!;
      if ((mustEscape(cp) && ch !== '\t') || isLoneSurrogate(cp)) {
        throw new InputError(
          `Comment ${JSON.stringify(comment)} holds a control character`,
        );
      }
    }
    if (line.includes('{{')) {
      throw new InputError(
        `Comment ${JSON.stringify(
          comment,
        )} holds "{{", which Helm's tpl would run`,
      );
    }
    return line.length > 0 ? `// ${line}` : '//';
  });
}

/**
 * Prints components as Alloy configuration text: a `//` comment above each,
 * two-space indentation, one blank line between components. Throws
 * InputError for invalid identifiers or labels, duplicate labels per
 * component type, values Alloy cannot carry, and `{{` outside strings.
 * @public
 */
export function renderAlloy(components: readonly AlloyComponent[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of components) {
    assertDottedName(c.name, 'Component name');
    if (c.label !== '') assertIdentifier(c.label, 'Label');
    const key = `${c.name} "${c.label}"`;
    if (seen.has(key)) {
      throw new InputError(
        `${key} is declared twice; labels are unique per component type (syntax.md)`,
      );
    }
    seen.add(key);
    const lines = c.comment !== undefined ? commentLines(c.comment) : [];
    const head = c.label === '' ? c.name : `${c.name} "${c.label}"`;
    if (c.body.length === 0) {
      lines.push(`${head} {}`);
    } else {
      lines.push(`${head} {`, ...renderBody(c.body, 1), '}');
    }
    out.push(`${lines.join('\n')}\n`);
  }
  const text = out.join('\n');
  if (text.includes('{{')) {
    // Cannot happen: strings break `{{`, keys and comments refuse it.
    throw new Error('renderAlloy produced "{{"');
  }
  return text;
}
