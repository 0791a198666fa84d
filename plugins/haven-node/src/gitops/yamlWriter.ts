import { isDeepStrictEqual } from 'node:util';
import { InputError } from '@backstage/errors';
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  stringify,
  visit,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { listValues, notAList, readListFile } from './listFile';
import type { DeliveryFile } from './manifests';

/** How every file is written: block style, no line folding, no anchors. */
const OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

/**
 * Serialises one file of typed objects with the `yaml` package: one document
 * per object, the file's purpose as a comment on top, and image-policy setter
 * markers as comments on the values they govern. No string templating, so a
 * value can never change the document's shape.
 * @public
 */
export function deliveryFileToYaml(file: DeliveryFile): string {
  const docs = file.objects.map((object, index) => {
    const doc = new Document(object, OPTIONS);
    if (index === 0) doc.commentBefore = ` ${file.purpose}`;
    for (const setter of file.setters ?? []) {
      if (setter.index !== index) continue;
      const node = doc.getIn(setter.path, true);
      if (!isScalar(node)) {
        throw new Error(
          `setter path ${setter.path.join('.')} of ${file.path} is not a value`,
        );
      }
      node.comment = ` ${setter.marker}`;
    }
    return doc.toString(OPTIONS);
  });
  return docs.join('---\n');
}

/** Plain YAML of any data, written the same way as the delivery files. @public */
export function toYaml(value: unknown): string {
  return stringify(value, OPTIONS);
}

/*
 * Edits of hand-kept fleet files. The file's text is spliced at the node the
 * edit owns, found through the ranges the `yaml` parser records on every node
 * (`range: [start, valueEnd, nodeEnd]`, offsets into the source text), so
 * every other byte stays as it was: comment spacing, blank lines, quoting,
 * indentation, document markers, CRLF and a missing final newline. Only the
 * new value is rendered, with the `yaml` package, in the file's own style.
 */

/** How a hand-kept file writes itself. */
interface SourceStyle {
  eol: '\n' | '\r\n';
  /** Spaces per nesting level of a block mapping. */
  indent: number;
  /** Whether a block list under a key is indented (`key:\n  - a`) or not (`key:\n- a`). */
  indentSeq: boolean;
}

type Path = readonly string[];
type QuoteType = 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';

function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The rest of the line from `offset`, without its line break. */
function restOfLine(text: string, offset: number): string {
  const end = text.indexOf('\n', offset);
  return text.slice(offset, end === -1 ? text.length : end);
}

/** Where the line holding offset `end - 1` ends (after its line break), or the end of the text. */
function afterLine(text: string, end: number): number {
  if (end > 0 && text[end - 1] === '\n') return end;
  const next = text.indexOf('\n', end);
  return next === -1 ? text.length : next + 1;
}

function range(node: unknown): [number, number, number] {
  const r = (node as Node | null)?.range;
  if (!r) throw new Error('a parsed YAML node has no source range');
  return r;
}

function detectStyle(text: string, doc: Document.Parsed): SourceStyle {
  const firstBreak = text.indexOf('\n');
  const style: SourceStyle = {
    eol: firstBreak > 0 && text[firstBreak - 1] === '\r' ? '\r\n' : '\n',
    indent: 0,
    indentSeq: true,
  };
  let seqSeen = false;
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      if (!key?.range || !value?.range) return undefined;
      const keyColumn = column(text, key.range[0]);
      if (!style.indent && isMap(value) && !value.flow && value.items.length) {
        const first = value.items[0].key as Node | null;
        const step = first?.range
          ? column(text, first.range[0]) - keyColumn
          : 0;
        if (step > 0) style.indent = step;
      }
      if (!seqSeen && isSeq(value) && !value.flow && value.items.length) {
        seqSeen = true;
        style.indentSeq = column(text, value.range[0]) > keyColumn;
      }
      return style.indent && seqSeen ? visit.BREAK : undefined;
    },
  });
  if (!style.indent) style.indent = 2;
  return style;
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find(
    p => (isScalar(p.key) ? p.key.value : p.key) === key,
  ) as Pair | undefined;
}

/** Nothing, `~`, `null`, or an empty flow list or mapping. */
function isEmptyValue(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  if (isScalar(node)) return node.value === null;
  return (
    (isSeq(node) || isMap(node)) && node.flow === true && !node.items.length
  );
}

