import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { formatValuePath } from './paths';

/**
 * What a commented-out key documents below itself:
 * - 'map': commented child keys follow (only those children are documented);
 * - 'open': no shape given (`# key:` with nothing under it, `{}`, `null`);
 * - 'list': a list (`[]`, or `- ` items follow);
 * - 'scalar': a plain value (`# adminPassword: strongpassword`).
 * @public
 */
export type CommentedKeyShape = 'map' | 'open' | 'list' | 'scalar';

/** A key that values.yaml documents only as commented-out YAML. @public */
export interface CommentedKey {
  /** Display path, e.g. `loki.storage.bucketNames.chunks`. */
  path: string;
  /** The same path as keys. */
  keys: string[];
  /** 1-based line in values.yaml. */
  line: number;
  /** What the comment documents below the key. */
  shape: CommentedKeyShape;
}

/** A real (uncommented) mapping key of values.yaml, with its position. */
interface RealKey {
  keys: string[];
  line: number;
  indent: number;
  /** Inside a list item: commented keys are never attached below it. */
  inList: boolean;
  /** Its value is a block map, `{}` or null: commented keys may sit below it. */
  container: boolean;
  /** Indentation of its real child keys, when it has any in block style. */
  childIndent?: number;
  parent?: RealKey;
}

type StackEntry =
  | {
      kind: 'key';
      indent: number;
      keys: string[];
      entry: CommentedKey;
      childIndent?: number;
    }
  /** Lines deeper than `indent` are ignored (inside a list item, a block
   * scalar, a flow value, or below a rejected line). */
  | { kind: 'skip'; indent: number };

const COMMENT_LINE = /^(\s*)#/;
/** The brief's rule, applied to the text after the `#`. */
const COMMENTED_KEY = /^([A-Za-z_][A-Za-z0-9_.-]*):(\s|$)(.*)$/;
const LIST_ITEM = /^-(\s|$)/;
/** `Examples:`, `Note:`: a prose heading (chart keys are camelCase or snake_case). */
const CAPITALISED_WORD = /^[A-Z][a-z]/;
/** A helm-docs description line: `# -- text`. */
const HELM_DOCS_DESCRIPTION = /^\s*#\s*--(\s|$)/;

/**
 * Whether the text after `key:` looks like a YAML value rather than prose:
 * nothing (children follow), a quoted string, a flow collection, a block
 * scalar header, a `<placeholder>`, or ONE plain token; each may be followed
 * by a `# comment`. `Note: this is important` (several bare words) is prose.
 */
export function looksLikeYamlValue(rest: string): boolean {
  const v = rest.trim();
  if (v === '') return true;
  const tailIsComment = (tail: string) =>
    tail.trim() === '' || tail.trim().startsWith('#');
  if (v.startsWith('"') || v.startsWith("'")) {
    const m = /^"(?:[^"\\]|\\.)*"|^'(?:[^']|'')*'/.exec(v);
    return m !== null && tailIsComment(v.slice(m[0].length));
  }
  if (v.startsWith('{') || v.startsWith('[')) {
    const close = v.startsWith('{') ? '}' : ']';
    const end = v.lastIndexOf(close);
    return end > 0 && tailIsComment(v.slice(end + 1));
  }
  if (v.startsWith('|') || v.startsWith('>')) {
    return /^[|>][-+0-9]*\s*(#.*)?$/.test(v);
  }
  if (v.startsWith('<')) {
    const m = /^<[^>]*>/.exec(v);
    return m !== null && tailIsComment(v.slice(m[0].length));
  }
  const m = /^(\S+)(\s+(.*))?$/.exec(v);
  return m !== null && (m[3] === undefined || m[3].startsWith('#'));
}

function shapeOfValue(rest: string): CommentedKeyShape | 'pending' {
  const v = rest.replace(/\s+#.*$/, '').trim();
  if (v === '') return 'pending';
  if (v === '{}' || v === '~' || v === 'null' || v.startsWith('{')) {
    return 'open';
  }
  if (v.startsWith('[')) return 'list';
  return 'scalar';
}

/** Indexes the real keys of values.yaml and the lines inside block scalars. */
function indexRealKeys(text: string): {
  keys: RealKey[];
  root: RealKey;
  scalarLines: Set<number>;
  step: number;
} {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
  const root: RealKey = {
    keys: [],
    line: 0,
    indent: -1,
    inList: false,
    container: true,
  };
  const keys: RealKey[] = [];
  const scalarLines = new Set<number>();
  const steps = new Map<number, number>();

  const walk = (
    node: unknown,
    path: string[],
    inList: boolean,
    parent: RealKey,
  ): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        if (!isScalar(keyNode) || !keyNode.range) continue;
        const { line, col } = lineCounter.linePos(keyNode.range[0]);
        const value = pair.value as YamlNode | null;
        const real: RealKey = {
          keys: [...path, String(keyNode.value)],
          line,
          indent: col - 1,
          inList,
          parent,
          container:
            value === null ||
            (isMap(value) && (!value.flow || value.items.length === 0)) ||
            (isScalar(value) && value.value === null),
        };
        if (!node.flow && !inList && parent.childIndent === undefined) {
          parent.childIndent = real.indent;
          if (parent !== root) {
            const step = real.indent - parent.indent;
            steps.set(step, (steps.get(step) ?? 0) + 1);
          }
        }
        keys.push(real);
        if (isScalar(value) && value.range) {
          // Lines of a multi-line scalar (block `|`/`>` or a folded plain or
          // quoted string) are text, not comments, even when they start
          // with '#'.
          const first = lineCounter.linePos(value.range[0]).line;
          const last = lineCounter.linePos(
            Math.max(value.range[0], value.range[1] - 1),
          ).line;
          for (let l = first + 1; l <= last; l++) scalarLines.add(l);
        }
        walk(value, real.keys, inList, real);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item, path, true, parent);
    }
  };
  walk(doc.contents, [], false, root);
  keys.sort((a, b) => a.line - b.line);
  const step = [...steps.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 2;
  return { keys, root, scalarLines, step };
}

