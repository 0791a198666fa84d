import { ALLOY_COMPONENTS, type AlloySignal } from './catalog';
import { AlloySyntaxError } from './lexer';
import type { AlloyBody, AlloyValue } from './model';
import { readAlloy, type AlloyConfig, type AlloyReadComponent } from './reader';

/*
 * Checks how the components of Alloy text are wired, using what
 * shared/reference/alloy/ says each component exports and takes
 * (catalog.ts), on the components and references the reader (reader.ts)
 * finds.
 */

/** What a problem is about. @public */
export type AlloyProblemKind =
  | 'syntax'
  | 'duplicate-label'
  | 'undeclared-component'
  | 'unknown-export'
  | 'type-mismatch'
  | 'signal-mismatch'
  | 'missing-required'
  | 'dead-end'
  | 'signal-dropped'
  | 'unknown-component'
  | 'endpoint-format';

/** One finding of checkAlloyWiring. @public */
export interface AlloyProblem {
  /** What the problem is about. */
  readonly kind: AlloyProblemKind;
  /** error: Alloy refuses it or telemetry is lost; warning: suspicious. */
  readonly severity: 'error' | 'warning';
  /** What is wrong, naming the component and argument. */
  readonly message: string;
  /** 1-based line in the configuration text, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
}

/** Top-level blocks that configure Alloy itself rather than a pipeline. */
const CONFIG_BLOCKS = new Set([
  'logging',
  'tracing',
  'livedebugging',
  'http',
  'remotecfg',
]);

const describeComponent = (name: string, label: string) =>
  label === '' ? name : `${name} "${label}"`;

function find(
  body: AlloyBody,
  path: string,
): AlloyValue | AlloyBody | undefined {
  const [head, ...rest] = path.split('.');
  for (const item of body) {
    if (item.kind === 'attribute' && item.key === head && rest.length === 0) {
      return item.value;
    }
    if (item.kind === 'block' && item.name === head) {
      if (rest.length === 0) return item.body;
      const inner = find(item.body, rest.join('.'));
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

/**
 * Checks parsed components: duplicate labels, references to undeclared
 * components or missing exports, values of the wrong type (a logs receiver
 * in a metrics argument), signals sent to components that ignore them,
 * required blocks and arguments, dead ends (nothing sends to them), signals
 * a processor receives but does not pass on, and endpoint forms the docs
 * warn about. Problems come ordered by line.
 * @public
 */
export function checkAlloyConfig(config: AlloyConfig): AlloyProblem[] {
  const problems: AlloyProblem[] = [];
  const add = (
    kind: AlloyProblemKind,
    severity: 'error' | 'warning',
    message: string,
    at?: { line: number; column: number },
  ) =>
    problems.push({
      kind,
      severity,
      message,
      ...(at ? { line: at.line, column: at.column } : {}),
    });

  const byKey = new Map<string, AlloyReadComponent>();
  for (const c of config.components) {
    const key = `${c.name}\u0000${c.label}`;
    const first = byKey.get(key);
    if (first) {
      add(
        'duplicate-label',
        'error',
        `${describeComponent(c.name, c.label)} at line ${
          c.line
        } repeats the label of line ${
          first.line
        }; labels must be unique per component type (syntax.md)`,
        c,
      );
      continue;
    }
    byKey.set(key, c);
    const spec = ALLOY_COMPONENTS[c.name];
    if (!spec) {
      if (!CONFIG_BLOCKS.has(c.name)) {
        add(
          'unknown-component',
          'warning',
          `${describeComponent(c.name, c.label)} (line ${
            c.line
          }) is not in the reference docs (shared/reference/alloy/); its exports and arguments are not checked`,
          c,
        );
      }
      continue;
    }
    for (const path of spec.required) {
      if (find(c.body, path) === undefined) {
        add(
          'missing-required',
          'error',
          `${describeComponent(c.name, c.label)} (line ${
            c.line
          }) lacks ${path}, which ${spec.doc} marks required`,
          c,
        );
      }
    }
    // otelcol.exporter.otlp.md: client.endpoint is `host:port`.
    const endpoint = find(c.body, 'client.endpoint');
    if (
      c.name === 'otelcol.exporter.otlp' &&
      typeof endpoint === 'string' &&
      endpoint.includes('://')
    ) {
      add(
        'endpoint-format',
        'warning',
        `${describeComponent(c.name, c.label)} (line ${
          c.line
        }) has client.endpoint ${JSON.stringify(
          endpoint,
        )}; otelcol.exporter.otlp.md documents "host:port" for the gRPC client, without a scheme`,
        c,
      );
    }
    // otelcol.exporter.otlphttp.md: logs_endpoint defaults to client.endpoint + "/v1/logs".
    const signalPath =
      typeof endpoint === 'string'
        ? endpoint.match(/\/v1\/(logs|metrics|traces)\/?$/)
        : null;
    if (c.name === 'otelcol.exporter.otlphttp' && signalPath) {
      add(
        'endpoint-format',
        'warning',
        `${describeComponent(c.name, c.label)} (line ${
          c.line
        }) has client.endpoint ending in /v1/${
          signalPath[1]
        }; the exporter appends /v1/<signal> itself (otelcol.exporter.otlphttp.md), so give the base URL`,
        c,
      );
    }
  }

  const referenced = new Set<string>();
  /** Signals each processor receives, and from where. */
  const incoming = new Map<string, Map<AlloySignal, string>>();
  for (const r of config.references) {
    const { ref } = r;
    const key = `${ref.component}\u0000${ref.label}`;
    const fromText = `${describeComponent(r.from.component, r.from.label)} ${
      r.at
    }`;
    const target = byKey.get(key);
    if (!target) {
      const others = config.components
        .filter(c => c.name === ref.component)
        .map(c => `"${c.label}"`);
      add(
        'undeclared-component',
        'error',
        `${fromText} (line ${r.line}) references ${
          r.path
        }, but no ${describeComponent(ref.component, ref.label)} is declared${
          others.length > 0
            ? ` (declared ${ref.component} labels: ${[...new Set(others)].join(
                ', ',
              )})`
            : ''
        }`,
        r,
      );
      continue;
    }
    referenced.add(key);
    const targetSpec = ALLOY_COMPONENTS[ref.component];
    if (!targetSpec) continue;
    const exported = targetSpec.exports[ref.export];
    if (!exported) {
      const has = Object.keys(targetSpec.exports);
      add(
        'unknown-export',
        'error',
        `${fromText} (line ${r.line}) references ${r.path}, but ${
          ref.component
        } ${
          has.length > 0 ? `exports only ${has.join(', ')}` : 'exports nothing'
        } (${targetSpec.doc})`,
        r,
      );
      continue;
    }
    const fromSpec = ALLOY_COMPONENTS[r.from.component];
    const input = fromSpec?.inputs[r.at.replace(/\[[^\]]*\]$/, '')];
    if (!input) continue;
    if (input.type !== exported.type) {
      add(
        'type-mismatch',
        'error',
        `${fromText} (line ${r.line}) takes ${input.type}, but ${r.path} is a ${
          exported.type
        } (${fromSpec!.doc}, ${targetSpec.doc})`,
        r,
      );
      continue;
    }
    if (
      input.signal &&
      exported.signals &&
      !exported.signals.includes(input.signal)
    ) {
      add(
        'signal-mismatch',
        'error',
        `${fromText} (line ${r.line}) sends ${
          input.signal
        } to ${describeComponent(
          ref.component,
          ref.label,
        )}, which takes ${exported.signals.join(' and ')} only (${
          exported.says
        })`,
        r,
      );
      continue;
    }
    if (input.signal && targetSpec.role === 'processor') {
      const seen = incoming.get(key) ?? new Map<AlloySignal, string>();
      if (!seen.has(input.signal)) {
        seen.set(
          input.signal,
          describeComponent(r.from.component, r.from.label),
        );
      }
      incoming.set(key, seen);
    }
  }

  for (const [key, c] of byKey) {
    const spec = ALLOY_COMPONENTS[c.name];
    if (!spec || spec.role === 'receiver' || spec.role === 'source') continue;
    if (!referenced.has(key) && Object.keys(spec.exports).length > 0) {
      const what = Object.keys(spec.exports).join(', ');
      add(
        'dead-end',
        'warning',
        spec.role === 'discovery'
          ? `${describeComponent(c.name, c.label)} (line ${
              c.line
            }) is a dead end: nothing uses its ${what}`
          : `${describeComponent(c.name, c.label)} (line ${
              c.line
            }) is a dead end: no component references its ${what}, so it never receives data`,
        c,
      );
    }
    const received = incoming.get(key);
    if (received) {
      const output = find(c.body, 'output');
      for (const [signal, from] of received) {
        const sent = Array.isArray(output)
          ? find(output as AlloyBody, signal)
          : undefined;
        if (!Array.isArray(sent) || sent.length === 0) {
          add(
            'signal-dropped',
            'warning',
            `${describeComponent(c.name, c.label)} (line ${
              c.line
            }) receives ${signal} from ${from} but its output block sends no ${signal}: they are dropped`,
            c,
          );
        }
      }
    }
  }

  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/**
 * Reads Alloy text and checks its wiring (see checkAlloyConfig). A syntax
 * error is returned as the only problem, with its line and column.
 * @public
 */
export function checkAlloyWiring(text: string): AlloyProblem[] {
  let config: AlloyConfig;
  try {
    config = readAlloy(text);
  } catch (e) {
    if (e instanceof AlloySyntaxError) {
      return [
        {
          kind: 'syntax',
          severity: 'error',
          message: e.message,
          line: e.line,
          column: e.column,
        },
      ];
    }
    throw e;
  }
  return checkAlloyConfig(config);
}
