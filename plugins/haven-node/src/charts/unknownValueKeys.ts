import type { ChartReference } from './chartReference';
import type { CommentedKeyShape } from './commentedKeys';
import {
  describeValue,
  formatValuePath,
  isPlainObject,
  kindOf,
  type ValueKind,
  type ValuePathSegment,
} from './paths';
import { schemaAt, type SchemaView } from './schemaView';

/** A values key the chart does not know, or a value of the wrong shape. @public */
export interface UnknownValueKey {
  /** e.g. `loki.storage.s3.bucketnames`, `rbac.rules[0].verb` */
  path: string;
  /** What is wrong there, in words for a task log or a test failure. */
  reason: string;
}

interface DocNode {
  shape?: CommentedKeyShape;
  children: Map<string, DocNode>;
}

interface PassNode {
  /** The chart copies the value at this path verbatim (see PassThroughPath). */
  here: boolean;
  children: Map<string, PassNode>;
}

/** What is known about one path of the chart's values. */
interface Level {
  path: ValuePathSegment[];
  /** values.yaml has this path (its value may be null). */
  hasDefault: boolean;
  defaultValue: unknown;
  /** The commented-out documentation at this path. */
  doc?: DocNode;
  /** values.schema.json at this path (Loki), resolved. */
  schema: SchemaView;
  pass?: PassNode;
  /** Below a subchart's key: keys the parent chart does not show are allowed. */
  subchart?: boolean;
  parent?: Level;
}

interface Indexes {
  doc: DocNode;
  pass: PassNode;
}

const indexCache = new WeakMap<ChartReference, Indexes>();

function indexesOf(reference: ChartReference): Indexes {
  const cached = indexCache.get(reference);
  if (cached) return cached;
  const doc: DocNode = { children: new Map() };
  for (const key of reference.commentedKeys) {
    let node = doc;
    for (const k of key.keys) {
      let child = node.children.get(k);
      if (!child) {
        child = { children: new Map() };
        node.children.set(k, child);
      }
      node = child;
    }
    node.shape = key.shape;
  }
  const pass: PassNode = { here: false, children: new Map() };
  for (const p of reference.passThrough) {
    let node = pass;
    for (const k of p.keys) {
      let child = node.children.get(k);
      if (!child) {
        child = { here: false, children: new Map() };
        node.children.set(k, child);
      }
      node = child;
    }
    node.here = true;
  }
  const built = { doc, pass };
  indexCache.set(reference, built);
  return built;
}

const hasOwn = (o: object, k: string) =>
  Object.prototype.hasOwnProperty.call(o, k);

const isEmptyMap = (v: unknown) =>
  isPlainObject(v) && Object.keys(v).length === 0;

/** The shape values.yaml (or, without a default, its comment) expects. */
function expectedKind(level: Level): ValueKind | undefined {
  if (level.hasDefault && level.defaultValue !== null) {
    return kindOf(level.defaultValue);
  }
  switch (level.doc?.shape) {
    case 'map':
      return 'map';
    case 'list':
      return 'list';
    case 'scalar':
      return 'scalar';
    default:
      return undefined; // null default, 'open' comment, or schema only
  }
}

/** Every key known at a map level, for messages and suggestions. */
function knownKeys(level: Level): string[] {
  const keys = new Set<string>();
  if (isPlainObject(level.defaultValue)) {
    Object.keys(level.defaultValue).forEach(k => keys.add(k));
  }
  level.doc?.children.forEach((_v, k) => keys.add(k));
  level.pass?.children.forEach((_v, k) => keys.add(k));
  level.schema.declaredKeys().forEach(k => keys.add(k));
  return [...keys];
}

const normalise = (k: string) => k.toLowerCase().replace(/[_.-]/g, '');

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = current;
    }
  }
  return row[b.length];
}

/**
 * A known key that is probably meant: same letters ignoring case and _-.
 * (`access_key_id` → `accessKeyId`), else at most two edits away; looked for
 * at this level first, then one and two levels up (`loki.storage.s3.bucketnames`
 * → `loki.storage.bucketNames`).
 */
function suggest(key: string, level: Level): string | undefined {
  let l: Level | undefined = level;
  for (let up = 0; l && up < 3; up++, l = l.parent) {
    const candidates = knownKeys(l);
    const same = candidates.find(c => normalise(c) === normalise(key));
    const near =
      same ??
      (key.length >= 4
        ? candidates.find(
            c => c !== key && editDistance(normalise(c), normalise(key)) <= 2,
          )
        : undefined);
    if (near) return formatValuePath([...l.path, near]);
  }
  return undefined;
}

interface Context {
  reference: ChartReference;
  out: UnknownValueKey[];
}

function childLevel(
  level: Level,
  key: string,
  ctx: Context,
  pass?: PassNode,
): Level {
  const defaults = level.defaultValue;
  const hasDefault = isPlainObject(defaults) && hasOwn(defaults, key);
  return {
    path: [...level.path, key],
    hasDefault,
    defaultValue: hasDefault ? defaults[key] : undefined,
    doc: level.doc?.children.get(key),
    schema: level.schema.property(key),
    pass,
    subchart:
      level.subchart ||
      (level.path.length === 0 && ctx.reference.subcharts.includes(key)),
    parent: level,
  };
}

