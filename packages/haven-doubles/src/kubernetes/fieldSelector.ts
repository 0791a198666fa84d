/**
 * Kubernetes field selectors, as the API server reads `?fieldSelector=` on a
 * list call (Kubernetes docs, "Field Selectors"; apimachinery
 * `pkg/fields/selector.go` ParseSelector): comma-separated terms `key=value`,
 * `key==value` or `key!=value`, every term must hold; `\`, `,` and `=` inside
 * a value are escaped with a backslash. Only the fields a resource type makes
 * selectable may be used; any other answers 400 `field label not supported:
 * <field>` (the field-label conversion functions of kubernetes
 * `pkg/apis/core/v1/conversion.go`).
 */
import type { ResourceType } from './resources';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export class FieldSelectorError extends Error {}

/** Splits on the separator where it is not escaped by a backslash. */
function splitUnescaped(text: string, separator: ','): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i += 1;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** The first unescaped operator of a term, tried in apimachinery's order. */
function findOperator(
  term: string,
): { at: number; op: '!=' | '==' | '=' } | undefined {
  for (let i = 0; i < term.length; i += 1) {
    const ch = term[i];
    if (ch === '\\') {
      i += 1;
    } else if (ch === '!' && term[i + 1] === '=') {
      return { at: i, op: '!=' };
    } else if (ch === '=') {
      return { at: i, op: term[i + 1] === '=' ? '==' : '=' };
    }
  }
  return undefined;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

export function parseFieldSelector(selector: string): FieldRequirement[] {
  if (selector.trim() === '') return [];
  return splitUnescaped(selector, ',').map(term => {
    const found = findOperator(term);
    if (!found) {
      throw new FieldSelectorError(
        `invalid selector: '${selector}'; can't understand '${term}'`,
      );
    }
    const field = term.slice(0, found.at).trim();
    const value = unescape(term.slice(found.at + found.op.length));
    return { field, op: found.op === '!=' ? '!=' : '=', value };
  });
}

type Fields = Record<string, string>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The selectable fields of an object. Every type has metadata.name and
 * metadata.namespace (apimachinery DefaultMetaV1FieldSelectorConversion);
 * core v1 Event adds the involvedObject fields, reason, source and type
 * (kubernetes `AddFieldLabelConversionsForEvent` and the Event registry's
 * `ToSelectableFields`, where `source` is source.component, else
 * reportingComponent).
 */
export function selectableFields(
  type: ResourceType,
  object: Record<string, unknown>,
): Fields {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const fields: Fields = {
    'metadata.name': str(metadata.name),
    'metadata.namespace': str(metadata.namespace),
  };
  if (type.group === '' && type.kind === 'Event') {
    const involved = isRecord(object.involvedObject)
      ? object.involvedObject
      : {};
    const source = isRecord(object.source) ? object.source : {};
    for (const key of [
      'kind',
      'namespace',
      'name',
      'uid',
      'apiVersion',
      'resourceVersion',
      'fieldPath',
    ]) {
      fields[`involvedObject.${key}`] = str(involved[key]);
    }
    fields.reason = str(object.reason);
    fields.source = str(source.component) || str(object.reportingComponent);
    fields.type = str(object.type);
  }
  return fields;
}

/** The field names a type accepts in a selector. */
export function selectableFieldNames(type: ResourceType): string[] {
  return Object.keys(selectableFields(type, {}));
}

/**
 * Throws FieldSelectorError for the first field the type does not make
 * selectable, with the API server's message.
 */
export function checkFieldSelector(
  type: ResourceType,
  requirements: FieldRequirement[],
): void {
  const known = new Set(selectableFieldNames(type));
  const unknown = requirements.find(r => !known.has(r.field));
  if (unknown) {
    throw new FieldSelectorError(`field label not supported: ${unknown.field}`);
  }
}

export function matchesFields(
  type: ResourceType,
  requirements: FieldRequirement[],
  object: Record<string, unknown>,
): boolean {
  const fields = selectableFields(type, object);
  return requirements.every(r =>
    r.op === '=' ? fields[r.field] === r.value : fields[r.field] !== r.value,
  );
}
