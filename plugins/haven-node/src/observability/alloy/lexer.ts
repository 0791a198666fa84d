import { InputError } from '@backstage/errors';
import {
  GO_SIMPLE_ESCAPES,
  isUnicodeScalarValue,
} from '@haven-plus/plugin-haven-common';
import { IDENTIFIER_PART, IDENTIFIER_START, isSurrogate } from './syntax';

/*
 * The scanner of the Alloy reader (reader.ts). Lexing follows Alloy's
 * scanner (grafana/alloy syntax/scanner): a newline after an identifier,
 * literal, `)`, `]` or `}` ends the statement, which is why a multi-line
 * list needs a comma after its last element; NUL and a byte order mark are
 * illegal anywhere; strings take Go's escapes.
 */

/** Go's one-character escapes, and `\'`, which this scanner reads too. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  ...GO_SIMPLE_ESCAPES,
  "'": "'",
};

/** A syntax error, with the 1-based line and column where it was found. @public */
export class AlloySyntaxError extends InputError {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(`line ${line}, column ${column}: ${message}`);
    this.line = line;
    this.column = column;
  }
}

/** The kinds of token the scanner returns. */
export type TokenType =
  | 'ident'
  | 'string'
  | 'number'
  | 'bool'
  | 'null'
  | 'punct'
  | 'op'
  | 'term'
  | 'eof';

/** One token and where it starts. */
export interface Token {
  type: TokenType;
  /** Punctuation or operator text, identifier name, or the literal as written. */
  text: string;
  value?: string | number | boolean | null;
  /** For strings: the text between the quotes, unescaped. */
  raw?: string;
  line: number;
  column: number;
}

/** A token as an error message names it. */
export function describeToken(t: Token): string {
  switch (t.type) {
    case 'term':
      return 'a newline';
    case 'eof':
      return 'the end of the text';
    case 'string':
      return `string ${t.text}`;
    case 'ident':
      return `identifier ${t.text}`;
    default:
      return `"${t.text}"`;
  }
}

/** Returns the tokens of Alloy text one by one (`next`), and keeps its whole-line comments. */
export class Scanner {
  private pos = 0;
  private line = 1;
  private column = 1;
  private insertTerm = false;
  private lastTokenLine = 0;
  /** Whole-line `//` comments by line (text after `//` and one space). */
  readonly lineComments = new Map<number, string>();

  constructor(private readonly src: string) {
    if (src.charCodeAt(0) === 0xfeff) this.advance();
  }

  private fail(message: string, line = this.line, column = this.column): never {
    throw new AlloySyntaxError(message, line, column);
  }

  private peekCp(offset = 0): number | undefined {
    let p = this.pos;
    for (let i = 0; i < offset && p < this.src.length; i++) {
      p += this.src.codePointAt(p)! > 0xffff ? 2 : 1;
    }
    return p < this.src.length ? this.src.codePointAt(p) : undefined;
  }

  private advance(): number {
    const cp = this.src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    if (cp === 0x0a) {
      this.line++;
      this.column = 1;
    } else {
      this.column++;
    }
    return cp;
  }

  /** Advances over one character, refusing those Alloy never accepts. */
  private advanceChecked(): number {
    const line = this.line;
    const column = this.column;
    const cp = this.advance();
    this.checkChar(cp, line, column);
    return cp;
  }

  private checkChar(cp: number, line = this.line, column = this.column): void {
    if (cp === 0) this.fail('illegal character NUL', line, column);
    if (cp === 0xfeff) this.fail('illegal byte order mark', line, column);
    if (isSurrogate(cp)) {
      this.fail('illegal UTF-8 encoding', line, column);
    }
  }

  /** True when the comment at pos (after a value) runs to the end of its line. */
  private commentEndsLine(): boolean {
    if (this.src.startsWith('//', this.pos)) return true;
    const end = this.src.indexOf('*/', this.pos + 2);
    if (end < 0) return true;
    if (this.src.slice(this.pos, end).includes('\n')) return true;
    const rest = this.src.slice(end + 2).match(/^[ \t\r]*(\n|$|\/)/);
    return rest !== null && rest[1] !== '/';
  }

  private skipComment(): void {
    const line = this.line;
    const column = this.column;
    if (this.src.startsWith('//', this.pos)) {
      let text = '';
      this.advance();
      this.advance();
      while (this.pos < this.src.length && this.peekCp() !== 0x0a) {
        text += String.fromCodePoint(this.advanceChecked());
      }
      if (this.lastTokenLine !== line) {
        text = text.replace(/\r$/, '');
        this.lineComments.set(
          line,
          text.startsWith(' ') ? text.slice(1) : text,
        );
      }
      return;
    }
    this.advance();
    this.advance();
    for (;;) {
      if (this.pos >= this.src.length) {
        this.fail('block comment not terminated', line, column);
      }
      if (this.src.startsWith('*/', this.pos)) {
        this.advance();
        this.advance();
        return;
      }
      this.advanceChecked();
    }
  }

