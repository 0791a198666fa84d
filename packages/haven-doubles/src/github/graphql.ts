/**
 * Just enough GraphQL for the one query Backstage's pull-request action
 * sends: octokit-plugin-create-pull-request
 * (node_modules/octokit-plugin-create-pull-request/dist-src/compose-create-pull-request.js)
 * asks `repository(name, owner) { ref(qualifiedName: $head) {
 * associatedPullRequests(first: 1, states: OPEN) { edges { node { id number
 * url } } } } }` to learn whether the head branch exists and already has an
 * open pull request. A query document is parsed (operations, aliases,
 * arguments, variables, nested selections; no fragments or directives) and
 * resolved field by field against the object types below, so another field
 * selection of the same types works too; an unknown field is answered as
 * GitHub's GraphQL API does, with an `undefinedField` error.
 */
import type { Json, JsonObject } from './errors';

type Value =
  | { kind: 'variable'; name: string }
  | { kind: 'literal'; value: Json }
  | { kind: 'list'; items: Value[] }
  | { kind: 'object'; fields: Record<string, Value> };

export interface Field {
  alias?: string;
  name: string;
  args: Record<string, Value>;
  selections?: Field[];
  line: number;
  column: number;
}

export class GraphqlSyntaxError extends Error {}

interface Token {
  kind: 'punct' | 'name' | 'string' | 'number' | 'variable';
  text: string;
  line: number;
  column: number;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\n') {
      line += 1;
      i += 1;
      lineStart = i;
      continue;
    }
    // GraphQL spec 2.1.7: commas and whitespace are insignificant
    if (/[\s,\uFEFF]/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i += 1;
      continue;
    }
    const column = i - lineStart + 1;
    if ('{}():[]!=@'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, line, column });
      i += 1;
      continue;
    }
    if (source.startsWith('...', i)) {
      throw new GraphqlSyntaxError(
        'the GitHub double does not resolve fragments',
      );
    }
    if (ch === '$') {
      const m = /^\$([_A-Za-z][_0-9A-Za-z]*)/.exec(source.slice(i));
      if (!m)
        throw new GraphqlSyntaxError(`Unexpected "$" at ${line}:${column}`);
      tokens.push({ kind: 'variable', text: m[1], line, column });
      i += m[0].length;
      continue;
    }
    if (ch === '"') {
      const m = /^"((?:[^"\\\n]|\\.)*)"/.exec(source.slice(i));
      if (!m)
        throw new GraphqlSyntaxError(
          `Unterminated string at ${line}:${column}`,
        );
      tokens.push({
        kind: 'string',
        text: JSON.parse(`"${m[1]}"`),
        line,
        column,
      });
      i += m[0].length;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
    if (num) {
      tokens.push({ kind: 'number', text: num[0], line, column });
      i += num[0].length;
      continue;
    }
    const name = /^[_A-Za-z][_0-9A-Za-z]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: 'name', text: name[0], line, column });
      i += name[0].length;
      continue;
    }
    throw new GraphqlSyntaxError(
      `Unexpected character "${ch}" at ${line}:${column}`,
    );
  }
  return tokens;
}

/** The selections of the document's single operation. */
export function parseQuery(source: string): Field[] {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const t = tokens[pos];
    if (!t) throw new GraphqlSyntaxError('Unexpected end of document');
    pos += 1;
    return t;
  };
  const expect = (text: string) => {
    const t = next();
    if (t.text !== text || (t.kind !== 'punct' && t.kind !== 'name')) {
      throw new GraphqlSyntaxError(
        `Expected "${text}", got "${t.text}" at ${t.line}:${t.column}`,
      );
    }
  };

  const parseValue = (): Value => {
    const t = next();
    if (t.kind === 'variable') return { kind: 'variable', name: t.text };
    if (t.kind === 'string') return { kind: 'literal', value: t.text };
    if (t.kind === 'number') return { kind: 'literal', value: Number(t.text) };
    if (t.kind === 'name') {
      if (t.text === 'true') return { kind: 'literal', value: true };
      if (t.text === 'false') return { kind: 'literal', value: false };
      if (t.text === 'null') return { kind: 'literal', value: null };
      return { kind: 'literal', value: t.text }; // an enum value
    }
    if (t.text === '[') {
      const items: Value[] = [];
      while (peek()?.text !== ']') items.push(parseValue());
      expect(']');
      return { kind: 'list', items };
    }
    if (t.text === '{') {
      const fields: Record<string, Value> = {};
      while (peek()?.text !== '}') {
        const key = next().text;
        expect(':');
        fields[key] = parseValue();
      }
      expect('}');
      return { kind: 'object', fields };
    }
    throw new GraphqlSyntaxError(
      `Unexpected "${t.text}" at ${t.line}:${t.column}`,
    );
  };

  const parseSelectionSet = (): Field[] => {
    expect('{');
    const fields: Field[] = [];
    while (peek()?.text !== '}') {
      const first = next();
      if (first.kind !== 'name') {
        throw new GraphqlSyntaxError(
          `Expected a field, got "${first.text}" at ${first.line}:${first.column}`,
        );
      }
      const field: Field = {
        name: first.text,
        args: {},
        line: first.line,
        column: first.column,
      };
      if (peek()?.text === ':') {
        next();
        field.alias = first.text;
        field.name = next().text;
      }
      if (peek()?.text === '(') {
        next();
        while (peek()?.text !== ')') {
          const key = next().text;
          expect(':');
          field.args[key] = parseValue();
        }
        expect(')');
      }
      if (peek()?.text === '@') {
        throw new GraphqlSyntaxError(
          'the GitHub double does not resolve directives',
        );
      }
      if (peek()?.text === '{') field.selections = parseSelectionSet();
      fields.push(field);
    }
    expect('}');
    return fields;
  };

  if (peek()?.text === '{') {
    const selections = parseSelectionSet();
    if (pos !== tokens.length)
      throw new GraphqlSyntaxError('one operation only');
    return selections;
  }
  const op = next();
  if (op.text !== 'query') {
    throw new GraphqlSyntaxError(
      `the GitHub double answers queries only, not "${op.text}"`,
    );
  }
  if (peek()?.kind === 'name') next(); // operation name
  if (peek()?.text === '(') {
    // variable definitions: their types are not checked
    let depth = 0;
    do {
      const t = next();
      if (t.text === '(') depth += 1;
      if (t.text === ')') depth -= 1;
    } while (depth > 0);
  }
  const selections = parseSelectionSet();
  if (pos !== tokens.length) throw new GraphqlSyntaxError('one operation only');
  return selections;
}