function quoteOf(node: unknown): QuoteType | undefined {
  return isScalar(node) &&
    (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')
    ? node.type
    : undefined;
}

/** `value` nested under the keys of `path`: `{ a: { b: value } }` for `[a, b]`. */
function nest(path: Path, value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

function valueAt(data: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      node && typeof node === 'object'
        ? (node as Record<string, unknown>)[key]
        : undefined,
    data,
  );
}

/** `data` (plain data, changed in place) with `value` at `path`. */
function withValue(data: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const root = (data && typeof data === 'object' ? data : {}) as Record<
    string,
    unknown
  >;
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
  return root;
}

/**
 * A hand-kept YAML file (one document) and edits of it, each spliced into
 * the text at the node it owns. After each edit the text is parsed again and
 * must hold exactly the data asked for, so an edit never changes what the
 * file says elsewhere.
 */
export class HandKeptYaml {
  #text: string;
  #doc: Document.Parsed;
  readonly #style: SourceStyle;
  readonly #fileName: string;

  constructor(text: string, doc: Document.Parsed, fileName: string) {
    this.#text = text;
    this.#doc = doc;
    this.#fileName = fileName;
    this.#style = detectStyle(text, doc);
  }

  /** The file's text with the edits so far. */
  get text(): string {
    return this.#text;
  }

  /** The document of that text. */
  get doc(): Document.Parsed {
    return this.#doc;
  }

  /**
   * Puts `value` into the list at `path` before its item `index` (default:
   * at the end), creating the list and its parent keys when missing. An
   * empty `key: []` becomes a block list, as a person would write it.
   */
  insertIntoList(path: Path, value: unknown, index?: number): void {
    const list = this.#doc.getIn(path, true);
    const want = this.#doc.toJS() as unknown;
    if (!isSeq(list) || (list.items.length === 0 && !this.#inFlow(path))) {
      // Missing, empty, or `[]` under a block key: a new block list.
      const expected = withValue(want, path, [value]);
      this.#set(path, [value]);
      this.#verify(expected);
      return;
    }
    const at = index ?? list.items.length;
    (valueAt(want, path) as unknown[]).splice(at, 0, value);
    if (list.items.length > 0) {
      this.#spliceIntoList(list, value, at);
    } else {
      // `[]` in a flow mapping: the item goes between the brackets.
      const open = range(list)[0] + 1;
      this.#splice(open, open, this.#flowItem(value));
    }
    this.#verify(want);
  }

  /**
   * Takes item `index` out of the list at `path`. In a block list the
   * item's line goes, a comment after it on that line with it; comment
   * lines and blank lines around it stay. In a flow list the item and one
   * of its commas go. The key stays when the list is left empty: a block
   * list's key keeps its line as it was (an empty value, which kustomize
   * reads as no resources), a flow list becomes `[]`.
   */
  removeFromList(path: Path, index: number): void {
    const list = this.#doc.getIn(path, true);
    if (!isSeq(list) || index < 0 || index >= list.items.length) {
      throw new Error(
        `${this.#fileName}: no item ${index} in ${path.join('.')} to remove`,
      );
    }
    const want = this.#doc.toJS() as unknown;
    const items = valueAt(want, path) as unknown[];
    items.splice(index, 1);
    const expected =
      items.length === 0 && !list.flow ? withValue(want, path, null) : want;
    const text = this.#text;
    const item = list.items[index];
    const [start, valueEnd] = range(item);
    if (!list.flow) {
      const from = lineStart(text, start);
      if (!/^[ \t]*-[ \t]+$/.test(text.slice(from, start))) {
        throw new InputError(
          `${this.#fileName}: item ${index} of ${path.join(
            '.',
          )} does not start its own line; remove it by hand`,
        );
      }
      if (restOfLine(text, valueEnd).trim().replace(/^#.*$/, '')) {
        throw new InputError(
          `${this.#fileName}: item ${index} of ${path.join(
            '.',
          )} spans more than its line; remove it by hand`,
        );
      }
      this.#splice(from, afterLine(text, valueEnd), '');
      this.#verify(expected);
      return;
    }
    const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
    if (list.items.length === 1) {
      // `[a]` -> `[]`: everything between the brackets goes, on one line.
      const [open, close] = range(list);
      if (lineOf(open) !== lineOf(close - 1)) {
        throw new InputError(
          `${this.#fileName}: ${path.join(
            '.',
          )} is a flow list over several lines; remove the item by hand`,
        );
      }
      this.#splice(open + 1, close - 1, '');
    } else if (index < list.items.length - 1) {
      // The item, its comma and the spaces after it: up to the next item.
      const next = range(list.items[index + 1])[0];
      if (lineOf(start) !== lineOf(next)) {
        this.#removeFlowLine(start, valueEnd, path, index);
      } else {
        this.#splice(start, next, '');
      }
    } else {
      // The last item: from the end of the one before it.
      const before = range(list.items[index - 1])[1];
      if (lineOf(before) !== lineOf(start)) {
        this.#removeFlowLine(start, valueEnd, path, index);
      } else {
        this.#splice(before, valueEnd, '');
      }
    }
    this.#verify(expected);
  }

  /** A flow-list item on a line of its own (one item per line): that line. */
  #removeFlowLine(start: number, valueEnd: number, path: Path, index: number) {
    const text = this.#text;
    const from = lineStart(text, start);
    const rest = restOfLine(text, valueEnd).trim();
    if (text.slice(from, start).trim() || !/^,?\s*(#.*)?$/.test(rest)) {
      throw new InputError(
        `${this.#fileName}: item ${index} of ${path.join(
          '.',
        )} shares its line in a flow list; remove it by hand`,
      );
    }
    this.#splice(from, afterLine(text, valueEnd), '');
  }

  /**
   * Sets the value at `path`: a scalar is replaced in place, keeping its
   * quoting; missing keys are added after the last key of their mapping.
   */
  setValue(path: Path, value: unknown): void {
    const want = withValue(this.#doc.toJS(), path, value);
    this.#set(path, value);
    this.#verify(want);
  }

  #set(path: Path, value: unknown): void {
    let node: unknown = this.#doc.contents;
    if (isEmptyValue(node) && !(isMap(node) || isSeq(node))) {
      this.#addLines(this.#text.length, this.#blockLines(nest(path, value), 0));
      return;
    }
    for (let depth = 0; depth < path.length; depth++) {
      if (!isMap(node)) {
        throw new InputError(
          `${this.#fileName}: ${
            path.slice(0, depth).join('.') || 'the document'
          } must be a mapping`,
        );
      }
      const pair = findPair(node, path[depth]);
      const rest = path.slice(depth + 1);
      if (!pair) {
        this.#addPair(node, path[depth], nest(rest, value));
        return;
      }
      if (rest.length === 0 || isEmptyValue(pair.value)) {
        this.#replaceValue(pair, nest(rest, value));
        return;
      }
      node = pair.value;
    }
  }

  #inFlow(path: Path): boolean {
    const parent =
      path.length === 1
        ? this.#doc.contents
        : this.#doc.getIn(path.slice(0, -1), true);
    return isMap(parent) && parent.flow === true;
  }

  #splice(from: number, to: number, insert: string): void {
    this.#text = this.#text.slice(0, from) + insert + this.#text.slice(to);
    this.#doc = parseDocument(this.#text);
    if (this.#doc.errors.length > 0) {
      throw new Error(
        `editing ${this.#fileName} in place made it invalid YAML (${
          this.#doc.errors[0].message.split('\n')[0]
        }); make the change by hand`,
      );
    }
  }

  #verify(want: unknown): void {
    if (!isDeepStrictEqual(this.#doc.toJS(), want)) {
      throw new Error(
        `editing ${
          this.#fileName
        } in place did not give the expected content; make the change by hand`,
      );
    }
  }

  /** Whole lines at `at`: a line start, or the end of a file without a final newline. */
  #addLines(at: number, lines: string[]): void {
    const { eol } = this.#style;
    const joined = lines.join(eol);
    const unterminated =
      at === this.#text.length &&
      this.#text.length > 0 &&
      !this.#text.endsWith('\n');
    this.#splice(at, at, unterminated ? `${eol}${joined}` : `${joined}${eol}`);
  }

  /** `value` in block style, each line indented by `by` spaces. */
  #blockLines(value: unknown, by: number, quote?: QuoteType): string[] {
    const yaml = stringify(value, {
      ...OPTIONS,
      indent: this.#style.indent,
      indentSeq: this.#style.indentSeq,
      ...(quote ? { defaultStringType: quote } : {}),
    });
    const pad = ' '.repeat(by);
    return yaml
      .replace(/\n$/, '')
      .split('\n')
      .map(line => (line ? pad + line : line));
  }

  /** `value` as one item of a flow list, quoted as flow context needs. */
  #flowItem(value: unknown, quote?: QuoteType): string {
    return stringify([value], {
      ...OPTIONS,
      collectionStyle: 'flow',
      flowCollectionPadding: false,
      ...(quote ? { defaultStringType: quote } : {}),
    })
      .trim()
      .slice(1, -1);
  }

  /** A scalar on one line, in the old value's quoting when it allows. */
  #scalar(value: unknown, quote?: QuoteType): string {
    const text = stringify(value, {
      ...OPTIONS,
      ...(quote ? { defaultStringType: quote } : {}),
    }).replace(/\n$/, '');
    return text.includes('\n') ? JSON.stringify(value) : text;
  }

  /** Into a list with items: before item `index`, or after the last. */
  #spliceIntoList(list: YAMLSeq, value: unknown, index: number): void {
    const text = this.#text;
    const items = list.items;
    const neighbour = items[Math.min(index, items.length - 1)];
    const quote = quoteOf(neighbour);
    if (!list.flow) {
      const lines = this.#blockLines(
        [value],
        column(text, range(list)[0]),
        quote,
      );
      this.#addLines(
        index === 0
          ? lineStart(text, range(items[0])[0])
          : afterLine(text, range(items[index - 1])[1]),
        lines,
      );
      return;
    }
    const item = this.#flowItem(value, quote);
    if (index < items.length) {
      const at = range(items[index])[0];
      this.#splice(at, at, `${item}, `);
      return;
    }
    const [start, end] = range(items[items.length - 1]);
    const rest = restOfLine(text, end);
    const ownLine =
      !text.slice(lineStart(text, start), start).trim() && !rest.includes(']');
    if (!ownLine) {
      this.#splice(end, end, `, ${item}`);
      return;
    }
    // One item per line: the new one on a line of its own, a comment after
    // the old last item stays on its line.
    const pad = ' '.repeat(column(text, start));
    const trailingComma = rest.trimStart().startsWith(',');
    if (!trailingComma) this.#splice(end, end, ',');
    this.#addLines(afterLine(this.#text, end), [
      `${pad}${item}${trailingComma ? ',' : ''}`,
    ]);
  }

  /** A new key after the last key of `map`, at the column of its keys. */
  #addPair(map: YAMLMap, key: string, value: unknown): void {
    const text = this.#text;
    const pairs = map.items;
    const last = pairs[pairs.length - 1];
    const end = last ? range(last.value ?? last.key)[1] : range(map)[0] + 1;
    if (map.flow) {
      const entry = this.#flowItem({ [key]: value }).slice(1, -1);
      this.#splice(end, end, last ? `, ${entry}` : entry);
      return;
    }
    this.#addLines(
      afterLine(text, end),
      this.#blockLines({ [key]: value }, column(text, range(pairs[0].key)[0])),
    );
  }

  /** The value of `pair` replaced: a scalar in place, a block value below its key. */
  #replaceValue(pair: Pair, value: unknown): void {
    const text = this.#text;
    const old = pair.value;
    const keyEnd = range(pair.key)[1];
    const colon = text.indexOf(':', keyEnd);
    // The old value's own text (`~`, `null`, `[]`): an absent value has none.
    const [oldStart, oldValueEnd] = old ? range(old) : [colon + 1, colon + 1];
    const oldEnd =
      oldStart > colon && text.slice(oldStart, oldValueEnd).trim()
        ? oldValueEnd
        : colon + 1;
    const block = value !== null && typeof value === 'object';
    if (!isEmptyValue(old)) {
      if (block || !isScalar(old)) {
        throw new InputError(
          `${this.#fileName}: ${String(
            isScalar(pair.key) ? pair.key.value : pair.key,
          )} already holds ${
            isScalar(old) ? 'a value' : 'a list or mapping'
          }; change it by hand`,
        );
      }
      const [start, valueEnd] = range(old);
      this.#splice(start, valueEnd, this.#scalar(value, quoteOf(old)));
      return;
    }
    if (!block) {
      this.#splice(colon + 1, oldEnd, ` ${this.#scalar(value)}`);
      return;
    }
    // The empty value (`~`, `null`, `[]`, `{}`) goes; a comment after it
    // stays on the key's line; the new value follows in block style.
    const keyColumn = column(text, range(pair.key)[0]);
    const by =
      Array.isArray(value) && !this.#style.indentSeq
        ? keyColumn
        : keyColumn + this.#style.indent;
    this.#splice(colon + 1, oldEnd, '');
    this.#addLines(
      afterLine(this.#text, colon + 1),
      this.#blockLines(value, by),
    );
  }
}