  next(): Token {
    for (;;) {
      while (this.pos < this.src.length) {
        const c = this.src[this.pos];
        if (
          c === ' ' ||
          c === '\t' ||
          c === '\r' ||
          (c === '\n' && !this.insertTerm)
        ) {
          this.advance();
        } else break;
      }
      const line = this.line;
      const column = this.column;
      const token = (
        type: TokenType,
        text: string,
        extra: Partial<Token> = {},
      ): Token => {
        this.insertTerm = [
          'ident',
          'string',
          'number',
          'bool',
          'null',
        ].includes(type)
          ? true
          : type === 'punct' && [')', ']', '}'].includes(text);
        if (type !== 'term') this.lastTokenLine = line;
        return { type, text, line, column, ...extra };
      };
      if (this.pos >= this.src.length) {
        if (this.insertTerm) return token('term', '\n');
        return token('eof', '');
      }
      const cp = this.peekCp()!;
      const ch = String.fromCodePoint(cp);
      if (ch === '\n') {
        this.advance();
        return token('term', '\n');
      }
      if (ch === '/' && (this.peekCp(1) === 0x2f || this.peekCp(1) === 0x2a)) {
        if (this.insertTerm && this.commentEndsLine()) {
          return token('term', '\n');
        }
        this.skipComment();
        this.insertTerm = false;
        continue;
      }
      if (IDENTIFIER_START.test(ch)) {
        let name = '';
        while (
          this.pos < this.src.length &&
          IDENTIFIER_PART.test(String.fromCodePoint(this.peekCp()!))
        ) {
          name += String.fromCodePoint(this.advance());
        }
        if (name === 'true' || name === 'false') {
          return token('bool', name, { value: name === 'true' });
        }
        if (name === 'null') return token('null', name, { value: null });
        return token('ident', name);
      }
      const isDigit = (x: number | undefined) =>
        x !== undefined && x >= 0x30 && x <= 0x39;
      if (isDigit(cp) || (ch === '.' && isDigit(this.peekCp(1)))) {
        const m = this.src
          .slice(this.pos)
          .match(/^(\d*(\.\d*)?)([eE][+-]?\d*)?/)!;
        if (m[3] !== undefined && !/\d$/.test(m[3])) {
          this.fail('exponent has no digits');
        }
        for (let i = 0; i < m[0].length; i++) this.advance();
        return token('number', m[0], { value: Number(m[0]) });
      }
      if (ch === '"') return token('string', ...this.scanString(line, column));
      if (ch === '`') {
        this.advance();
        let value = '';
        for (;;) {
          if (this.pos >= this.src.length) {
            this.fail('string literal not terminated', line, column);
          }
          const c = this.advanceChecked();
          if (c === 0x60) break;
          value += String.fromCodePoint(c);
        }
        return token('string', `\`${value}\``, { value, raw: value });
      }
      if (ch === "'") {
        this.fail('illegal single-quoted string; use double quotes');
      }
      if ('{}[](),.'.includes(ch)) {
        this.advance();
        return token('punct', ch);
      }
      const two = this.src.slice(this.pos, this.pos + 2);
      if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
        this.advance();
        this.advance();
        return token('op', two);
      }
      if ('=+-*/%^!<>'.includes(ch)) {
        this.advance();
        return token(ch === '=' ? 'punct' : 'op', ch);
      }
      this.checkChar(cp);
      return this.fail(
        `illegal character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`,
      );
    }
  }

  private scanString(line: number, column: number): [string, Partial<Token>] {
    const start = this.pos;
    this.advance();
    let value = '';
    for (;;) {
      if (this.pos >= this.src.length || this.peekCp() === 0x0a) {
        this.fail('string literal not terminated', line, column);
      }
      const escLine = this.line;
      const escColumn = this.column;
      const c = this.advanceChecked();
      if (c === 0x22) break;
      if (c !== 0x5c) {
        value += String.fromCodePoint(c);
        continue;
      }
      const e =
        this.pos < this.src.length ? String.fromCodePoint(this.advance()) : '';
      if (e in SIMPLE_ESCAPES) {
        value += SIMPLE_ESCAPES[e];
        continue;
      }
      const digits: Record<string, [number, number]> = {
        x: [2, 16],
        u: [4, 16],
        U: [8, 16],
      };
      let n: number;
      let base: number;
      let text: string;
      if (e >= '0' && e <= '7') {
        [n, base, text] = [2, 8, e];
      } else if (e in digits) {
        [n, base] = digits[e];
        text = '';
      } else {
        return this.fail(
          e === ''
            ? 'escape sequence not terminated'
            : `unknown escape sequence \\${e}`,
          escLine,
          escColumn,
        );
      }
      for (let i = 0; i < n; i++) {
        const d = this.pos < this.src.length ? this.src[this.pos] : '';
        if (d === '' || Number.isNaN(parseInt(d, base))) {
          this.fail(
            `illegal character in escape sequence \\${e}${text}`,
            escLine,
            escColumn,
          );
        }
        text += d;
        this.advance();
      }
      const x = parseInt(text, base);
      if ((e === 'x' || base === 8) && x > 0x7f) {
        // Go would insert a raw byte, which a JavaScript string cannot hold.
        this.fail(
          `byte escape \\${
            e === 'x' ? 'x' : ''
          }${text} above 0x7F is not supported`,
          escLine,
          escColumn,
        );
      }
      if (!isUnicodeScalarValue(x)) {
        this.fail(
          'escape sequence is invalid Unicode code point',
          escLine,
          escColumn,
        );
      }
      value += String.fromCodePoint(x);
    }
    const literal = this.src.slice(start, this.pos);
    return [literal, { value, raw: literal.slice(1, -1) }];
  }
}
