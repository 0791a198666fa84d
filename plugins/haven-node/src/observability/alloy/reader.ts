import {
  type AlloyAttribute,
  type AlloyBlock,
  type AlloyBody,
  type AlloyComponent,
  type AlloyRef,
  type AlloyValue,
} from './model';
import { splitReferencePath } from './catalog';
import {
  AlloySyntaxError,
  describeToken,
  Scanner,
  type Token,
  type TokenType,
} from './lexer';
import { isAlloyIdentifier } from './syntax';

/*
 * Reads Alloy configuration text back: the subset renderAlloy writes, plus
 * the forms the reference docs' examples use (backtick strings, calls such
 * as sys.env("X"), null, block comments), into the model of model.ts, with
 * every component reference and where it occurs. The wiring check
 * (wiring.ts) works on what it returns.
 */

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
