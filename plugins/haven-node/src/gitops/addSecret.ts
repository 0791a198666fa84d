import { ConflictError, InputError } from '@backstage/errors';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import {
  APP_PROFILE_ANNOTATION,
  APP_PROFILES,
  expandProfileTemplate,
} from './appProfiles';
import { HandKeptYaml } from './yamlWriter';

/** The result of an edit of a fleet-repository file. @public */
export interface EditResult {
  /** The file's new text (the same text when nothing changed). */
  text: string;
  /** False when the file already had the entry. */
  changed: boolean;
}

function parseOne(
  text: string,
  fileName: string,
  kind: string,
): Document.Parsed {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new InputError(
      `${fileName} is not valid YAML (${
        doc.errors[0].message.split('\n')[0]
      }); fix it in the fleet repository first`,
    );
  }
  if (!isMap(doc.contents) || doc.get('kind') !== kind) {
    throw new InputError(
      `${fileName} does not hold a ${kind}: was it changed by hand? Re-run "Create a Haven+ service" for this app instead`,
    );
  }
  return doc;
}

/**
 * Adds one Vault secret to an app's ExternalSecret (`spec.data`), spliced
 * into the text so every other line stays byte for byte as it was. A no-op when the same key already maps to the same
 * Vault entry; a ConflictError when the key maps to another one.
 * @public
 */
export function addSecretToExternalSecret(
  text: string,
  secret: { secretKey: string; remoteKey: string; fileName?: string },
): EditResult {
  const fileName = secret.fileName ?? 'externalsecret.yaml';
  const doc = parseOne(text, fileName, 'ExternalSecret');
  const data = doc.getIn(['spec', 'data'], true);
  if (data !== undefined && !isSeq(data))
    throw new InputError(`${fileName}: spec.data must be a list`);
  for (const item of isSeq(data) ? data.items : []) {
    if (!isMap(item) || item.get('secretKey') !== secret.secretKey) continue;
    const key = item.getIn(['remoteRef', 'key']);
    const property = item.getIn(['remoteRef', 'property']);
    if (key === secret.remoteKey && property === 'value') {
      return { text, changed: false };
    }
    throw new ConflictError(
      `${fileName} already maps ${secret.secretKey} to Vault ${String(
        key,
      )}: choose another environment variable name`,
    );
  }
  const file = new HandKeptYaml(text, doc, fileName);
  file.insertIntoList(['spec', 'data'], {
    secretKey: secret.secretKey,
    remoteRef: { key: secret.remoteKey, property: 'value' },
  });
  return { text: file.text, changed: true };
}

/**
 * Adds an environment variable read from the synced Secret to an app's
 * HelmRelease, in the chart value list at `envValuesPath`, right after the
 * other variables from that Secret; every other line stays byte for byte. A no-op when
 * it is already there; a ConflictError when the name is taken by another
 * value.
 * @public
 */
export function addSecretToHelmRelease(
  text: string,
  env: {
    envValuesPath: string;
    name: string;
    secretName: string;
    fileName?: string;
  },
): EditResult {
  const fileName = env.fileName ?? 'helmrelease.yaml';
  const doc = parseOne(text, fileName, 'HelmRelease');
  // The profile the release was rendered with (appProfiles.ts): a key the
  // chart takes through its own values goes there; one it sets itself is
  // refused.
  const profileId = doc.getIn([
    'metadata',
    'annotations',
    APP_PROFILE_ANNOTATION,
  ]);
  const profile =
    typeof profileId === 'string' ? APP_PROFILES[profileId] : undefined;
  const viaValues = profile?.secretValues.find(x => x.key === env.name);
  if (viaValues) {
    const file = new HandKeptYaml(text, doc, fileName);
    for (const v of viaValues.values) {
      const value = expandProfileTemplate(String(v.value), {
        secretName: env.secretName,
        secretKey: env.name,
      });
      const at = ['spec', 'values', ...v.path.split('.')];
      if (file.doc.getIn(at) !== value) file.setValue(at, value);
    }
    return file.text === text
      ? { text, changed: false }
      : { text: file.text, changed: true };
  }
  if (profile?.chartEnv.includes(env.name)) {
    throw new InputError(
      `${fileName}: the ${profile.title} chart sets ${env.name} itself; choose another environment variable name`,
    );
  }
  const path = ['spec', 'values', ...env.envValuesPath.split('.')];
  const list = doc.getIn(path, true);
  if (list !== undefined && !isSeq(list)) {
    throw new InputError(
      `${fileName}: spec.values.${env.envValuesPath} must be a list of environment variables`,
    );
  }
  let after = -1;
  (isSeq(list) ? list.items : []).forEach((item, index) => {
    if (!isMap(item)) return;
    if (item.get('name') === env.name) {
      const ref = item.getIn(['valueFrom', 'secretKeyRef', 'name']);
      const key = item.getIn(['valueFrom', 'secretKeyRef', 'key']);
      if (ref === env.secretName && key === env.name) after = -2;
      else
        throw new ConflictError(
          `${fileName} already sets ${env.name} to something else: choose another environment variable name`,
        );
    }
    if (
      after !== -2 &&
      item.getIn(['valueFrom', 'secretKeyRef', 'name']) === env.secretName
    ) {
      after = index;
    }
  });
  if (after === -2) return { text, changed: false };
  const file = new HandKeptYaml(text, doc, fileName);
  file.insertIntoList(
    path,
    {
      name: env.name,
      valueFrom: { secretKeyRef: { name: env.secretName, key: env.name } },
    },
    after + 1,
  );
  return { text: file.text, changed: true };
}
