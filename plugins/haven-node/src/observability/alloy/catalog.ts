/*
 * What the reference docs say about the Alloy component types we write or
 * check: what each one exports, which of its arguments take references (and
 * of which type), which signals an `otelcol.Consumer` input accepts, and
 * what is required. Every entry names its doc in
 * shared/reference/alloy/, or, for a doc that folder lacks, the upstream
 * page it was read from (`url`); nothing here comes from memory of other
 * versions.
 *
 * The types are the ones the docs' "Exported fields" tables and "Compatible
 * components" sections use: `otelcol.Consumer`, Loki `LogsReceiver`,
 * Prometheus `MetricsReceiver`, `Targets` (list(map(string))),
 * `RelabelRules` (discovery.relabel's `rules`) and `otelcol.Handler` (the
 * `auth` capsule of otelcol clients and servers).
 */

/** An OpenTelemetry signal, as named by the `output` block. @public */
export type AlloySignal = 'metrics' | 'logs' | 'traces';

/** The signals in the order the docs' `output` blocks list them. @public */
export const ALLOY_SIGNALS: readonly AlloySignal[] = [
  'metrics',
  'logs',
  'traces',
];

/** Type of a value one component exports and another takes. @public */
export type AlloyValueType =
  | 'otelcol.Consumer'
  | 'otelcol.Handler'
  | 'LogsReceiver'
  | 'MetricsReceiver'
  | 'Targets'
  | 'RelabelRules';

/** One exported field of a component type. @public */
export interface AlloyExportSpec {
  type: AlloyValueType;
  /** For `otelcol.Consumer`: the signals it takes (others are ignored). */
  signals?: readonly AlloySignal[];
  /** The doc's own words, quoted in problem messages. */
  says: string;
}

/** An argument (dotted path in the body) that takes references. @public */
export interface AlloyInputSpec {
  type: AlloyValueType;
  /** For `output.<signal>`: the signal it sends. */
  signal?: AlloySignal;
}

/** What the reference docs say about one component type. @public */
export interface AlloyComponentSpec {
  /** File in shared/reference/alloy/, or the upstream file's name when `url` is set. */
  doc: string;
  /**
   * Where the doc was read when shared/reference/alloy/ lacks it: the
   * grafana.com page (we cite upstream docs, we do not copy them).
   */
  url?: string;
  /**
   * receiver and source components take nothing from other components and
   * are never dead ends; the others are, when nothing references them.
   */
  role: 'receiver' | 'source' | 'discovery' | 'processor' | 'exporter';
  exports: Readonly<Record<string, AlloyExportSpec>>;
  /** Arguments taking references, by dotted path (`output.metrics`, `forward_to`). */
  inputs: Readonly<Record<string, AlloyInputSpec>>;
  /** Blocks and arguments the doc marks required, by dotted path. */
  required: readonly string[];
}

const outputInputs: Record<string, AlloyInputSpec> = {
  // Usage sections of otelcol.receiver.otlp.md and otelcol.processor.batch.md:
  // output { metrics = [...]  logs = [...]  traces = [...] }
  'output.metrics': { type: 'otelcol.Consumer', signal: 'metrics' },
  'output.logs': { type: 'otelcol.Consumer', signal: 'logs' },
  'output.traces': { type: 'otelcol.Consumer', signal: 'traces' },
};

const anySignalInput = (doc: string): AlloyExportSpec => ({
  type: 'otelcol.Consumer',
  signals: ['metrics', 'logs', 'traces'],
  says: `${doc}: "input accepts otelcol.Consumer data for any telemetry signal"`,
});

/**
 * The component types of the reference docs (shared/reference/alloy/, plus
 * those read upstream, marked by `url`). Anything else is unknown to us:
 * checkAlloyWiring says so instead of guessing its exports.
 * @public
 */
