/*
 * Per-app Vault policies as data (contracts.md 7.1): a JSON policy document
 * built from validated segments and serialised with JSON.stringify, never
 * joined HCL text. Vault's HCL v1 parser accepts JSON policies as they are.
 */

/** Vault's JSON policy document: `{ path: { "<path>": { capabilities } } }`. */
export interface VaultPolicyDocument {
  path: Record<string, { capabilities: string[] }>;
}

/** Read on the app's KV v2 data, read/list on its metadata; nothing else. */
export function appReadPolicy(
  kvMount: string,
  appPath: string,
): VaultPolicyDocument {
  return {
    path: {
      [`${kvMount}/data/${appPath}/*`]: { capabilities: ['read'] },
      [`${kvMount}/metadata/${appPath}/*`]: { capabilities: ['read', 'list'] },
    },
  };
}

export function serialisePolicy(doc: VaultPolicyDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The policy text Vault holds, parsed when it is JSON; undefined for HCL or garbage. */
export function parseJsonPolicy(text: string): VaultPolicyDocument | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || !('path' in parsed))
      return undefined;
    return parsed as VaultPolicyDocument;
  } catch {
    return undefined;
  }
}

/** Same rules, capabilities compared as sets. */
export function samePolicy(
  a: VaultPolicyDocument,
  b: VaultPolicyDocument,
): boolean {
  const norm = (doc: VaultPolicyDocument) =>
    JSON.stringify(
      Object.keys(doc.path ?? {})
        .sort()
        .map(p => [p, [...(doc.path[p]?.capabilities ?? [])].sort()]),
    );
  return norm(a) === norm(b);
}
