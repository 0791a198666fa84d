import { InputError } from '@backstage/errors';
import {
  isAlloyIdentifier,
  type AlloyAttribute,
  type AlloyBlock,
  type AlloyBody,
  type AlloyComponent,
  type AlloyRef,
  type AlloyValue,
} from './alloy';
import {
  ALLOY_COMPONENTS,
  type AlloySignal,
  splitReferencePath,
} from './alloyCatalog';

/*
 * Reads Alloy configuration text back (the subset renderAlloy writes, plus
 * the forms the reference docs' examples use: backtick strings, calls such
 * as sys.env("X"), null, block comments) and checks how its components are
 * wired, using what shared/reference/alloy/ says each component exports and
 * takes (alloyCatalog.ts).
 *
 * Lexing follows Alloy's scanner (grafana/alloy syntax/scanner): a newline
 * after an identifier, literal, `)`, `]` or `}` ends the statement, which
 * is why a multi-line list needs a comma after its last element; NUL and a
 * byte order mark are illegal anywhere; strings take Go's escapes.
 */

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

/** A component as read from text, with where it starts. @public */
export interface AlloyReadComponent extends AlloyComponent {
  readonly line: number;
  readonly column: number;
}

/** One reference in the text and where it occurs. @public */
export interface AlloyReference {
  readonly ref: AlloyRef;
  /** As written, e.g. otelcol.processor.batch.default.input. */
  readonly path: string;
  /** The component whose body holds it ('' for a top-level attribute). */
  readonly from: { readonly component: string; readonly label: string };
  /** The argument inside that component, e.g. output.metrics[0] or forward_to[1]. */
  readonly at: string;
  readonly line: number;
  readonly column: number;
}

/** What readAlloy found. @public */
export interface AlloyConfig {
  readonly components: AlloyReadComponent[];
  readonly references: AlloyReference[];
  /** Top-level attributes (syntax.md allows them, e.g. log_level). */
  readonly attributes: AlloyAttribute[];
}

// ---------------------------------------------------------------------------
// Scanner

type TokenType =
  | 'ident'
  | 'string'
  | 'number'
  | 'bool'
  | 'null'
  | 'punct'
  | 'op'
  | 'term'
  | 'eof';

interface Token {
  type: TokenType;
  /** Punctuation or operator text, identifier name, or the literal as written. */
  text: string;
  value?: string | number | boolean | null;
  /** For strings: the text between the quotes, unescaped. */
  raw?: string;
  line: number;
  column: number;
}

const LETTER = /[\p{L}_]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{Nd}_]/u;