export function argValue(value: Value, variables: JsonObject): Json {
  switch (value.kind) {
    case 'variable':
      return variables[value.name] ?? null;
    case 'literal':
      return value.value;
    case 'list':
      return value.items.map(v => argValue(v, variables));
    default:
      return Object.fromEntries(
        Object.entries(value.fields).map(([k, v]) => [
          k,
          argValue(v, variables),
        ]),
      );
  }
}

/** A GraphQL object: its type name and how to resolve each field. */
export interface GqlObject {
  typename: string;
  fields: Record<string, (args: Record<string, Json>) => GqlResult>;
}
export type GqlResult = Json | GqlObject | GqlResult[] | undefined;

export interface GqlError extends JsonObject {
  message: string;
}

function isObject(r: GqlResult): r is GqlObject {
  return (
    typeof r === 'object' &&
    r !== null &&
    !Array.isArray(r) &&
    'typename' in r &&
    'fields' in r
  );
}

/** Resolves a selection set; errors are collected as GitHub reports them. */
export function execute(
  root: GqlObject,
  selections: Field[],
  variables: JsonObject,
  /** errors the resolvers report (e.g. NOT_FOUND) are pushed here too */
  errors: GqlError[],
): { data: JsonObject | null; errors: GqlError[] } {
  // Validation first, as GitHub does: an unknown field fails the whole query.
  const validate = (obj: GqlObject, fields: Field[], path: string[]) => {
    for (const f of fields) {
      if (f.name === '__typename') continue;
      if (!(f.name in obj.fields)) {
        errors.push({
          path: [...path, f.alias ?? f.name],
          extensions: {
            code: 'undefinedField',
            typeName: obj.typename,
            fieldName: f.name,
          },
          locations: [{ line: f.line, column: f.column }],
          message: `Field '${f.name}' doesn't exist on type '${obj.typename}'`,
        });
      }
    }
  };

  function toJson(r: GqlResult, f: Field, path: string[]): Json {
    if (r === undefined || r === null) return null;
    if (Array.isArray(r))
      return r.map((item, i) => toJson(item, f, [...path, String(i)]));
    if (isObject(r)) {
      if (!f.selections) {
        errors.push({
          path,
          extensions: {
            code: 'selectionMismatch',
            nodeName: `field '${f.name}'`,
            typeName: r.typename,
          },
          locations: [{ line: f.line, column: f.column }],
          message: `Field must have selections (field '${f.name}' returns ${r.typename} but has no selections. Did you mean '${f.name} { ... }'?)`,
        });
        return null;
      }
      return resolve(r, f.selections, path);
    }
    return r;
  }

  function resolve(
    obj: GqlObject,
    fields: Field[],
    path: string[],
  ): JsonObject {
    validate(obj, fields, path);
    const out: JsonObject = {};
    for (const f of fields) {
      const key = f.alias ?? f.name;
      if (f.name === '__typename') {
        out[key] = obj.typename;
        continue;
      }
      const resolver = obj.fields[f.name];
      if (!resolver) continue;
      const args = Object.fromEntries(
        Object.entries(f.args).map(([k, v]) => [k, argValue(v, variables)]),
      );
      out[key] = toJson(resolver(args), f, [...path, key]);
    }
    return out;
  }

  const data = resolve(root, selections, []);
  const invalid = errors.some(
    e => (e.extensions as JsonObject | undefined)?.code,
  );
  return { data: invalid ? null : data, errors };
}
