import { isSeq, isScalar } from 'yaml';
import { listValues, notAList, readListFile } from './listFile';
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
  const file = readListFile(text, options);
  const { list } = file;
  const empty =
    list === undefined ||
    list === null ||
    (isScalar(list) && list.value === null);
  if (!empty && !isSeq(list)) throw notAList(file);
  const items = isSeq(list) ? listValues(list) : [];
  if (items.includes(entry)) {
    return { text, changed: false, entries: items.length };
  }
  // Spliced into the text: the file's other lines stay byte for byte.
  const edit = new HandKeptYaml(text, file.doc, file.name);
  edit.insertIntoList([file.key], entry);
  return { text: edit.text, changed: true, entries: items.length + 1 };
}
