import { InputError } from '@backstage/errors';
import {
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type YAMLSeq,
} from 'yaml';

/** A fleet-repository list file (a kustomization.yaml), parsed for one list. */
export interface ListFile {
  doc: Document.Parsed;
  /** The list's key in the top-level mapping (default `resources`). */
  key: string;
  /** The file's name as error messages show it. */
  name: string;
  /** The node under `key`, as the file has it (undefined when absent). */
  list: unknown;
}

/**
 * Parses a file registerEntry or unregisterEntry edits, refusing (before any
 * edit) a file that is not valid YAML or not a mapping, with the fix in the
 * message.
 */
export function readListFile(
  text: string,
  options: { key?: string; fileName?: string } = {},
): ListFile {
  const key = options.key ?? 'resources';
  const name = options.fileName ?? 'the file';
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new InputError(
      `${name} is not valid YAML (${
        doc.errors[0].message.split('\n')[0]
      }); fix it in the fleet repository first`,
    );
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new InputError(
      `${name} must be a YAML mapping (a kustomization.yaml), not a ${
        isSeq(doc.contents) ? 'list' : 'value'
      }`,
    );
  }
  return { doc, key, name, list: doc.get(key, true) };
}

/** The error for a `key` that holds something other than a list. */
export function notAList(file: ListFile): InputError {
  return new InputError(`${file.name}: "${file.key}" must be a list`);
}

/** A list's items: scalars as their values, other nodes as they are. */
export function listValues(list: YAMLSeq): unknown[] {
  return list.items.map(item => (isScalar(item) ? item.value : item));
}
