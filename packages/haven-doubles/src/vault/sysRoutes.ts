import { Buffer } from 'node:buffer';
import {
  accessorFor,
  errors,
  noContent,
  notFound,
  ok,
  okWithTopLevelCopy,
  unsupportedOperation,
  unsupportedPath,
  uuid,
  type JsonObject,
  type VaultReply,
} from './envelope';
import { isPlainObject, type Core, type Route } from './core';
import type { AuthMount, NamespaceState, SecretMount } from './model';
import { parsePolicy, PolicyParseError } from './policy';
import { DEFAULT_POLICY } from './defaults';

const SYSTEM_TTL = 2764800;

function mountEntry(mount: SecretMount): JsonObject {
  // contracts.md 1.2: the fields of one mount entry (tolerating the newer plugin_version/running_* fields)
  return {
    accessor: mount.accessor,
    config: {
      default_lease_ttl: mount.defaultLeaseTtl,
      force_no_cache: false,
      max_lease_ttl: mount.maxLeaseTtl,
      ...(mount.type === 'system'
        ? { passthrough_request_headers: ['Accept'] }
        : {}),
    },
    deprecation_status: 'supported',
    description: mount.description,
    external_entropy_access: false,
    local: mount.local,
    options: mount.version ? { version: mount.version } : null,
    plugin_version: '',
    running_plugin_version: mount.type === 'kv' ? 'v0.26.2+builtin' : '',
    running_sha256: '',
    seal_wrap: mount.sealWrap,
    type: mount.type,
    uuid: mount.uuid,
  };
}

function authEntry(mount: AuthMount): JsonObject {
  // contracts.md 1.3: `"kubernetes/": {"accessor":"auth_kubernetes_xxxx","type":"kubernetes",…}`
  return {
    accessor: mount.accessor,
    config: {
      default_lease_ttl: 0,
      force_no_cache: false,
      max_lease_ttl: 0,
      token_type: 'default-service',
    },
    deprecation_status: 'supported',
    description: mount.description,
    external_entropy_access: false,
    local: mount.local,
    options: null,
    plugin_version: '',
    running_plugin_version:
      mount.type === 'kubernetes' ? 'v0.24.1+builtin' : '',
    running_sha256: '',
    seal_wrap: mount.sealWrap,
    type: mount.type,
    uuid: mount.uuid,
  };
}

/** Longest mount path that prefixes `path` (contracts.md 1.2: `router.MatchingMountEntry`). */
export function longestMount<T>(
  mounts: Map<string, T>,
  path: string,
): T | undefined {
  let best: string | undefined;
  const withSlash = path.endsWith('/') ? path : `${path}/`;
  for (const key of mounts.keys()) {
    if (withSlash.startsWith(key) && (!best || key.length > best.length))
      best = key;
  }
  return best === undefined ? undefined : mounts.get(best);
}

const RESERVED = ['sys/', 'auth/', 'cubbyhole/', 'identity/'];

/** contracts.md 1.2: conflicts of a new mount path with existing ones. */
function mountConflict(
  existing: Iterable<string>,
  path: string,
): VaultReply | undefined {
  for (const other of existing) {
    // exact, or the new path is a parent of an existing mount
    if (other.startsWith(path))
      return errors(400, `path is already in use at ${path}`);
    // the new path is nested under an existing mount
    if (path.startsWith(other))
      return errors(400, `existing mount at ${other}`);
  }
  return undefined;
}

