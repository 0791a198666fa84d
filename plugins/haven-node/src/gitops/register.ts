import { InputError } from '@backstage/errors';
import { isMap, isSeq, isScalar, parseDocument, YAMLSeq } from 'yaml';

/** The result of adding an entry to a fleet-repository list file. @public */
export interface RegisterResult {
  /** The file's new text (the same text when nothing changed). */
  text: string;
  /** False when the entry was already listed. */
  changed: boolean;
  /** Number of entries in the list afterwards. */
  entries: number;
}

/**
 * Adds `entry` to the `key` list (default `resources`) of a kustomization.yaml
 * (or any YAML mapping with such a list) through the `yaml` Document API, so
 * comments, key order and the other entries stay exactly as they were. A
 * no-op when the entry is already there.
 * @public
 */
export function registerEntry(
  text: string,
  entry: string,
  options: { key?: string; fileName?: string } = {},
): RegisterResult {
  const key = options.key ?? 'resources';
  const name = options.fileName ?? 'the file';
  const doc = parseDocument(text, { keepSourceTokens: false });
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
  let list = doc.get(key, true);
  if (
    list === undefined ||
    list === null ||
    (isScalar(list) && list.value === null)
  ) {
    list = new YAMLSeq();
    doc.set(key, list);
  }
  if (!isSeq(list)) {
    throw new InputError(`${name}: "${key}" must be a list`);
  }
  const items = list.items.map(item => (isScalar(item) ? item.value : item));
  if (items.includes(entry)) {
    return { text, changed: false, entries: items.length };
  }
  list.add(doc.createNode(entry));
  if (list.flow && list.items.length > 0) {
    // A "[]" placeholder becomes a block list, as a person would write it.
    list.flow = false;
  }
  return {
    text: doc.toString({ lineWidth: 0 }),
    changed: true,
    entries: list.items.length,
  };
}
