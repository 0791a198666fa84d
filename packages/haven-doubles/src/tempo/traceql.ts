import {
  lexQuery,
  lineAndColumn,
  type QueryLanguage,
  type QueryToken,
} from '../loki/queryLexer';

/**
 * The TraceQL subset the Tempo double understands: one spanset filter,
 * optionally followed by `select`, as a backend looking up an entity's
 * traces sends it. Anything else is refused with a 400 and a plain-text
 * parse error, even where real TraceQL would accept it, so a backend that
 * drifts from the subset fails in tests.
 *
 * ```
 * query     = filter [ "|" "select" "(" field { "," field } ")" ]
 * filter    = "{" [ condition { "&&" condition } ] "}"
 * field     = "status" | "name" | "duration" | ( "resource." | "span." ) NAME
 * condition = ( "resource." | "span." ) NAME ( "=" | "!=" ) STRING
 *           | "name" ( "=" | "!=" ) STRING
 *           | "status" ( "=" | "!=" ) ( "error" | "ok" | "unset" )
 *           | "duration" ( "=" | "!=" | ">" | ">=" | "<" | "<=" ) DURATION
 * NAME      = [A-Za-z_][A-Za-z0-9_]* { "." [A-Za-z_][A-Za-z0-9_]* }
 * STRING    = '"' { any character but '"' and '\' | '\"' | '\\' } '"'
 * DURATION  = NUMBER ( "ns" | "us" | "µs" | "ms" | "s" | "m" | "h" )
 * ```
 *
 * A span matches when every condition holds for it (its resource's
 * attributes for `resource.`); a missing attribute satisfies neither `=` nor
 * `!=`, as in TraceQL. A trace matches when one of its spans does.
 *
 * `select(...)` (Tempo's TraceQL "selection", grafana.com/docs/tempo
 * "Construct a TraceQL query") does not narrow the search: it adds the named
 * fields to the spans a search returns in `spanSets`.
 */

export type StatusCode = 'unset' | 'ok' | 'error';

export type Condition =
  | {
      kind: 'attribute';
      scope: 'resource' | 'span';
      name: string;
      op: '=' | '!=';
      value: string;
    }
  | { kind: 'name'; op: '=' | '!='; value: string }
  | { kind: 'status'; op: '=' | '!='; value: StatusCode }
  | {
      kind: 'duration';
      op: '=' | '!=' | '>' | '>=' | '<' | '<=';
      nanos: bigint;
    };

/** A field `select(...)` names. */
export type SelectField =
  | { kind: 'status' }
  | { kind: 'name' }
  | { kind: 'duration' }
  | { kind: 'attribute'; scope: 'resource' | 'span'; name: string };

export interface SpansetFilter {
  conditions: Condition[];
  /** The fields of a trailing `| select(...)`, in order; empty without one. */
  select: SelectField[];
}

/** A query Tempo would refuse; `message` is the plain-text 400 body. */
export class TraceQLParseError extends Error {}

type Token = QueryToken;

function fail(text: string, pos: number, detail: string): never {
  const { line, col } = lineAndColumn(text, pos);
  // Tempo's message for a query it cannot parse [inf]: contracts.md 5.2
  // gives no error body; Tempo's parser is modelled on LogQL's.
  throw new TraceQLParseError(
    `invalid TraceQL query: parse error at line ${line}, col ${col}: ${detail}`,
  );
}

const TRACEQL: QueryLanguage = {
  double: 'Tempo',
  space: /\s/,
  wordStart: /[A-Za-z_.]/,
  wordPart: /[A-Za-z0-9_.]/,
  operators: [
    '&&',
    '||',
    '>=',
    '<=',
    '!=',
    '=~',
    '!~',
    '=',
    '>',
    '<',
    '{',
    '}',
    '(',
    ')',
    '!',
    '|',
    ',',
  ],
  fail,
};

const lex = (text: string) => lexQuery(text, TRACEQL);

const NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

function durationNanos(text: string): bigint | undefined {
  const match = /^(\d+)(?:\.(\d+))?(ns|us|µs|ms|s|m|h)$/.exec(text);
  if (!match) return undefined;
  const unit = NANOS[match[3]];
  const fraction = match[2] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  return (BigInt(match[1] + fraction) * unit) / scale;
}

