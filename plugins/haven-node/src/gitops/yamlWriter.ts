import { Document, isScalar, stringify } from 'yaml';
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
