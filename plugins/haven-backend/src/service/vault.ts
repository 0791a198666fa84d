import {
  assertVaultPath,
  vaultPathSegmentProblems,
  type VaultSecretMetadata,
} from '@haven-plus/plugin-haven-common';
import type {
  HavenVaultConfig,
  VaultClient,
} from '@haven-plus/plugin-haven-node';

/** At most this many keys under an entity's path are read. */
export const MAX_SECRETS = 50;

/** The part of VaultClient this module uses; the test seam. */
export type VaultMetadataClient = Pick<VaultClient, 'readKvMetadata'>;

/**
 * `LIST <mount>/metadata/<path>/` (contracts.md 1.5) through the client, so
 * the call gets its login, namespace header, timeout and redirect refusal:
 * the key names directly under `path`; undefined when Vault has nothing there.
 */
export async function listKvKeys(
  client: VaultClient,
  mount: string,
  path: string,
): Promise<string[] | undefined> {
  assertVaultPath(mount, 'Vault mount');
  assertVaultPath(path, 'Vault path');
  return client.listKvKeys(mount, path);
}

/**
 * The KV v2 mount of an entity's secrets: its `vault.io/secrets-engine`
 * annotation, else the one kvMount all of `haven.vault.environments` share.
 * Undefined when neither names exactly one.
 */
export function kvMountFor(
  engine: string | undefined,
  config: HavenVaultConfig,
): string | undefined {
  if (engine) return engine;
  const mounts = new Set(
    Object.values(config.environments).map(e => e.kvMount),
  );
  return mounts.size === 1 ? [...mounts][0] : undefined;
}

/** The names of `keys` the entity page reads: keys, not folders, by name, at most MAX_SECRETS. */
function secretNames(keys: readonly string[]): string[] {
  return keys
    .filter(k => !k.endsWith('/') && vaultPathSegmentProblems(k).length === 0)
    .sort()
    .slice(0, MAX_SECRETS);
}

/**
 * Metadata of every key directly under `path` (at most {@link MAX_SECRETS},
 * by name): LIST, and one metadata read per listed key, in parallel. Never
 * reads `data/`, so never a value.
 *
 * The LIST decides which keys are shown. `expected` (the keys the entity
 * declares and an earlier LIST of this path found) only lets their reads
 * start together with the LIST instead of after it, so a path whose keys
 * are all expected costs one Vault round trip in series. A key the LIST
 * finds beyond them (added since, e.g. by haven:gitops:add-secret) is read
 * once the LIST answers, a second round trip; an expected key the LIST does
 * not find is left out, as is a listed key deleted before its read.
 */
export async function readSecretMetadata(options: {
  list: (mount: string, path: string) => Promise<string[] | undefined>;
  client: VaultMetadataClient;
  mount: string;
  path: string;
  expected?: readonly string[];
}): Promise<{ secrets: VaultSecretMetadata[]; keys: string[] }> {
  const { mount, path } = options;
  const reads = new Map<
    string,
    ReturnType<VaultMetadataClient['readKvMetadata']>
  >();
  const read = (name: string) => {
    let metadata = reads.get(name);
    if (!metadata) {
      metadata = options.client.readKvMetadata(mount, `${path}/${name}`);
      reads.set(name, metadata);
    }
    return metadata;
  };
  for (const name of secretNames(options.expected ?? [])) {
    // Awaited below only if the LIST still names the key; a failed read of
    // a key it no longer names must not surface as an unhandled rejection.
    read(name).catch(() => undefined);
  }
  const keys = secretNames((await options.list(mount, path)) ?? []);
  const secrets = await Promise.all(
    keys.map(async name => {
      const metadata = await read(name);
      // Deleted between the LIST and this read: left out.
      if (!metadata) return undefined;
      return {
        name,
        version: metadata.currentVersion,
        createdTime: metadata.createdTime,
        updatedTime: metadata.updatedTime,
      };
    }),
  );
  return {
    secrets: secrets.filter((s): s is VaultSecretMetadata => s !== undefined),
    keys,
  };
}
