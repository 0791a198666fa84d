/**
 * The lexer the LogQL and TraceQL subsets share (loki/logql.ts,
 * tempo/traceql.ts): words, numbers with their unit, operators and strings
 * that are double-quoted with only the escapes \" and \\ (the subsets: a
 * backend that escapes exactly those two can never leave the string).
 * Positions in errors are 1-based lines and columns, as Loki's and Tempo's
 * `parse error at line L, col C` give them.
 */

export interface QueryToken {
  type: 'word' | 'string' | 'number' | 'op' | 'eof';
  /** the source text (for strings: with quotes) */
  text: string;
  /** strings: the unescaped value */
  value: string;
  pos: number;
}

/** What tells one subset's tokens from the other's. */
export interface QueryLanguage {
  /** The double the escape error names. */
  double: 'Loki' | 'Tempo';
  /** A character between tokens. */
  space: RegExp;
  /** A character that starts a word, and one that continues it. */
  wordStart: RegExp;
  wordPart: RegExp;
  /** Operators and punctuation; the first that the text starts with wins. */
  operators: readonly string[];
  /** Characters refused with their own message instead of `unexpected character`. */
  refused?: Readonly<Record<string, string>>;
  /** Throws the subset's parse error for `pos` in `text`. */
  fail(text: string, pos: number, detail: string): never;
}

/** The 1-based line and column of offset `pos` in `text`. */
export function lineAndColumn(
  text: string,
  pos: number,
): { line: number; col: number } {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - (before.lastIndexOf('\n') + 1) + 1;
  return { line, col };
}

/** A string literal from the `"` at `start`: its value and where it ends. */
function readString(
  text: string,
  start: number,
  language: QueryLanguage,
): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length || text[i] === '\n')
      language.fail(text, start, 'literal not terminated');
    const ch = text[i];
    if (ch === '"') return { value, end: i + 1 };
    if (ch === '\\') {
      const next = text[i + 1];
      if (next !== '"' && next !== '\\') {
        language.fail(
          text,
          i,
          `invalid char escape \\${next ?? ''} (the ${
            language.double
          } double accepts only \\" and \\\\)`,
        );
      }
      value += next;
      i += 2;
      continue;
    }
    value += ch;
    i += 1;
  }
}

/** The tokens of `text`, ending with one of type `eof`. */
export function lexQuery(text: string, language: QueryLanguage): QueryToken[] {
  const tokens: QueryToken[] = [];
  const word = (type: 'word' | 'number', start: number, end: number) => {
    const source = text.slice(start, end);
    tokens.push({ type, text: source, value: source, pos: start });
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (language.space.test(c)) {
      i += 1;
      continue;
    }
    const start = i;
    if (c === '"') {
      const { value, end } = readString(text, start, language);
      i = end;
      tokens.push({
        type: 'string',
        text: text.slice(start, i),
        value,
        pos: start,
      });
      continue;
    }
    const refused = language.refused?.[c];
    if (refused !== undefined) language.fail(text, start, refused);
    if (language.wordStart.test(c)) {
      while (i < text.length && language.wordPart.test(text[i])) i += 1;
      word('word', start, i);
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < text.length && /[0-9A-Za-zµ.]/.test(text[i])) i += 1;
      word('number', start, i);
      continue;
    }
    const op = language.operators.find(o => text.startsWith(o, start));
    if (!op) {
      language.fail(
        text,
        start,
        `syntax error: unexpected character ${JSON.stringify(c)}`,
      );
    }
    i += op.length;
    tokens.push({ type: 'op', text: op, value: op, pos: start });
  }
  tokens.push({ type: 'eof', text: '', value: '', pos: text.length });
  return tokens;
}
