import { InputError } from '@backstage/errors';
import { isMap, isSeq, isScalar, parseDocument } from 'yaml';
import { HandKeptYaml } from './yamlWriter';

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
 * (or any YAML mapping with such a list). The new item is spliced into the
 * text at the list the `yaml` parser locates, so every other line (comments
 * and their spacing, blank lines, quoting, line ends) stays exactly as it
 * was. A no-op when the entry is already there.
 * @public
 */
export function registerEntry(
  text: string,
  entry: string,
  options: { key?: string; fileName?: string } = {},
): RegisterResult {
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
  const list = doc.get(key, true);
  const empty =
    list === undefined ||
    list === null ||
    (isScalar(list) && list.value === null);
  if (!empty && !isSeq(list)) {
    throw new InputError(`${name}: "${key}" must be a list`);
  }
  const items = isSeq(list)
    ? list.items.map(item => (isScalar(item) ? item.value : item))
    : [];
  if (items.includes(entry)) {
    return { text, changed: false, entries: items.length };
  }
  // Spliced into the text: the file's other lines stay byte for byte.
  const file = new HandKeptYaml(text, doc, name);
  file.insertIntoList([key], entry);
  return { text: file.text, changed: true, entries: items.length + 1 };
}
