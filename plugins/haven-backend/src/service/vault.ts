import {
  assertVaultPath,
  vaultPathSegmentProblems,
} from '@haven-plus/plugin-haven-common';
import type {
  HavenVaultConfig,
  VaultClient,
} from '@haven-plus/plugin-haven-node';
import type { VaultSecretMetadata } from './types';

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

/**
 * Metadata of every key directly under `path` (at most {@link MAX_SECRETS},
 * by name): LIST, then one metadata read per key, in parallel. Never reads
 * `data/`, so never a value.
 */
export async function readSecretMetadata(options: {
  list: (mount: string, path: string) => Promise<string[] | undefined>;
  client: VaultMetadataClient;
  mount: string;
  path: string;
}): Promise<VaultSecretMetadata[]> {
  const { mount, path } = options;
  const keys = (await options.list(mount, path)) ?? [];
  const names = keys
    .filter(k => !k.endsWith('/') && vaultPathSegmentProblems(k).length === 0)
    .sort()
    .slice(0, MAX_SECRETS);
  const read = await Promise.all(
    names.map(async name => {
      const metadata = await options.client.readKvMetadata(
        mount,
        `${path}/${name}`,
      );
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
  return read.filter((s): s is VaultSecretMetadata => s !== undefined);
}