/**
 * Finds the keys that a Helm chart's values.yaml documents as commented-out
 * YAML. The rule is deliberately conservative, so that it can only add keys
 * a reader of values.yaml would agree are documented:
 *
 * 1. Only comment lines count that are not inside a multi-line scalar (e.g.
 *    Loki's `loki.config` template). Consecutive comment lines (no blank or
 *    real line between them) form a block.
 * 2. Lines of a helm-docs description (from the `# --` line nearest above a
 *    real key down to that key) are prose, whatever they look like (this is
 *    what excludes Loki's `# Ref: https://...` and `# Note: ...`).
 * 3. A line is a key when the text after its `#` matches
 *    `^\s?(\s*)([A-Za-z_][A-Za-z0-9_.-]*):(\s|$)` and the text after the colon
 *    looks like a YAML value, not prose (see looksLikeYamlValue).
 *    `- item` lines are list items: commented keys below them are not recorded.
 * 4. Its indentation is that of the line with the `#` (plus one following
 *    space, if any) removed; a block whose first key fits nowhere with that
 *    is retried with the `#` alone removed (charts write both `# key:` and
 *    `#  key:`). The first key of a block that fits fixes that choice for the
 *    whole block: the block's indentation must be consistent.
 * 5. A key "fits" when its indentation is exactly the child indentation of a
 *    real key in the ancestry of the last real key above it (that key's real
 *    children's indentation, or its own plus the file's indent step), and
 *    that real key holds a map, `{}` or null (not a scalar, not a list item).
 *    Or, inside the block, exactly the child indentation of the commented key
 *    above it (the first child sets it; a sibling at another indentation is
 *    inconsistent and rejected, together with everything below it).
 * 6. A commented key named like its own parent (`# global:` under `global:`)
 *    restates the path from the top and is skipped with everything below it.
 * 7. A capitalised word (`# Examples:`, `# Note:`) is a prose heading, not a
 *    key (Helm values keys are camelCase or snake_case; ENV_NAME-style keys
 *    still count).
 * 8. A block directly below an empty map or null (`resources: {}`) whose
 *    first key, read at its own column, would be that map's child, is only
 *    accepted as that map's child: Grafana's `sidecar.resources: {}` followed
 *    by `#   limits:` does not document `sidecar.limits`.
 * Rejected lines hide the lines nested below them.
 */
