import {
  errors,
  goTime,
  noContent,
  notFound,
  ok,
  relativePath,
  unsupportedOperation,
  unsupportedPath,
  envelope,
  type Json,
  type JsonObject,
  type VaultReply,
} from './envelope';
import {
  isPlainObject,
  parseDurationSeconds,
  InvalidInput,
  type Core,
  type Route,
  type RouteRequest,
} from './core';
import {
  newKvKey,
  type KvKey,
  type KvVersion,
  type SecretMount,
} from './model';

type KvStore = NonNullable<SecretMount['kv']>;

/** contracts.md 1.5: versions beyond `max_versions` (default 10) are deleted. */
const DEFAULT_MAX_VERSIONS = 10;

function versionMetadata(
  key: KvKey,
  version: number,
  v: KvVersion,
): JsonObject {
  return {
    created_time: v.createdTime,
    custom_metadata: key.customMetadata,
    deletion_time: v.deletionTime,
    destroyed: v.destroyed,
    version,
  };
}

function isDeleted(v: KvVersion, now: Date): boolean {
  return (
    v.destroyed || (v.deletionTime !== '' && new Date(v.deletionTime) <= now)
  );
}

function durationString(seconds: number): string {
  // Go's Duration.String() for whole seconds: 0s, 30s, 1m0s, 1h0m0s
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

function parseCas(options: unknown): number | undefined | 'invalid' {
  if (!isPlainObject(options) || !('cas' in options)) return undefined;
  const cas = options.cas;
  if (typeof cas === 'number' && Number.isInteger(cas)) return cas;
  if (typeof cas === 'string' && /^\d+$/.test(cas)) return Number(cas);
  return 'invalid';
}

function parseVersions(value: unknown): number[] | undefined {
  let raw: unknown[];
  if (Array.isArray(value)) raw = value;
  else if (typeof value === 'string') raw = value.split(',');
  else raw = value === undefined ? [] : [value];
  const versions = raw.map(v => Number(String(v).trim()));
  return versions.every(v => Number.isInteger(v)) ? versions : undefined;
}

/**
 * Routes of a KV v2 mount (contracts.md 1.5): `data/`, `metadata/`,
 * `config`, and `delete/`, `undelete/`, `destroy/`.
 */
export function kvRoute(core: Core, mount: SecretMount, rest: string): Route {
  const kv = mount.kv as KvStore;
  const base = { mountType: 'kv', kvV2: true } as const;
  const slash = rest.indexOf('/');
  const area = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  const now = () => core.now();

  const maxVersionsOf = (k: KvKey) =>
    k.maxVersions || kv.config.maxVersions || DEFAULT_MAX_VERSIONS;

  const newKey = (): KvKey => newKvKey(goTime(now()));

  if (area === 'config' && slash < 0) {
    return {
      ...base,
      handle: ({ op, body }) => {
        if (op === 'read') {
          return ok(
            {
              cas_required: kv.config.casRequired,
              delete_version_after: kv.config.deleteVersionAfter,
              max_versions: kv.config.maxVersions,
            },
            'kv',
          );
        }
        if (op === 'create' || op === 'update') {
          try {
            if ('cas_required' in body)
              kv.config.casRequired = Boolean(body.cas_required);
            if ('max_versions' in body)
              kv.config.maxVersions = Number(body.max_versions) || 0;
            if ('delete_version_after' in body) {
              kv.config.deleteVersionAfter = durationString(
                parseDurationSeconds(
                  body.delete_version_after,
                  'delete_version_after',
                ),
              );
            }
          } catch (error) {
            if (error instanceof InvalidInput)
              return errors(400, error.message);
            throw error;
          }
          core.markWrite();
          return noContent();
        }
        return unsupportedOperation();
      },
    };
  }

  if (area === 'data' && slash >= 0) {
    return {
      ...base,
      exists: () => kv.keys.has(key), // vault-plugin-secrets-kv dataExistenceCheck: the key's metadata exists
      handle: request => {
        if (key.includes('..')) return relativePath(); // contracts.md 1.8
        switch (request.op) {
          case 'read':
            return readData(request);
          case 'create':
          case 'update':
            return writeData(request);
          case 'delete':
            return softDeleteLatest();
          default:
            return unsupportedOperation();
        }
      },
    };
  }

  if (area === 'metadata') {
    return {
      ...base,
      exists: () => kv.keys.has(key),
      handle: request => {
        if (key.includes('..')) return relativePath(); // contracts.md 1.8
        switch (request.op) {
          case 'read':
            return key === '' ? unsupportedOperation() : readMetadata();
          case 'list':
            return listMetadata();
          case 'create':
          case 'update':
            return writeMetadata(request.body);
          case 'delete':
            if (kv.keys.delete(key)) core.markWrite();
            // contracts.md 1.5: DELETE metadata removes all versions -> 204
            return noContent();
          default:
            return unsupportedOperation();
        }
      },
    };
  }

  if (
    (area === 'delete' || area === 'undelete' || area === 'destroy') &&
    slash >= 0
  ) {
    return {
      ...base,
      handle: ({ op, body }) => {
        if (key.includes('..')) return relativePath();
        if (op !== 'create' && op !== 'update') return unsupportedOperation();
        const versions = parseVersions(body.versions);
        if (!versions || versions.length === 0)
          return errors(400, 'no version number provided');
        const entry = kv.keys.get(key);
        if (!entry) return noContent();
        for (const n of versions) {
          const v = entry.versions.get(n);
          if (!v || v.destroyed) continue;
          if (area === 'delete' && v.deletionTime === '')
            v.deletionTime = goTime(now());
          if (area === 'undelete') v.deletionTime = '';
          if (area === 'destroy') {
            v.destroyed = true;
            v.data = null;
          }
        }
        core.markWrite();
        return noContent();
      },
    };
  }

  return { ...base, handle: () => unsupportedPath() };

  function readData({ query }: RouteRequest): VaultReply {
    const entry = kv.keys.get(key);
    if (!entry) return notFound(); // contracts.md 1.5: missing key -> 404 {"errors":[]}
    const asked = query.get('version');
    const n =
      asked === null || asked === '' || asked === '0'
        ? entry.currentVersion
        : Number(asked);
    if (!Number.isInteger(n)) {
      return errors(
        400,
        `error converting input ${JSON.stringify(asked)} for field "version"`,
      );
    }
    const v = entry.versions.get(n);
    if (!v) return notFound(); // contracts.md 1.5: missing version -> 404 {"errors":[]}
    const metadata = versionMetadata(entry, n, v);
    if (isDeleted(v, now())) {
      // contracts.md 1.5: soft-deleted or destroyed -> 404 with a full envelope, data.data null, mount_type ""
      return {
        status: 404,
        body: envelope({ data: null, metadata }, { mountType: '' }),
      };
    }
    return ok({ data: structuredClone(v.data) as Json, metadata }, 'kv');
  }

  function writeData({ body }: RouteRequest): VaultReply {
    // contracts.md 1.5: no `data` key (e.g. a v1-style flat body) -> 400 "no data provided"
    if (!isPlainObject(body.data)) return errors(400, 'no data provided');
    const existing = kv.keys.get(key);
    const cas = parseCas(body.options);
    if (cas === 'invalid')
      return errors(400, 'error parsing check-and-set parameter');
    if (cas === undefined && (kv.config.casRequired || existing?.casRequired)) {
      // contracts.md 1.5: cas absent while cas_required -> 400
      return errors(400, 'check-and-set parameter required for this call');
    }
    if (cas !== undefined && cas !== (existing?.currentVersion ?? 0)) {
      // contracts.md 1.5: cas must equal current_version; cas=0 on an existing key is a mismatch
      return errors(
        400,
        'check-and-set parameter did not match the current version',
      );
    }
    const entry = existing ?? newKey();
    const version = entry.currentVersion + 1;
    const time = goTime(now());
    const stored: KvVersion = {
      data: structuredClone(body.data),
      createdTime: time,
      deletionTime: '',
      destroyed: false,
    };
    entry.versions.set(version, stored);
    entry.currentVersion = version;
    entry.updatedTime = time;
    // contracts.md 1.5: versions beyond max_versions are deleted silently
    const oldestKept = version - maxVersionsOf(entry) + 1;
    if (oldestKept > 1) {
      for (const n of [...entry.versions.keys()])
        if (n < oldestKept) entry.versions.delete(n);
      entry.oldestVersion = oldestKept;
    }
    kv.keys.set(key, entry);
    core.markWrite();
    return ok(versionMetadata(entry, version, stored), 'kv');
  }

  function softDeleteLatest(): VaultReply {
    // contracts.md 1.5: DELETE data/:path soft-deletes the latest version -> 204
    const entry = kv.keys.get(key);
    const latest = entry?.versions.get(entry.currentVersion);
    if (latest && !latest.destroyed && latest.deletionTime === '') {
      latest.deletionTime = goTime(now());
      core.markWrite();
    }
    return noContent();
  }

  function readMetadata(): VaultReply {
    const entry = kv.keys.get(key);
    if (!entry) return notFound(); // contracts.md 1.5: missing key -> 404 {"errors":[]}
    const versions: JsonObject = {};
    // contracts.md 1.5: version keys are strings
    for (const [n, v] of [...entry.versions.entries()].sort(
      (a, b) => a[0] - b[0],
    )) {
      versions[String(n)] = {
        created_time: v.createdTime,
        deletion_time: v.deletionTime,
        destroyed: v.destroyed,
      };
    }
    return ok(
      {
        cas_required: entry.casRequired,
        created_time: entry.createdTime,
        current_version: entry.currentVersion,
        custom_metadata: entry.customMetadata,
        delete_version_after: entry.deleteVersionAfter,
        max_versions: entry.maxVersions,
        oldest_version: entry.oldestVersion,
        updated_time: entry.updatedTime,
        versions,
      },
      'kv',
    );
  }

  function listMetadata(): VaultReply {
    // contracts.md 1.5: LIST metadata/:prefix/ -> keys; folders end in '/'; empty -> 404 {"errors":[]}
    const prefix = key;
    const names = new Set<string>();
    for (const k of kv.keys.keys()) {
      if (!k.startsWith(prefix)) continue;
      const remainder = k.slice(prefix.length);
      const cut = remainder.indexOf('/');
      names.add(cut < 0 ? remainder : remainder.slice(0, cut + 1));
    }
    names.delete('');
    if (names.size === 0) return notFound();
    return ok({ keys: [...names].sort() }, 'kv');
  }

  function writeMetadata(body: Record<string, unknown>): VaultReply {
    // contracts.md 1.5: metadata write -> 204, creates no version
    const entry = kv.keys.get(key) ?? newKey();
    try {
      if ('max_versions' in body)
        entry.maxVersions = Number(body.max_versions) || 0;
      if ('cas_required' in body)
        entry.casRequired = Boolean(body.cas_required);
      if ('delete_version_after' in body) {
        entry.deleteVersionAfter = durationString(
          parseDurationSeconds(
            body.delete_version_after,
            'delete_version_after',
          ),
        );
      }
    } catch (error) {
      if (error instanceof InvalidInput) return errors(400, error.message);
      throw error;
    }
    if ('custom_metadata' in body) {
      const custom = body.custom_metadata;
      if (custom !== null && !isPlainObject(custom)) {
        return errors(400, 'custom_metadata must be a map of strings');
      }
      entry.customMetadata = custom
        ? Object.fromEntries(
            Object.entries(custom).map(([k, v]) => [k, String(v)]),
          )
        : null;
    }
    entry.updatedTime = goTime(now());
    kv.keys.set(key, entry);
    core.markWrite();
    return noContent();
  }
}