function check(value: unknown, level: Level, ctx: Context): void {
  // Rule: below a path the chart copies verbatim into the application's
  // config (toYaml .Values.x), every key is the application's: not judged.
  if (level.pass?.here) return;
  const kind = kindOf(value);
  // null removes a default in Helm; never a mismatch.
  if (kind === 'null') return;
  // Rule: a map where values.yaml has a scalar or a list (or the reverse) is
  // a type mismatch, unless the Loki schema allows that type there.
  const expected = expectedKind(level);
  if (expected && expected !== kind && !level.schema.allowsTypeOf(value)) {
    const what =
      level.hasDefault && level.defaultValue !== null
        ? `values.yaml has ${describeValue(level.defaultValue)}`
        : `values.yaml documents a ${expected} (in a comment)`;
    ctx.out.push({
      path: formatValuePath(level.path),
      reason: `type mismatch: ${what} here, the values give ${describeValue(
        value,
      )}`,
    });
    return;
  }
  if (kind === 'map') checkMap(value as Record<string, unknown>, level, ctx);
  else if (kind === 'list') checkList(value as unknown[], level, ctx);
}

function checkMap(
  value: Record<string, unknown>,
  level: Level,
  ctx: Context,
): void {
  const defaults = isPlainObject(level.defaultValue)
    ? level.defaultValue
    : undefined;
  // Rule: below a default that is an empty map {} or null, any key is allowed
  // (free-form maps: podAnnotations, nodeSelector, loki.compactor, ...).
  if (level.hasDefault && (level.defaultValue === null || isEmptyMap(defaults)))
    return;
  if (!defaults) {
    // No default map here; the key was known from a comment or the schema.
    if (level.doc) {
      // Rule: a commented key documents its children only when it shows
      // some; `# podAnnotations: {}` or `# existingClaim:` leave it open.
      if (level.doc.shape !== 'map') return;
    } else if (level.schema.isFreeForm() || !level.schema.present) {
      // Rule: a free-form schema object (additionalProperties true or
      // absent, no properties) allows any key -- where values.yaml gives no
      // structure. Where values.yaml has a non-empty map, its keys win:
      // Loki's schema marks loki.storage free-form only because helm-schema
      // was told `skipProperties:true`, while the templates read just the
      // keys values.yaml shows (so loki.storage.s3.bucketnames is caught).
      return;
    }
  }
  for (const [key, v] of Object.entries(value)) {
    const pass = level.pass?.children.get(key);
    const next = childLevel(level, key, ctx, pass);
    // Rule: a key is known if values.yaml has it at this path, or documents
    // it as a commented-out key, or (Loki) values.schema.json declares it in
    // `properties` (following $ref, allOf/anyOf/oneOf), or a template in
    // values.yaml copies exactly this path.
    const known =
      next.hasDefault ||
      next.doc !== undefined ||
      level.schema.declares(key) ||
      pass?.here === true;
    // Rule: below a subchart's key (a Chart.yaml dependency, alias or name)
    // the subchart's own values apply, which the parent does not show: keys
    // the parent's values.yaml has there are checked, others are allowed.
    if (!known && next.subchart) continue;
    if (!known) {
      const here = knownKeys(level);
      const hint = suggest(key, level);
      const sources = `values.yaml${
        ctx.reference.schema ? ', its values.schema.json' : ''
      } nor its commented examples`;
      ctx.out.push({
        path: formatValuePath(next.path),
        reason: `unknown key: ${ctx.reference.chart} ${
          ctx.reference.version
        } has no "${key}" at ${formatValuePath(
          level.path,
        )} (neither ${sources}; known there: ${here.slice(0, 12).join(', ')}${
          here.length > 12 ? `, … ${here.length} in all` : ''
        })${hint ? `; did you mean ${hint}?` : ''}`,
      });
      continue;
    }
    check(v, next, ctx);
  }
}

function checkList(value: unknown[], level: Level, ctx: Context): void {
  // Rule: list items are checked only against a non-empty default list whose
  // items are all maps with the same keys (then: against those keys); an
  // empty default list, scalar items or items of differing shapes allow any
  // items (the Loki schema validation still sees them).
  const items = Array.isArray(level.defaultValue)
    ? level.defaultValue
    : undefined;
  if (!items || items.length === 0) return;
  if (!items.every(isPlainObject)) return;
  const shape = (i: Record<string, unknown>) =>
    Object.keys(i).sort().join('\n');
  const first = items[0] as Record<string, unknown>;
  if (!items.every(i => shape(i as Record<string, unknown>) === shape(first)))
    return;
  const itemSchema = level.schema.items();
  value.forEach((item, index) => {
    check(
      item,
      {
        path: [...level.path, index],
        hasDefault: true,
        defaultValue: first,
        schema: itemSchema,
        parent: level,
      },
      ctx,
    );
  });
}

/**
 * Every key path in `values` (a HelmRelease's spec.values) that the chart
 * does not know, and every value whose shape contradicts the chart's
 * (a map where a scalar belongs, ...). Helm ignores unknown keys silently; a
 * test should not. The rules are commented where they apply: known keys,
 * free-form maps, pass-through maps, lists, type mismatches.
 * @public
 */
export function unknownValueKeys(
  values: unknown,
  reference: ChartReference,
): UnknownValueKey[] {
  const { doc, pass } = indexesOf(reference);
  const out: UnknownValueKey[] = [];
  const root: Level = {
    path: [],
    hasDefault: true,
    defaultValue: reference.defaults,
    doc,
    schema: schemaAt(reference.schema),
    pass,
  };
  if (values === undefined || values === null) return out;
  if (!isPlainObject(values)) {
    return [
      {
        path: '(top level)',
        reason: `values must be a map, got ${describeValue(values)}`,
      },
    ];
  }
  check(values, root, { reference, out });
  return out;
}