/** The result of taking an entry out of a fleet-repository list file. @public */
export interface UnregisterResult {
  /** The file's new text (the same text when nothing changed). */
  text: string;
  /** False when the entry was not listed. */
  changed: boolean;
  /** Number of entries in the list afterwards. */
  entries: number;
}

/**
 * Takes `entry` out of the `key` list (default `resources`) of a
 * kustomization.yaml, the counterpart of registerEntry: only the entry's
 * line goes (with a comment after it on that line), every other byte of the
 * file stays. `./entry` counts as the entry. A no-op when it is not listed.
 * @public
 */
export function unregisterEntry(
  text: string,
  entry: string,
  options: { key?: string; fileName?: string } = {},
): UnregisterResult {
  const file = readListFile(text, options);
  const { list } = file;
  if (list === undefined || isEmptyValue(list)) {
    return { text, changed: false, entries: 0 };
  }
  if (!isSeq(list)) throw notAList(file);
  const values = listValues(list);
  const matches = values
    .map((value, index) => ({ value, index }))
    .filter(({ value }) => value === entry || value === `./${entry}`);
  if (matches.length === 0) {
    return { text, changed: false, entries: values.length };
  }
  const edit = new HandKeptYaml(text, file.doc, file.name);
  // From the end, so the indexes before stay right.
  for (const { index } of matches.reverse()) {
    edit.removeFromList([file.key], index);
  }
  return {
    text: edit.text,
    changed: true,
    entries: values.length - matches.length,
  };
}