export const ALLOY_COMPONENTS: Readonly<Record<string, AlloyComponentSpec>> = {
  'otelcol.receiver.otlp': {
    doc: 'otelcol.receiver.otlp.md',
    role: 'receiver',
    // "otelcol.receiver.otlp doesn't export any fields."
    exports: {},
    inputs: {
      ...outputInputs,
      'grpc.auth': { type: 'otelcol.Handler' },
      'http.auth': { type: 'otelcol.Handler' },
    },
    required: ['output'],
  },
  'otelcol.processor.batch': {
    doc: 'otelcol.processor.batch.md',
    role: 'processor',
    exports: { input: anySignalInput('otelcol.processor.batch.md') },
    inputs: outputInputs,
    required: ['output'],
  },
  'otelcol.processor.filter': {
    // Not in shared/reference/alloy/. Read upstream at the Alloy release the
    // chart ships (v1.18.1, shared/reference/README.md): grafana/alloy
    // docs/sources/reference/components/otelcol/otelcol.processor.filter.md,
    // and its arguments in internal/component/otelcol/processor/filter.
    doc: 'otelcol.processor.filter.md',
    url: 'https://grafana.com/docs/alloy/latest/reference/components/otelcol/otelcol.processor.filter/',
    role: 'processor',
    // "Exported fields": input, otelcol.Consumer, "for any telemetry signal".
    exports: { input: anySignalInput('otelcol.processor.filter.md') },
    // "Usage": output { metrics logs traces }, required. The condition
    // blocks (trace_conditions, metric_conditions, log_conditions, each
    // `conditions` list(string) plus an optional `context`) take strings
    // of OTTL, not references.
    inputs: outputInputs,
    required: ['output'],
  },
  'otelcol.exporter.otlp': {
    doc: 'otelcol.exporter.otlp.md',
    role: 'exporter',
    exports: { input: anySignalInput('otelcol.exporter.otlp.md') },
    inputs: { 'client.auth': { type: 'otelcol.Handler' } },
    required: ['client', 'client.endpoint'],
  },
  'otelcol.exporter.otlphttp': {
    doc: 'otelcol.exporter.otlphttp.md',
    role: 'exporter',
    exports: { input: anySignalInput('otelcol.exporter.otlphttp.md') },
    inputs: { 'client.auth': { type: 'otelcol.Handler' } },
    required: ['client'],
  },
  'otelcol.exporter.loki': {
    doc: 'otelcol.exporter.loki.md',
    role: 'exporter',
    exports: {
      input: {
        type: 'otelcol.Consumer',
        signals: ['logs'],
        says: 'otelcol.exporter.loki.md: "input accepts otelcol.Consumer data for logs. Other telemetry signals are ignored."',
      },
    },
    // forward_to is list(receiver); its compatible components are the ones
    // exporting a Loki LogsReceiver.
    inputs: { forward_to: { type: 'LogsReceiver' } },
    required: ['forward_to'],
  },
  'otelcol.exporter.prometheus': {
    doc: 'otelcol.exporter.prometheus.md',
    role: 'exporter',
    exports: {
      input: {
        type: 'otelcol.Consumer',
        signals: ['metrics'],
        says: 'otelcol.exporter.prometheus.md: "input accepts otelcol.Consumer data for metrics. Other telemetry signals are ignored."',
      },
    },
    inputs: { forward_to: { type: 'MetricsReceiver' } },
    required: ['forward_to'],
  },
  'prometheus.remote_write': {
    doc: 'prometheus.remote_write.md',
    role: 'exporter',
    exports: {
      receiver: {
        type: 'MetricsReceiver',
        says: 'prometheus.remote_write.md: receiver is a MetricsReceiver',
      },
    },
    inputs: {},
    required: [],
  },
  'loki.write': {
    doc: 'loki.write.md',
    role: 'exporter',
    exports: {
      receiver: {
        type: 'LogsReceiver',
        says: 'loki.write.md: receiver is a LogsReceiver',
      },
    },
    inputs: {},
    // The endpoint block is marked "no" (not required) in loki.write.md.
    required: [],
  },
  'loki.source.kubernetes': {
    doc: 'loki.source.kubernetes.md',
    role: 'source',
    // "loki.source.kubernetes doesn't export any fields."
    exports: {},
    inputs: {
      targets: { type: 'Targets' },
      forward_to: { type: 'LogsReceiver' },
    },
    required: ['targets', 'forward_to'],
  },
  'discovery.kubernetes': {
    doc: 'discovery.kubernetes.md',
    role: 'discovery',
    exports: {
      targets: {
        type: 'Targets',
        says: 'discovery.kubernetes.md: targets is list(map(string))',
      },
    },
    inputs: {},
    required: ['role'],
  },
  'discovery.relabel': {
    // Not in shared/reference/alloy/. Read upstream: grafana/alloy
    // docs/sources/reference/components/discovery/discovery.relabel.md, and
    // for the `rule` block docs/sources/shared/reference/components/rule-block.md.
    doc: 'discovery.relabel.md',
    url: 'https://grafana.com/docs/alloy/latest/reference/components/discovery/discovery.relabel/',
    role: 'discovery',
    // "Exported fields": output list(map(string)), "The set of targets after
    // applying relabeling"; rules RelabelRules, "The currently configured
    // relabeling rules".
    exports: {
      output: {
        type: 'Targets',
        says: 'discovery.relabel.md: output is list(map(string)), the targets after relabeling',
      },
      rules: {
        type: 'RelabelRules',
        says: 'discovery.relabel.md: rules is RelabelRules, the configured relabeling rules',
      },
    },
    // "Arguments": targets list(map(string)), required. The `rule` blocks
    // are optional ("If no rules are defined, then the input targets are
    // exported as-is") and take no references.
    inputs: { targets: { type: 'Targets' } },
    required: ['targets'],
  },
};

/** Names of the component types in ALLOY_COMPONENTS, longest first. */
const KNOWN_NAMES = Object.keys(ALLOY_COMPONENTS).sort(
  (a, b) => b.length - a.length,
);

/**
 * Splits a reference path (`otelcol.processor.batch.default.input`) into
 * component name, label and export. A component path has no marker where
 * the name ends, so this looks first for a declared component, then for a
 * known component type, and otherwise takes the last two parts as label
 * and export. Returns undefined for paths of fewer than three parts.
 */
export function splitReferencePath(
  path: string,
  isDeclared: (name: string, label: string) => boolean = () => false,
): { component: string; label: string; export: string } | undefined {
  const parts = path.split('.');
  if (parts.length < 3) return undefined;
  for (let k = parts.length - 2; k >= 1; k--) {
    const name = parts.slice(0, k).join('.');
    if (isDeclared(name, parts[k])) {
      return {
        component: name,
        label: parts[k],
        export: parts.slice(k + 1).join('.'),
      };
    }
  }
  for (const name of KNOWN_NAMES) {
    const n = name.split('.').length;
    if (path.startsWith(`${name}.`) && parts.length >= n + 2) {
      return {
        component: name,
        label: parts[n],
        export: parts.slice(n + 1).join('.'),
      };
    }
  }
  return {
    component: parts.slice(0, -2).join('.'),
    label: parts[parts.length - 2],
    export: parts[parts.length - 1],
  };
}