function describeToken(t: Token): string {
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

class Scanner {
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
    if (cp >= 0xd800 && cp <= 0xdfff) {
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
      if (LETTER.test(ch)) {
        let name = '';
        while (
          this.pos < this.src.length &&
          LETTER_OR_DIGIT.test(String.fromCodePoint(this.peekCp()!))
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
      const simple: Record<string, string> = {
        a: '\x07',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
        v: '\v',
        '\\': '\\',
        '"': '"',
        "'": "'",
      };
      if (e in simple) {
        value += simple[e];
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
      if (x > 0x10ffff || (x >= 0xd800 && x < 0xe000)) {
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

// ---------------------------------------------------------------------------
// Parser

interface PendingRef {
  target: { -readonly [K in keyof AlloyRef]: AlloyRef[K] };
  path: string;
  from: { component: string; label: string };
  at: string;
  line: number;
  column: number;
}

const BINARY_OPS = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '&&',
  '||',
]);

class Parser {
  private tok: Token;
  readonly refs: PendingRef[] = [];
  private from = { component: '', label: '' };

  constructor(private readonly scanner: Scanner) {
    this.tok = scanner.next();
  }

  private next(): void {
    this.tok = this.scanner.next();
  }

  private fail(message: string, t: Token = this.tok): never {
    throw new AlloySyntaxError(message, t.line, t.column);
  }

  private is(type: TokenType, text?: string): boolean {
    return (
      this.tok.type === type && (text === undefined || this.tok.text === text)
    );
  }

  private expectPunct(text: string, context: string): void {
    if (!this.is('punct', text)) {
      this.fail(
        `expected "${text}" ${context}, got ${describeToken(this.tok)}`,
      );
    }
    this.next();
  }

  parseFile(): AlloyConfig {
    const components: AlloyReadComponent[] = [];
    const attributes: AlloyAttribute[] = [];
    while (!this.is('eof')) {
      const start = this.tok;
      const stmt = this.parseStatement(true);
      if ('name' in stmt && 'label' in stmt) {
        const comment = this.commentAbove(start.line);
        components.push({
          ...stmt,
          ...(comment !== undefined ? { comment } : {}),
          line: start.line,
          column: start.column,
        } as AlloyReadComponent);
      } else {
        attributes.push(stmt as AlloyAttribute);
      }
      this.endStatement('eof');
    }
    return { components, references: [], attributes };
  }

  private commentAbove(line: number): string | undefined {
    const lines: string[] = [];
    for (let l = line - 1; this.scanner.lineComments.has(l); l--) {
      lines.unshift(this.scanner.lineComments.get(l)!);
    }
    return lines.length > 0 ? lines.join('\n') : undefined;
  }

  /** After a statement: the closing token of the body, or a newline. */
  private endStatement(until: 'eof' | '}'): void {
    if (until === 'eof' ? this.is('eof') : this.is('punct', '}')) return;
    if (!this.is('term')) {
      this.fail(
        `expected a newline after the statement, got ${describeToken(
          this.tok,
        )} (one attribute or block per line)`,
      );
    }
    this.next();
  }

  private parseBody(path: string): AlloyBody {
    const body: Array<AlloyAttribute | AlloyBlock> = [];
    while (!this.is('punct', '}')) {
      if (this.is('eof')) {
        this.fail('expected "}" to close the block, got the end of the text');
      }
      body.push(
        this.parseStatement(false, path) as AlloyAttribute | AlloyBlock,
      );
      this.endStatement('}');
    }
    this.next(); // }
    return body;
  }

  private parseStatement(
    topLevel: boolean,
    path = '',
  ): AlloyAttribute | AlloyBlock | AlloyComponent {
    if (!this.is('ident')) {
      this.fail(
        `expected an attribute or block name, got ${describeToken(this.tok)}`,
      );
    }
    const start = this.tok;
    const fragments = [this.tok.text];
    this.next();
    while (this.is('punct', '.')) {
      this.next();
      if (!this.is('ident')) {
        this.fail(
          `expected an identifier after ".", got ${describeToken(this.tok)}`,
        );
      }
      fragments.push(this.tok.text);
      this.next();
    }
    const name = fragments.join('.');
    let label: string | undefined;
    if (this.is('string')) {
      const labelTok = this.tok;
      if (labelTok.text[0] !== '"') {
        this.fail(
          `expected block label to be a double quoted string, but got ${labelTok.text}`,
        );
      }
      // Alloy takes the label between the quotes as written; it must be an identifier.
      label = labelTok.raw!;
      if (!isAlloyIdentifier(label)) {
        this.fail(
          `expected block label to be a valid identifier, but got ${labelTok.text}`,
          labelTok,
        );
      }
      this.next();
    }
    if (this.is('punct', '=')) {
      if (fragments.length !== 1) {
        this.fail(
          'attribute names may only consist of a single identifier with no "."',
          start,
        );
      }
      if (label !== undefined)
        this.fail('attribute names may not have labels', start);
      this.next();
      if (topLevel) this.from = { component: '', label: '' };
      const at = path ? `${path}.${name}` : name;
      return { kind: 'attribute', key: name, value: this.parseExpression(at) };
    }
    if (this.is('punct', '{')) {
      this.next();
      if (topLevel) {
        this.from = { component: name, label: label ?? '' };
        const body = this.parseBody('');
        return { name, label: label ?? '', body };
      }
      if (label !== undefined) {
        this.fail(
          `nested block ${name} has a label; nested blocks are unlabeled (syntax.md)`,
          start,
        );
      }
      const body = this.parseBody(path ? `${path}.${name}` : name);
      return { kind: 'block', name, body };
    }
    return this.fail(
      `expected "=" or "{" after ${name}${
        label !== undefined ? ` "${label}"` : ''
      }, got ${describeToken(this.tok)}`,
    );
  }

  private parseExpression(at: string): AlloyValue {
    const value = this.parseUnary(at);
    if (this.is('op') && BINARY_OPS.has(this.tok.text)) {
      this.fail(
        `operator ${this.tok.text} is outside the subset readAlloy reads (no expressions with operators)`,
      );
    }
    if (this.is('punct', '{') || this.is('string')) {
      this.fail('cannot use a block as an expression');
    }
    return value;
  }

  private parseUnary(at: string): AlloyValue {
    if (this.is('op', '-')) {
      const minus = this.tok;
      this.next();
      if (!this.is('number')) {
        this.fail('unary "-" is only read before a number', minus);
      }
      const n = -(this.tok.value as number);
      this.next();
      return n;
    }
    if (this.is('op', '!')) {
      this.fail('operator ! is outside the subset readAlloy reads');
    }
    return this.parsePrimary(at);
  }

  private parsePrimary(at: string): AlloyValue {
    const t = this.tok;
    switch (t.type) {
      case 'string':
      case 'number':
      case 'bool':
      case 'null':
        this.next();
        return t.value as AlloyValue;
      case 'ident': {
        const parts = [t.text];
        this.next();
        while (this.is('punct', '.')) {
          this.next();
          if (!this.is('ident')) {
            this.fail(
              `expected an identifier after ".", got ${describeToken(
                this.tok,
              )}`,
            );
          }
          parts.push(this.tok.text);
          this.next();
        }
        const path = parts.join('.');
        if (this.is('punct', '(')) {
          this.next();
          const args = this.parseList(')', `${at}(${path})`);
          if (
            this.is('punct', '.') ||
            this.is('punct', '[') ||
            this.is('punct', '(')
          ) {
            this.fail(
              'access or index after a call is outside the subset readAlloy reads',
            );
          }
          return { kind: 'call', fn: path, args };
        }
        if (this.is('punct', '[')) {
          this.fail('index expressions are outside the subset readAlloy reads');
        }
        if (parts.length < 3) {
          this.fail(
            `${path} is not a component export (<component>.<label>.<export>); other identifiers are outside the subset readAlloy reads`,
            t,
          );
        }
        const target = {
          kind: 'ref' as const,
          component: '',
          label: '',
          export: '',
        };
        this.refs.push({
          target,
          path,
          from: this.from,
          at,
          line: t.line,
          column: t.column,
        });
        return target;
      }
      case 'punct':
        if (t.text === '[') {
          this.next();
          return this.parseList(']', at);
        }
        if (t.text === '{') {
          this.next();
          return this.parseObject(at);
        }
        if (t.text === '(') {
          this.fail(
            'parenthesised expressions are outside the subset readAlloy reads',
          );
        }
        break;
      default:
        break;
    }
    return this.fail(`expected a value, got ${describeToken(t)}`);
  }

  private parseList(close: ']' | ')', at: string): AlloyValue[] {
    const items: AlloyValue[] = [];
    while (!this.is('punct', close)) {
      if (this.is('eof'))
        this.fail(`expected "${close}", got the end of the text`);
      items.push(this.parseExpression(`${at}[${items.length}]`));
      if (this.is('punct', close)) break;
      if (!this.is('punct', ',')) {
        this.fail(
          this.is('term')
            ? `missing "," before the newline: in Alloy every element of a multi-line ${
                close === ']' ? 'list' : 'argument list'
              } ends with a comma`
            : `missing "," in ${
                close === ']' ? 'list' : 'argument list'
              }, got ${describeToken(this.tok)}`,
        );
      }
      this.next();
    }
    this.next();
    return items;
  }

  private parseObject(at: string): AlloyValue {
    const entries: Array<readonly [string, AlloyValue]> = [];
    while (!this.is('punct', '}')) {
      if (this.is('eof')) this.fail('expected "}", got the end of the text');
      let key: string;
      if (this.is('string')) {
        // Alloy keeps a quoted key as written between the quotes (no unescaping).
        if (this.tok.text[0] !== '"' || this.tok.raw === '') {
          this.fail(`expected a field name, got ${describeToken(this.tok)}`);
        }
        key = this.tok.raw!;
      } else if (this.is('ident')) {
        key = this.tok.text;
      } else {
        return this.fail(
          `expected field name (string or identifier), got ${describeToken(
            this.tok,
          )}`,
        );
      }
      this.next();
      this.expectPunct('=', `after field name ${JSON.stringify(key)}`);
      entries.push([
        key,
        this.parseExpression(`${at}[${JSON.stringify(key)}]`),
      ]);
      if (this.is('punct', '}')) break;
      if (!this.is('punct', ',')) {
        this.fail(
          this.is('term')
            ? 'missing "," before the newline: in Alloy every field of a multi-line object ends with a comma'
            : `missing "," in object, got ${describeToken(this.tok)}`,
        );
      }
      this.next();
    }
    this.next();
    return { kind: 'object', entries };
  }
}

/**
 * Parses Alloy text into components (with their `//` comment lines) and
 * lists every component reference with the component and argument holding
 * it. Throws AlloySyntaxError (line, column) on text outside the subset.
 * @public
 */
export function readAlloy(text: string): AlloyConfig {
  const parser = new Parser(new Scanner(text));
  const config = parser.parseFile();
  const declared = new Set(
    config.components.map(c => `${c.name}\u0000${c.label}`),
  );
  const references: AlloyReference[] = parser.refs.map(r => {
    const split = splitReferencePath(r.path, (name, label) =>
      declared.has(`${name}\u0000${label}`),
    )!;
    Object.assign(r.target, split);
    return {
      ref: r.target,
      path: r.path,
      from: r.from,
      at: r.at,
      line: r.line,
      column: r.column,
    };
  });
  return { ...config, references };
}

// ---------------------------------------------------------------------------
// Checks

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
