import {
  lexQuery,
  lineAndColumn,
  type QueryLanguage,
  type QueryToken,
} from './queryLexer';

/**
 * The LogQL subset the Loki double understands: what a careful backend sends
 * for an entity page, and nothing else. Anything outside it is answered as
 * Loki answers a query it cannot parse (contracts.md 5.1: 400, plain text,
 * `parse error at line 1, col N: …`), even where real LogQL would accept it,
 * so a backend that drifts from the subset fails loudly in tests.
 *
 * ```
 * query      = logQuery | metric
 * logQuery   = selector { stage }
 * selector   = "{" matcher { "," matcher } "}"
 * matcher    = LABEL ( "=" | "!=" | "=~" | "!~" ) STRING
 * stage      = ( "|=" | "!=" | "|~" | "!~" ) STRING            line filter
 *            | "|" LABEL ( "=" | "!=" | "=~" | "!~" ) STRING   label filter
 * metric     = "sum" [ grouping ] "(" rangeAgg ")" [ grouping ]
 *            | rangeAgg
 * grouping   = "by" "(" [ LABEL { "," LABEL } ] ")"
 * rangeAgg   = "count_over_time" "(" logQuery "[" DURATION "]" ")"
 * LABEL      = [A-Za-z_][A-Za-z0-9_]*
 * STRING     = '"' { any character but '"' and '\' | '\"' | '\\' } '"'
 * DURATION   = ( NUMBER ( "ms" | "s" | "m" | "h" | "d" | "w" ) )+
 * ```
 *
 * Regular expressions are RE2 in Loki: label matchers and label filters
 * match the whole value, line filters (`|~`, as
 * plugins/haven-common's `|~ "(?i)error"`) anywhere in the line. The double
 * does the same and refuses the JavaScript-only constructs RE2 lacks
 * (look-around, back-references).
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
  /** Whether a label value (`''` when the label is absent) satisfies it. */
  test(value: string): boolean;
}

export type PipelineStage =
  | {
      kind: 'line';
      op: '|=' | '!=' | '|~' | '!~';
      text: string;
      /** Whether a line passes the filter. */
      test(line: string): boolean;
    }
  | { kind: 'label'; matcher: LabelMatcher };

export interface LogQuery {
  kind: 'log';
  selector: LabelMatcher[];
  pipeline: PipelineStage[];
}

export interface MetricQuery {
  kind: 'metric';
  inner: LogQuery;
  /** the `[range]` of count_over_time, in milliseconds */
  rangeMs: number;
  /** `sum by (…)` labels; `[]` for a plain `sum`; undefined without `sum` */
  sumBy?: string[];
}

export type LogQLQuery = LogQuery | MetricQuery;

/** A query Loki would refuse; `message` is the whole plain-text body. */
export class LogQLParseError extends Error {}

type TokenType = QueryToken['type'];
type Token = QueryToken;

const KEYWORDS = new Set(['sum', 'by', 'without', 'count_over_time']);

function parseError(text: string, pos: number, detail: string): never {
  const { line, col } = lineAndColumn(text, pos);
  throw new LogQLParseError(
    `parse error at line ${line}, col ${col}: ${detail}`,
  );
}

const LOGQL: QueryLanguage = {
  double: 'Loki',
  space: /[ \t\n\r]/,
  wordStart: /[A-Za-z_]/,
  wordPart: /[A-Za-z0-9_]/,
  operators: ['|=', '|~', '!=', '!~', '=~', '==', '|', '=', '!', ...'{}()[],'],
  refused: {
    '`': 'syntax error: unexpected raw string (the Loki double accepts only double-quoted strings)',
  },
  fail: parseError,
};

/** What Loki's messages call a token, and a token type that is expected. */
const NAMES: Record<Exclude<TokenType, 'op'>, string> = {
  word: 'IDENTIFIER',
  string: 'STRING',
  number: 'RANGE',
  eof: '$end',
};
const EXPECTED: Record<TokenType, string> = {
  word: 'IDENT',
  string: 'STRING',
  number: 'DURATION',
  op: 'OP',
  eof: '',
};

