import { InputError } from '@backstage/errors';
import type {
  AlloyAttribute,
  AlloyBody,
  AlloyCall,
  AlloyComponent,
  AlloyObject,
  AlloyRef,
  AlloyValue,
} from './model';
import { assertDottedName, assertIdentifier, isSurrogate } from './syntax';

/*
 * The printer of the Alloy model (model.ts) as configuration text. The text
 * is never a template: values are data, and renderAlloy escapes them so that
 * none can leave its string, comment or key.
 *
 * Syntax: shared/reference/alloy/syntax.md. Where that page is silent
 * (string escapes, commas in multi-line lists) we follow Alloy's own scanner
 * and parser (grafana/alloy syntax/scanner, syntax/parser):
 *  - strings take Go's escapes (\n \r \t \\ \" \uXXXX ...); NUL and a byte
 *    order mark are illegal anywhere in the file, even inside a string;
 *  - a newline after a value ends the statement, so a list or object
 *    spread over lines needs a comma after its last element too;
 *  - object keys are taken verbatim: the VM does not unescape quoted keys,
 *    so a key must not need escaping;
 *  - a backtick string is raw (no escapes, ends only at the next backtick);
 *    renderAlloy uses it for strings holding `"` (OTTL conditions) when
 *    they contain no backtick, control character or `{{`.
 *
 * One more consumer reads the text: the Alloy Helm chart passes
 * alloy.configMap.content through Helm's `tpl` (templates/configmap.yaml),
 * which runs any `{{ ... }}` in it, `lookup` of cluster Secrets included.
 * renderAlloy therefore never emits `{{`: inside strings the second brace is
 * written \u007b, and comments or keys holding `{{` are refused.
 */

const INDENT = '  ';
const INLINE_MAX = 80;

/** Characters written as \uXXXX: controls, line separators, BOM, non-characters. */
function mustEscape(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0xfeff ||
    cp === 0xfffe ||
    cp === 0xffff
  );
}

const u4 = (cp: number) => `\\u${cp.toString(16).padStart(4, '0')}`;

/**
 * A string as an Alloy string literal. Escapes quotes, backslashes and
 * every control character, and breaks `{{` (see the top of this file).
 * @public
 */
export function quoteAlloyString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (isSurrogate(cp)) {
      throw new InputError(
        'A string holds a lone UTF-16 surrogate, which UTF-8 (and so Alloy) cannot carry',
      );
    }
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (mustEscape(cp)) out += u4(cp);
    else if (ch === '{' && out.endsWith('{')) out += u4(cp);
    else out += ch;
  }
  return `${out}"`;
}

/**
 * A string that holds double quotes (OTTL conditions, for instance) as a
 * backtick raw string, the form the otelcol.processor.filter docs use ("Raw
 * Alloy syntax strings can be used to write OTTL statements"), when that is
 * exact: a raw string has no escapes, so it must hold no backtick, control
 * character, `{{` or lone surrogate. Anything else is quoted.
 */
function stringLiteral(s: string): string {
  if (!s.includes('"') || s.includes('`') || s.includes('{{')) {
    return quoteAlloyString(s);
  }
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (mustEscape(cp) || isSurrogate(cp)) return quoteAlloyString(s);
  }
  return `\`${s}\``;
}

function quoteKey(key: string): string {
  let ok = key.length > 0 && !key.includes('{{');
  for (const ch of key) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\' || mustEscape(cp) || isSurrogate(cp)) {
      ok = false;
    }
  }
  if (!ok) {
    // Alloy takes quoted object keys verbatim (no unescaping), so a key
    // that would need an escape cannot be written faithfully.
    throw new InputError(
      `Object key ${JSON.stringify(
        key,
      )} must be non-empty and free of quotes, backslashes, control characters and "{{"`,
    );
  }
  return `"${key}"`;
}

function renderRef(r: AlloyRef): string {
  assertDottedName(r.component, 'Referenced component');
  assertIdentifier(r.label, 'Referenced label');
  assertDottedName(r.export, 'Referenced export');
  return `${r.component}.${r.label}.${r.export}`;
}

function renderNumber(n: number): string {
  if (!Number.isFinite(n)) {
    throw new InputError(`${n} cannot be written as an Alloy number`);
  }
  return String(n);
}

/** A value on one line, or undefined when it holds a nested list or object. */
function renderInline(v: AlloyValue): string {
  if (typeof v === 'string') return stringLiteral(v);
  if (typeof v === 'number') return renderNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    const items = (v as readonly AlloyValue[]).map(renderInline);
    return `[${items.join(', ')}]`;
  }
  const o = v as AlloyObject | AlloyRef | AlloyCall;
  if (o.kind === 'ref') return renderRef(o);
  if (o.kind === 'call') {
    assertDottedName(o.fn, 'Function');
    return `${o.fn}(${o.args.map(renderInline).join(', ')})`;
  }
  if (o.entries.length === 0) return '{}';
  return `{ ${o.entries
    .map(([k, val]) => `${quoteKey(k)} = ${renderInline(val)}`)
    .join(', ')} }`;
}

