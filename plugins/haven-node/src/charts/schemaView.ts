import { isPlainObject } from './paths';

type Schema = Record<string, unknown>;

/**
 * values.schema.json seen at one values path: the schema objects that apply
 * there, with `$ref` followed and `allOf`/`anyOf`/`oneOf` branches flattened
 * (a key declared by any branch counts as declared).
 */
export interface SchemaView {
  /** Some schema applies here (false for charts without a schema). */
  present: boolean;
  /** The schema of a key of the map here (properties, patternProperties, additionalProperties). */
  property(key: string): SchemaView;
  /** The schema of the items of the list here. */
  items(): SchemaView;
  /** `properties` (or a `patternProperties` pattern) names this key. */
  declares(key: string): boolean;
  declaredKeys(): string[];
  /** An object with no properties and additionalProperties true or absent. */
  isFreeForm(): boolean;
  /** An explicit `type` here accepts this value's JSON type. */
  allowsTypeOf(value: unknown): boolean;
}

function pointer(root: Schema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined; // remote refs: not followed
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isPlainObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function resolve(node: unknown, root: Schema, seen: Set<string>): Schema[] {
  if (node === true) return [{}];
  if (!isPlainObject(node)) return [];
  const out: Schema[] = [node];
  if (typeof node.$ref === 'string' && !seen.has(node.$ref)) {
    out.push(
      ...resolve(pointer(root, node.$ref), root, new Set([...seen, node.$ref])),
    );
  }
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    const branches = node[keyword];
    if (Array.isArray(branches)) {
      branches.forEach(b => out.push(...resolve(b, root, seen)));
    }
  }
  return out;
}

function typesOf(node: Schema): string[] | undefined {
  if (typeof node.type === 'string') return [node.type];
  if (Array.isArray(node.type)) return node.type.map(String);
  return undefined;
}

function jsonType(value: unknown): string[] {
  if (value === null) return ['null'];
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number') {
    return Number.isInteger(value) ? ['integer', 'number'] : ['number'];
  }
  return [typeof value];
}

class View implements SchemaView {
  constructor(
    private readonly nodes: Schema[],
    private readonly root: Schema,
  ) {}

  get present(): boolean {
    return this.nodes.length > 0;
  }

  private patternMatches(node: Schema, key: string): unknown[] {
    const patterns = node.patternProperties;
    if (!isPlainObject(patterns)) return [];
    return Object.entries(patterns)
      .filter(([pattern]) => {
        try {
          return new RegExp(pattern, 'u').test(key);
        } catch {
          return false;
        }
      })
      .map(([, schema]) => schema);
  }

  property(key: string): SchemaView {
    const out: Schema[] = [];
    for (const node of this.nodes) {
      const properties = isPlainObject(node.properties)
        ? node.properties
        : undefined;
      const matched = [
        ...(properties && Object.prototype.hasOwnProperty.call(properties, key)
          ? [properties[key]]
          : []),
        ...this.patternMatches(node, key),
      ];
      if (matched.length) {
        matched.forEach(m => out.push(...resolve(m, this.root, new Set())));
      } else if (isPlainObject(node.additionalProperties)) {
        out.push(...resolve(node.additionalProperties, this.root, new Set()));
      } else if (node.additionalProperties !== false && typesOf(node)) {
        out.push({}); // not described: anything
      }
    }
    return new View(out, this.root);
  }

  items(): SchemaView {
    const out: Schema[] = [];
    for (const node of this.nodes) {
      if (Array.isArray(node.items)) {
        node.items.forEach(i => out.push(...resolve(i, this.root, new Set())));
      } else if (node.items !== undefined) {
        out.push(...resolve(node.items, this.root, new Set()));
      }
    }
    return new View(out, this.root);
  }

  declares(key: string): boolean {
    return this.nodes.some(
      node =>
        (isPlainObject(node.properties) &&
          Object.prototype.hasOwnProperty.call(node.properties, key)) ||
        this.patternMatches(node, key).length > 0,
    );
  }

  declaredKeys(): string[] {
    const keys = new Set<string>();
    for (const node of this.nodes) {
      if (isPlainObject(node.properties)) {
        Object.keys(node.properties).forEach(k => keys.add(k));
      }
    }
    return [...keys];
  }

  isFreeForm(): boolean {
    if (!this.present) return false;
    const structural = this.nodes.some(
      node =>
        isPlainObject(node.properties) ||
        isPlainObject(node.patternProperties) ||
        node.additionalProperties === false,
    );
    const objectAllowed = this.nodes.some(node => {
      const types = typesOf(node);
      return !types || types.includes('object');
    });
    return !structural && objectAllowed;
  }

  allowsTypeOf(value: unknown): boolean {
    const types = jsonType(value);
    return this.nodes.some(node =>
      (typesOf(node) ?? []).some(t => types.includes(t)),
    );
  }
}

/** The view of a whole values.schema.json (or of none). */
export function schemaAt(schema: Schema | undefined): SchemaView {
  return schema
    ? new View(resolve(schema, schema, new Set()), schema)
    : new View([], {});
}