function describe(token: Token): string {
  if (token.type === 'op') return token.text;
  if (token.type === 'word' && KEYWORDS.has(token.text))
    return token.text.toUpperCase();
  return NAMES[token.type];
}

const lex = (text: string) => lexQuery(text, LOGQL);

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** A Prometheus/Go-style duration (`5m`, `1h30m`, `250ms`) in milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const match = part.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * DURATION_UNITS_MS[match[2]];
    at = part.lastIndex;
  }
  return at > 0 ? total : undefined;
}

/**
 * Loki's regular expressions are Go RE2, fully anchored. RE2 has no
 * look-around or back-references; JavaScript has no `(?i)` prefix or
 * `(?P<name>…)`: translate those two, refuse the first two.
 */
function compileRegex(
  query: string,
  pos: number,
  pattern: string,
  anchored = true,
): (value: string) => boolean {
  const unsupported = /\(\?<?[=!]|\\[1-9]/.exec(pattern);
  if (unsupported) {
    parseError(
      query,
      pos,
      `error parsing regexp: invalid or unsupported Perl syntax: \`${unsupported[0]}\``,
    );
  }
  let source = pattern;
  let flags = '';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags = 'i';
  }
  source = source.replace(/\(\?P</g, '(?<');
  try {
    const re = new RegExp(anchored ? `^(?:${source})$` : source, flags);
    return value => re.test(value);
  } catch (error) {
    return parseError(
      query,
      pos,
      `error parsing regexp: ${(error as Error).message}`,
    );
  }
}

class Parser {
  private readonly tokens: Token[];
  private at = 0;
  private readonly selectors: LabelMatcher[][] = [];

  constructor(private readonly text: string) {
    this.tokens = lex(text);
  }

  parse(): LogQLQuery {
    const first = this.peek();
    let query: LogQLQuery;
    if (first.type === 'op' && first.text === '{') query = this.logQuery();
    else if (first.type === 'word' && first.text === 'sum') query = this.sum();
    else if (first.type === 'word' && first.text === 'count_over_time')
      query = this.rangeAggregation(undefined);
    else this.unexpected(first, '{, sum or count_over_time');
    this.unexpectedUnless(this.peek(), 'eof');
    // Once parsed, Loki refuses a selector that could match every stream.
    // The message is Loki's, without a position ("parse error : …") [inf].
    for (const matchers of this.selectors) {
      if (!matchers.some(m => (m.op === '=' || m.op === '=~') && !m.test(''))) {
        throw new LogQLParseError(
          'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will',
        );
      }
    }
    return query;
  }

  private peek(): Token {
    return this.tokens[this.at];
  }

  private next(): Token {
    const token = this.tokens[this.at];
    if (token.type !== 'eof') this.at += 1;
    return token;
  }

  private unexpected(token: Token, expecting?: string): never {
    return parseError(
      this.text,
      token.pos,
      `syntax error: unexpected ${describe(token)}${
        expecting ? `, expecting ${expecting}` : ''
      }`,
    );
  }

  private unexpectedUnless(token: Token, type: TokenType, text?: string) {
    if (token.type !== type || (text !== undefined && token.text !== text)) {
      this.unexpected(
        token,
        type === 'eof' ? undefined : text ?? EXPECTED[type],
      );
    }
  }

  private expect(type: TokenType, text?: string): Token {
    const token = this.next();
    this.unexpectedUnless(token, type, text);
    return token;
  }

  private isOp(text: string): boolean {
    const token = this.peek();
    return token.type === 'op' && token.text === text;
  }

  private label(): string {
    const token = this.next();
    if (token.type !== 'word') this.unexpected(token, 'IDENTIFIER');
    return token.text;
  }

  private matcher(): LabelMatcher {
    const name = this.label();
    const opToken = this.next();
    if (
      opToken.type !== 'op' ||
      !['=', '!=', '=~', '!~'].includes(opToken.text)
    ) {
      this.unexpected(opToken, '=, !=, =~ or !~');
    }
    const op = opToken.text as MatchOp;
    const valueToken = this.expect('string');
    const value = valueToken.value;
    let test: (v: string) => boolean;
    if (op === '=') test = v => v === value;
    else if (op === '!=') test = v => v !== value;
    else {
      const re = compileRegex(this.text, valueToken.pos, value);
      test = op === '=~' ? re : v => !re(v);
    }
    return { name, op, value, test };
  }

  private selector(): LabelMatcher[] {
    this.expect('op', '{');
    const matchers = [this.matcher()];
    while (this.isOp(',')) {
      this.next();
      matchers.push(this.matcher());
    }
    this.expect('op', '}');
    this.selectors.push(matchers);
    return matchers;
  }

  private logQuery(): LogQuery {
    const selector = this.selector();
    const pipeline: PipelineStage[] = [];
    for (;;) {
      const token = this.peek();
      if (token.type !== 'op') break;
      if (['|=', '!=', '|~', '!~'].includes(token.text)) {
        this.next();
        const op = token.text as '|=' | '!=' | '|~' | '!~';
        const textToken = this.expect('string');
        const text = textToken.value;
        const found =
          op === '|=' || op === '!='
            ? (line: string) => line.includes(text)
            : compileRegex(this.text, textToken.pos, text, false);
        const test =
          op === '|=' || op === '|~' ? found : (line: string) => !found(line);
        pipeline.push({ kind: 'line', op, text, test });
      } else if (token.text === '|') {
        this.next();
        pipeline.push({ kind: 'label', matcher: this.matcher() });
      } else {
        break;
      }
    }
    return { kind: 'log', selector, pipeline };
  }

  private grouping(): string[] {
    this.expect('word', 'by');
    this.expect('op', '(');
    const labels: string[] = [];
    if (!this.isOp(')')) {
      labels.push(this.label());
      while (this.isOp(',')) {
        this.next();
        labels.push(this.label());
      }
    }
    this.expect('op', ')');
    return labels;
  }

  private sum(): MetricQuery {
    this.expect('word', 'sum');
    let by: string[] | undefined;
    const after = this.peek();
    if (after.type === 'word' && after.text === 'by') by = this.grouping();
    this.expect('op', '(');
    const inner = this.peek();
    if (inner.type !== 'word' || inner.text !== 'count_over_time')
      this.unexpected(inner, 'COUNT_OVER_TIME');
    const query = this.rangeAggregation([]);
    this.expect('op', ')');
    const postfix = this.peek();
    if (postfix.type === 'word' && postfix.text === 'by') {
      if (by !== undefined) this.unexpected(postfix);
      by = this.grouping();
    }
    return { ...query, sumBy: by ?? [] };
  }

  private rangeAggregation(sumBy: string[] | undefined): MetricQuery {
    this.expect('word', 'count_over_time');
    this.expect('op', '(');
    const inner = this.logQuery();
    this.expect('op', '[');
    const rangeToken = this.expect('number');
    const rangeMs = parseDurationMs(rangeToken.text);
    if (rangeMs === undefined || rangeMs <= 0) {
      parseError(
        this.text,
        rangeToken.pos,
        `syntax error: invalid duration ${JSON.stringify(rangeToken.text)}`,
      );
    }
    this.expect('op', ']');
    this.expect('op', ')');
    return { kind: 'metric', inner, rangeMs, sumBy };
  }
}

/** Parses a query of the subset; throws {@link LogQLParseError} otherwise. */
export function parseLogQL(text: string): LogQLQuery {
  return new Parser(text).parse();
}

/** Whether every matcher holds for these labels (an absent label is `''`). */
export function matchesAll(
  matchers: LabelMatcher[],
  labels: Record<string, string>,
): boolean {
  return matchers.every(m => m.test(labels[m.name] ?? ''));
}

/** Quotes a label value as the subset takes it (for tests and callers). */
export function quoteLogQL(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