function isObject(v: AlloyValue): v is AlloyObject {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    (v as AlloyObject).kind === 'object'
  );
}

function childrenOf(v: AlloyValue): readonly AlloyValue[] {
  if (Array.isArray(v)) return v as readonly AlloyValue[];
  if (isObject(v)) return v.entries.map(([, val]) => val);
  return [];
}

function isNested(v: AlloyValue): boolean {
  return childrenOf(v).length > 0;
}

/** A value at the given depth: one line when short and flat, else one element a line. */
function renderValue(v: AlloyValue, depth: number): string {
  const inline = renderInline(v);
  const children = childrenOf(v);
  const flat = !children.some(isNested);
  if (flat && inline.length <= INLINE_MAX) return inline;
  const pad = INDENT.repeat(depth + 1);
  if (Array.isArray(v)) {
    const lines = (v as readonly AlloyValue[]).map(
      item => `${pad}${renderValue(item, depth + 1)},`,
    );
    return `[\n${lines.join('\n')}\n${INDENT.repeat(depth)}]`;
  }
  if (isObject(v)) {
    const entries = v.entries;
    const width = Math.max(...entries.map(([k]) => quoteKey(k).length));
    const lines = entries.map(
      ([k, val]) =>
        `${pad}${quoteKey(k).padEnd(width)} = ${renderValue(val, depth + 1)},`,
    );
    return `{\n${lines.join('\n')}\n${INDENT.repeat(depth)}}`;
  }
  return inline;
}

function renderBody(body: AlloyBody, depth: number): string[] {
  const pad = INDENT.repeat(depth);
  const lines: string[] = [];
  let i = 0;
  while (i < body.length) {
    const item = body[i];
    if (i > 0) lines.push('');
    if (item.kind === 'attribute') {
      // A run of attributes, their `=` aligned as in the docs' examples.
      let j = i;
      while (j < body.length && body[j].kind === 'attribute') j++;
      const run = body.slice(i, j) as AlloyAttribute[];
      const width = Math.max(...run.map(a => a.key.length));
      for (const a of run) {
        assertIdentifier(a.key, 'Attribute name');
        lines.push(
          `${pad}${a.key.padEnd(width)} = ${renderValue(a.value, depth)}`,
        );
      }
      i = j;
    } else {
      assertDottedName(item.name, 'Block name');
      if (item.body.length === 0) {
        lines.push(`${pad}${item.name} {}`);
      } else {
        lines.push(`${pad}${item.name} {`);
        lines.push(...renderBody(item.body, depth + 1));
        lines.push(`${pad}}`);
      }
      i++;
    }
  }
  return lines;
}

function commentLines(comment: string): string[] {
  return comment.split('\n').map(line => {
    for (const ch of line) {
      const cp = ch.codePointAt(0)!;
      if ((mustEscape(cp) && ch !== '\t') || isSurrogate(cp)) {
        throw new InputError(
          `Comment ${JSON.stringify(comment)} holds a control character`,
        );
      }
    }
    if (line.includes('{{')) {
      throw new InputError(
        `Comment ${JSON.stringify(
          comment,
        )} holds "{{", which Helm's tpl would run`,
      );
    }
    return line.length > 0 ? `// ${line}` : '//';
  });
}

/**
 * Prints components as Alloy configuration text: a `//` comment above each,
 * two-space indentation, one blank line between components. Throws
 * InputError for invalid identifiers or labels, duplicate labels per
 * component type, values Alloy cannot carry, and `{{` outside strings.
 * @public
 */
export function renderAlloy(components: readonly AlloyComponent[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of components) {
    assertDottedName(c.name, 'Component name');
    if (c.label !== '') assertIdentifier(c.label, 'Label');
    const key = `${c.name} "${c.label}"`;
    if (seen.has(key)) {
      throw new InputError(
        `${key} is declared twice; labels are unique per component type (syntax.md)`,
      );
    }
    seen.add(key);
    const lines = c.comment !== undefined ? commentLines(c.comment) : [];
    const head = c.label === '' ? c.name : `${c.name} "${c.label}"`;
    if (c.body.length === 0) {
      lines.push(`${head} {}`);
    } else {
      lines.push(`${head} {`, ...renderBody(c.body, 1), '}');
    }
    out.push(`${lines.join('\n')}\n`);
  }
  const text = out.join('\n');
  if (text.includes('{{')) {
    // Cannot happen: strings break `{{`, keys and comments refuse it.
    throw new Error('renderAlloy produced "{{"');
  }
  return text;
}