export function parseCommentedKeys(valuesYaml: string): CommentedKey[] {
  const lines = valuesYaml.split(/\r?\n/);
  const { keys: realKeys, root, scalarLines, step } = indexRealKeys(valuesYaml);
  const realByLine = new Map(realKeys.map(k => [k.line, k]));

  const isComment = (lineNo: number) =>
    !scalarLines.has(lineNo) && COMMENT_LINE.test(lines[lineNo - 1] ?? '');

  // Rule 2: helm-docs descriptions.
  const description = new Set<number>();
  for (const real of realKeys) {
    for (let l = real.line - 1; l >= 1 && isComment(l); l--) {
      if (HELM_DOCS_DESCRIPTION.test(lines[l - 1])) {
        for (let d = l; d < real.line; d++) description.add(d);
        break;
      }
    }
  }

  // The last real key above each line, for rule 5.
  let lastReal: RealKey = root;
  const lastRealAbove: RealKey[] = [];
  for (let l = 1; l <= lines.length; l++) {
    lastRealAbove[l] = lastReal;
    const real = realByLine.get(l);
    if (real) lastReal = real;
  }

  const realSlot = (indent: number, lineNo: number): RealKey | undefined => {
    for (let k: RealKey | undefined = lastRealAbove[lineNo]; k; k = k.parent) {
      if (k.inList || !k.container) continue;
      const childIndent = k.childIndent ?? k.indent + step;
      if (indent === childIndent && indent > k.indent) return k;
    }
    return undefined;
  };

  /**
   * Rule 8: the empty map (or null) a block directly follows, when the key,
   * read at its own column (the `#` taking a space's place), would be that
   * map's child. Only a reading that also puts it there is then accepted:
   * `resources: {}` + `#   limits:` is not `sidecar.limits`.
   */
  const ambiguousAfterEmptyMap = (
    blockStart: number,
    lineNo: number,
    key: string,
  ): RealKey | undefined => {
    const previous = realByLine.get(blockStart - 1);
    if (!previous || !previous.container || previous.inList) return undefined;
    if (previous.childIndent !== undefined) return undefined;
    const column = lines[lineNo - 1].indexOf(`${key}:`);
    return column === previous.indent + step ? previous : undefined;
  };

  const found: CommentedKey[] = [];
  let lineNo = 1;
  while (lineNo <= lines.length) {
    if (!isComment(lineNo)) {
      lineNo++;
      continue;
    }
    const blockStart = lineNo;
    while (lineNo <= lines.length && isComment(lineNo)) lineNo++;
    processBlock(blockStart, lineNo - 1);
  }
  return found;

  function processBlock(first: number, last: number): void {
    /** 1: remove `#` and one space; 2: remove `#` only (rule 4). */
    let convention: 1 | 2 | undefined;
    const stack: StackEntry[] = [];

    const parse = (l: number, conv: 1 | 2) => {
      const line = lines[l - 1];
      const hash = line.indexOf('#');
      let after = line.slice(hash + 1);
      if (conv === 1 && after.startsWith(' ')) after = after.slice(1);
      const content = after.trimStart();
      return {
        indent: hash + (after.length - content.length),
        content,
      };
    };

    for (let l = first; l <= last; l++) {
      if (description.has(l)) continue;
      if (convention === undefined) {
        const { indent, content } = parse(l, 1);
        const m = COMMENTED_KEY.exec(content);
        if (!m) {
          if (LIST_ITEM.test(content)) {
            while (stack.length && stack[stack.length - 1].indent >= indent) {
              stack.pop();
            }
            stack.push({ kind: 'skip', indent });
          }
          continue;
        }
        while (stack.length && stack[stack.length - 1].indent >= indent) {
          stack.pop();
        }
        if (stack.length) continue; // below a rejected line or a list item
        const ambiguous = ambiguousAfterEmptyMap(first, l, m[1]);
        for (const conv of [1, 2] as const) {
          const p = parse(l, conv);
          const slot = realSlot(p.indent, l);
          if (
            slot &&
            !(ambiguous && slot !== ambiguous) &&
            acceptable(m, slot.keys)
          ) {
            convention = conv;
            accept(l, p.indent, m, slot.keys);
            break;
          }
        }
        // A key that fits nowhere hides everything below it.
        if (convention === undefined) stack.push({ kind: 'skip', indent });
        continue;
      }

      const { indent, content } = parse(l, convention);
      if (content === '') continue;
      const isList = LIST_ITEM.test(content);
      const m = COMMENTED_KEY.exec(content);
      if (!isList && !m) continue; // prose: leaves the structure alone
      const top = stack[stack.length - 1];
      if (
        isList &&
        top?.kind === 'key' &&
        top.indent === indent &&
        top.entry.shape === 'open' &&
        top.childIndent === undefined
      ) {
        top.entry.shape = 'list'; // `key:` followed by `- item` at its level
      }
      while (stack.length && stack[stack.length - 1].indent >= indent) {
        stack.pop();
      }
      const parent = stack[stack.length - 1];
      if (parent?.kind === 'skip') continue;
      if (isList) {
        if (parent?.kind === 'key' && parent.childIndent === undefined) {
          parent.entry.shape = 'list';
        }
        stack.push({ kind: 'skip', indent });
        continue;
      }
      if (!m) continue;
      let parentKeys: string[] | undefined;
      if (parent?.kind === 'key') {
        if (parent.entry.shape === 'list' || parent.entry.shape === 'scalar') {
          stack.push({ kind: 'skip', indent });
          continue;
        }
        parent.childIndent ??= indent;
        if (indent === parent.childIndent) parentKeys = parent.keys;
      } else {
        parentKeys = realSlot(indent, l)?.keys;
      }
      if (!parentKeys || !acceptable(m, parentKeys)) {
        stack.push({ kind: 'skip', indent });
        continue;
      }
      if (parent?.kind === 'key') parent.entry.shape = 'map';
      accept(l, indent, m, parentKeys);
    }

    function acceptable(m: RegExpExecArray, parentKeys: string[]): boolean {
      return (
        looksLikeYamlValue(m[3]) &&
        parentKeys[parentKeys.length - 1] !== m[1] &&
        !CAPITALISED_WORD.test(m[1])
      );
    }

    function accept(
      l: number,
      indent: number,
      m: RegExpExecArray,
      parentKeys: string[],
    ): void {
      const keys = [...parentKeys, m[1]];
      const shape = shapeOfValue(m[3]);
      const entry: CommentedKey = {
        path: formatValuePath(keys),
        keys,
        line: l,
        shape: shape === 'pending' ? 'open' : shape,
      };
      found.push(entry);
      if (shape === 'pending') {
        // Children may follow; with none, the shape stays 'open'.
        stack.push({ kind: 'key', indent, keys, entry });
      } else {
        // Nothing can nest below `key: value`; deeper lines are a
        // continuation (e.g. a block scalar's text).
        stack.push({ kind: 'skip', indent });
      }
    }
  }
}