const ATTRIBUTE =
  /^(resource|span)\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/;

function describe(t: Token): string {
  if (t.type === 'eof') return '$end';
  if (t.type === 'string') return 'STRING';
  return t.text;
}

/** Parses a query of the subset; throws {@link TraceQLParseError} otherwise. */
export function parseTraceQL(text: string): SpansetFilter {
  const tokens = lex(text);
  let at = 0;
  const next = () => tokens[Math.min(at++, tokens.length - 1)];
  const peek = () => tokens[at];
  const unexpected = (t: Token, expecting?: string): never =>
    fail(
      text,
      t.pos,
      `syntax error: unexpected ${describe(t)}${
        expecting ? `, expecting ${expecting}` : ''
      }`,
    );
  const expectOp = (op: string) => {
    const t = next();
    if (t.type !== 'op' || t.text !== op) unexpected(t, op);
  };
  const operator = (allowed: string[]) => {
    const t = next();
    if (t.type !== 'op' || !allowed.includes(t.text))
      unexpected(t, allowed.join(' or '));
    return t.text;
  };
  const string = () => {
    const t = next();
    if (t.type !== 'string') unexpected(t, 'STRING');
    return t.value;
  };

  const condition = (): Condition => {
    const t = next();
    if (t.type !== 'word') return unexpected(t, 'an attribute or intrinsic');
    const attribute = ATTRIBUTE.exec(t.text);
    if (attribute) {
      const op = operator(['=', '!=']) as '=' | '!=';
      return {
        kind: 'attribute',
        scope: attribute[1] as 'resource' | 'span',
        name: attribute[2],
        op,
        value: string(),
      };
    }
    if (t.text === 'name') {
      const op = operator(['=', '!=']) as '=' | '!=';
      return { kind: 'name', op, value: string() };
    }
    if (t.text === 'status') {
      const op = operator(['=', '!=']) as '=' | '!=';
      const v = next();
      if (v.type !== 'word' || !['error', 'ok', 'unset'].includes(v.text))
        return unexpected(v, 'error, ok or unset');
      return { kind: 'status', op, value: v.text as StatusCode };
    }
    if (t.text === 'duration') {
      const op = operator(['=', '!=', '>', '>=', '<', '<=']) as
        | '='
        | '!='
        | '>'
        | '>='
        | '<'
        | '<=';
      const v = next();
      const nanos = v.type === 'number' ? durationNanos(v.text) : undefined;
      if (nanos === undefined) return unexpected(v, 'DURATION');
      return { kind: 'duration', op, nanos };
    }
    return unexpected(t, 'an attribute or intrinsic');
  };

  expectOp('{');
  const conditions: Condition[] = [];
  if (!(peek().type === 'op' && peek().text === '}')) {
    conditions.push(condition());
    while (peek().type === 'op' && peek().text === '&&') {
      next();
      conditions.push(condition());
    }
  }
  expectOp('}');

  const field = (): SelectField => {
    const t = next();
    if (t.type !== 'word') return unexpected(t, 'an attribute or intrinsic');
    const attribute = ATTRIBUTE.exec(t.text);
    if (attribute) {
      return {
        kind: 'attribute',
        scope: attribute[1] as 'resource' | 'span',
        name: attribute[2],
      };
    }
    if (t.text === 'status' || t.text === 'name' || t.text === 'duration') {
      return { kind: t.text };
    }
    return unexpected(t, 'an attribute or intrinsic');
  };
  const select: SelectField[] = [];
  if (peek().type === 'op' && peek().text === '|') {
    next();
    const t = next();
    if (t.type !== 'word' || t.text !== 'select') unexpected(t, 'select');
    expectOp('(');
    select.push(field());
    while (peek().type === 'op' && peek().text === ',') {
      next();
      select.push(field());
    }
    expectOp(')');
  }
  const end = next();
  if (end.type !== 'eof') unexpected(end);
  return { conditions, select };
}

/** Quotes a value as the subset takes it. */
export function quoteTraceQL(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