/** `sys/…` routes of one namespace. */
export function sysRoute(core: Core, ns: NamespaceState, path: string): Route {
  const sys = { mountType: 'system' } as const;
  const rest = path.slice('sys/'.length);

  if (rest === 'health') {
    return {
      ...sys,
      unauthenticated: true,
      handle: ({ op }) =>
        op !== 'read'
          ? unsupportedOperation()
          : {
              // contracts.md 1.7: /sys/health body (an active, unsealed node)
              status: 200,
              body: {
                initialized: true,
                sealed: false,
                standby: false,
                performance_standby: false,
                replication_performance_mode: 'disabled',
                replication_dr_mode: 'disabled',
                server_time_utc: Math.floor(core.now().getTime() / 1000),
                version: '2.0.3',
                cluster_name: 'vault-cluster-haven-double',
                cluster_id: '00000000-0000-0000-0000-000000000000',
              },
            },
    };
  }

  if (rest === 'mounts') {
    return {
      ...sys,
      handle: ({ op }) => {
        if (op !== 'read') return unsupportedOperation();
        const data: JsonObject = {};
        for (const [key, mount] of [...ns.mounts.entries()].sort())
          data[key] = mountEntry(mount);
        // contracts.md 1.2: the map under `data` and also at the top level
        return okWithTopLevelCopy(data, 'system');
      },
    };
  }

  if (rest.startsWith('mounts/')) {
    const target = rest.slice('mounts/'.length);
    const tune = target.endsWith('/tune');
    const mountPath = `${(tune
      ? target.slice(0, -'/tune'.length)
      : target
    ).replace(/\/+$/, '')}/`;
    return {
      ...sys,
      handle: ({ op, body }) => {
        const mount = longestMount(ns.mounts, mountPath);
        if (tune) {
          if (!mount)
            return errors(400, `No secret engine mount at ${mountPath}`);
          if (op === 'read') {
            // contracts.md 1.2: GET …/tune -> {default_lease_ttl,max_lease_ttl,force_no_cache,…}
            return okWithTopLevelCopy(
              {
                default_lease_ttl: mount.defaultLeaseTtl || SYSTEM_TTL,
                description: mount.description,
                force_no_cache: false,
                max_lease_ttl: mount.maxLeaseTtl || SYSTEM_TTL,
                ...(mount.version
                  ? { options: { version: mount.version } }
                  : {}),
              },
              'system',
            );
          }
          if (op === 'create' || op === 'update') {
            // contracts.md 1.2: tune -> 204; it cannot change type or options.version
            if (typeof body.description === 'string')
              mount.description = body.description;
            core.markWrite();
            return noContent();
          }
          return unsupportedOperation();
        }
        if (op === 'read') {
          // contracts.md 1.2: longest-prefix lookup; missing -> 400 "No secret engine mount at nope/"
          if (!mount)
            return errors(400, `No secret engine mount at ${mountPath}`);
          return okWithTopLevelCopy(mountEntry(mount), 'system');
        }
        if (op === 'create' || op === 'update')
          return enableMount(mountPath, body);
        if (op === 'delete') {
          // contracts.md 1.2: disable -> 204
          const exact = ns.mounts.get(mountPath);
          if (
            exact &&
            exact.type !== 'system' &&
            exact.type !== 'cubbyhole' &&
            exact.type !== 'identity'
          ) {
            ns.mounts.delete(mountPath);
            core.markWrite();
          }
          return noContent();
        }
        return unsupportedOperation();
      },
    };
  }

  if (rest === 'auth') {
    return {
      ...sys,
      handle: ({ op }) => {
        if (op !== 'read') return unsupportedOperation();
        const data: JsonObject = {};
        for (const [key, mount] of [...ns.authMounts.entries()].sort())
          data[key] = authEntry(mount);
        // contracts.md 1.3: under `data` and at the top level
        return okWithTopLevelCopy(data, 'system');
      },
    };
  }

  if (rest.startsWith('auth/')) {
    const target = rest.slice('auth/'.length).replace(/\/+$/, '');
    const mountPath = `${target}/`;
    return {
      ...sys,
      // contracts.md 1.3 / 7.4: sys/auth/* is root-protected (needs sudo)
      rootProtected: true,
      handle: ({ op, body }) => {
        if (op === 'read') {
          const mount = ns.authMounts.get(mountPath);
          // contracts.md 1.3: missing -> 400 "No auth engine at x/"
          if (!mount) return errors(400, `No auth engine at ${mountPath}`);
          return okWithTopLevelCopy(authEntry(mount), 'system');
        }
        if (op === 'create' || op === 'update') {
          if (typeof body.type !== 'string' || body.type === '') {
            return errors(400, 'backend type must be specified');
          }
          const conflict = mountConflict(ns.authMounts.keys(), mountPath);
          if (conflict) return conflict; // contracts.md 1.3: 400 "path is already in use at kubernetes/"
          ns.authMounts.set(mountPath, {
            path: mountPath,
            type: body.type,
            accessor: accessorFor(`auth_${body.type}`),
            uuid: uuid(),
            description:
              typeof body.description === 'string' ? body.description : '',
            local: body.local === true,
            sealWrap: body.seal_wrap === true,
            roles: new Map(),
            appRoles: [],
          });
          core.markWrite();
          return noContent(); // contracts.md 1.3: enable -> 204
        }
        if (op === 'delete') {
          if (mountPath !== 'token/' && ns.authMounts.delete(mountPath))
            core.markWrite();
          return noContent();
        }
        return unsupportedOperation();
      },
    };
  }

  if (rest === 'policies/acl/') {
    return {
      ...sys,
      handle: ({ op }) => {
        if (op !== 'list') return unsupportedOperation();
        // contracts.md 1.4: LIST -> {"keys":["app-team-a","default","root"]}
        const keys = [
          ...ns.policies.keys(),
          ...(ns.path === '' ? ['root'] : []),
        ].sort();
        return ok({ keys }, 'system');
      },
    };
  }
  if (rest === 'policies/acl') {
    return { ...sys, handle: () => unsupportedOperation() };
  }

  if (rest.startsWith('policies/acl/')) {
    // contracts.md 1.4 / 7.1: names are lower-cased on write and lookup
    const name = rest.slice('policies/acl/'.length).toLowerCase();
    return {
      ...sys,
      handle: ({ op, body }) => {
        if (name.includes('..')) {
          // contracts.md 1.4: a name containing `..` -> 400 (since 1.10)
          return errors(
            400,
            'failed to read policy: relative paths not supported',
          );
        }
        if (op === 'read') {
          if (name === 'root' && ns.path === '')
            return ok({ name: 'root', policy: '' }, 'system');
          const text = ns.policies.get(name);
          // contracts.md 1.4: read missing -> 404 {"errors":[]}; read -> data {name, policy}, no top-level copy
          return text === undefined
            ? notFound()
            : ok({ name, policy: text }, 'system');
        }
        if (op === 'create' || op === 'update')
          return setPolicy(name, body.policy);
        if (op === 'delete') {
          // contracts.md 1.4: root cannot be deleted; default cannot be deleted
          if (name === 'root')
            return errors(400, 'cannot delete "root" policy');
          if (name === 'default')
            return errors(400, 'cannot delete default policy');
          if (ns.policies.delete(name)) core.markWrite();
          return noContent(); // contracts.md 1.4: delete -> 204
        }
        return unsupportedOperation();
      },
    };
  }

  return { ...sys, handle: () => unsupportedPath() };

  function enableMount(
    mountPath: string,
    body: Record<string, unknown>,
  ): VaultReply {
    let type = typeof body.type === 'string' ? body.type : '';
    if (type === '') return errors(400, 'backend type must be specified');
    const options = isPlainObject(body.options) ? body.options : {};
    let version =
      typeof options.version === 'string' || typeof options.version === 'number'
        ? String(options.version)
        : undefined;
    // contracts.md 1.2: `kv-v2`/`kv-v1` are rewritten to type=kv, options.version
    if (type === 'kv-v2' || type === 'kv-v1') {
      version = type === 'kv-v2' ? '2' : '1';
      type = 'kv';
    }
    if (version !== undefined && type !== 'kv') {
      return errors(
        400,
        `secrets engine "${type}" does not allow setting a version`,
      );
    }
    if (type === 'kv' && version === undefined) version = '1';
    const reserved = RESERVED.find(
      r => mountPath.startsWith(r) || r.startsWith(mountPath),
    );
    if (reserved) return errors(400, `path is already in use at ${reserved}`);
    const conflict = mountConflict(ns.mounts.keys(), mountPath);
    if (conflict) return conflict; // contracts.md 1.2: "path is already in use at kv-apps/" / "existing mount at kv-apps/"
    const config = isPlainObject(body.config) ? body.config : {};
    ns.mounts.set(mountPath, {
      path: mountPath,
      type,
      version,
      accessor: accessorFor(type),
      uuid: uuid(),
      description: typeof body.description === 'string' ? body.description : '',
      local: body.local === true,
      sealWrap: body.seal_wrap === true,
      defaultLeaseTtl: Number(config.default_lease_ttl) || 0,
      maxLeaseTtl: Number(config.max_lease_ttl) || 0,
      kv:
        type === 'kv' && version === '2'
          ? {
              config: {
                casRequired: false,
                maxVersions: 0,
                deleteVersionAfter: '0s',
              },
              keys: new Map(),
            }
          : undefined,
    });
    core.markWrite();
    return noContent(); // contracts.md 1.2: enable -> 204, empty body
  }

  function setPolicy(name: string, raw: unknown): VaultReply {
    // contracts.md 1.4: root cannot be updated
    if (name === 'root') return errors(400, 'cannot update "root" policy');
    if (typeof raw !== 'string' || raw.trim() === '') {
      return errors(400, "'policy' parameter not supplied or empty"); // contracts.md 1.4
    }
    const text = decodeIfBase64(raw);
    try {
      parsePolicy(text);
    } catch (error) {
      if (error instanceof PolicyParseError) {
        // contracts.md 1.4: a parse failure -> 400 "failed to parse policy: …"
        return errors(400, `failed to parse policy: ${error.message}`);
      }
      throw error;
    }
    ns.policies.set(name, text);
    core.markWrite();
    return noContent(); // contracts.md 1.4: create or update -> 204
  }
}

