import { InputError } from '@backstage/errors';
import { ALLOY_COMPONENTS, splitReferencePath } from './catalog';
import { assertIdentifier } from './syntax';

/*
 * A typed model of a Grafana Alloy configuration: values, attributes,
 * blocks and components, and references to component exports typed by what
 * the reference docs say each component type exports (catalog.ts). The
 * builders of components.ts turn options into components; printer.ts
 * writes them as text.
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
/**
 * The exports of type Targets, list(map(string)): discovery.kubernetes
 * `targets` and discovery.relabel `output`.
 * @public
 */
export type AlloyTargetsRef = AlloyRef<'targets' | 'output'>;