/**
 * contracts.md 1.4 / 7.1: the `policy` string is base64-decoded if it decodes
 * as base64 (so HCL that happens to be valid base64 gets garbled).
 */
export function decodeIfBase64(text: string): string {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text))
    return text;
  return Buffer.from(text, 'base64').toString('utf8');
}

/** A namespace's built-in objects: the default policy, system mounts, the token auth mount. */
export function seedNamespace(path: string): NamespaceState {
  const ns: NamespaceState = {
    path,
    policies: new Map([['default', DEFAULT_POLICY]]),
    mounts: new Map(),
    authMounts: new Map(),
  };
  for (const [mountPath, type, description] of [
    ['cubbyhole/', 'cubbyhole', 'per-token private secret storage'],
    ['identity/', 'identity', 'identity store'],
    [
      'sys/',
      'system',
      'system endpoints used for control, policy and debugging',
    ],
  ] as const) {
    ns.mounts.set(mountPath, {
      path: mountPath,
      type,
      accessor: accessorFor(type),
      uuid: uuid(),
      description,
      local: type === 'cubbyhole',
      sealWrap: false,
      defaultLeaseTtl: 0,
      maxLeaseTtl: 0,
    });
  }
  ns.authMounts.set('token/', {
    path: 'token/',
    type: 'token',
    accessor: accessorFor('auth_token'),
    uuid: uuid(),
    description: 'token based credentials',
    local: false,
    sealWrap: false,
    roles: new Map(),
    appRoles: [],
  });
  return ns;
}
