import { randomBytes } from 'node:crypto';
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import {
  accessorFor,
  errors,
  goTime,
  newServiceToken,
  invalidToken,
  permissionDenied,
  unsupportedPath,
  uuid,
  type Json,
  type VaultReply,
} from './envelope';
import {
  isPlainObject,
  parseBool,
  sanitizePolicies,
  type Core,
  type KubernetesLoginSpec,
  type Operation,
  type Route,
} from './core';
import {
  newKvKey,
  type AuthMount,
  type KubernetesRole,
  type NamespaceState,
  type SecretMount,
  type TokenEntry,
} from './model';
import { Acl, parametersAllowed, parsePolicy, type Identity } from './policy';
import {
  decodeIfBase64,
  longestMount,
  seedNamespace,
  sysRoute,
} from './sysRoutes';
import { kvRoute } from './kvRoutes';
import { appRoleRoute, kubernetesRoute, tokenRoute } from './authRoutes';
import { createFaults, defaultFaultErrors, type VaultFaults } from './faults';
import { faultControls } from '../http/faultSchedule';

export type { VaultFault, VaultFaults, ActiveVaultFault } from './faults';
export type { KubernetesLoginSpec as VaultKubernetesLogin } from './core';

/** A token the double accepts besides the root token. */
export interface VaultTokenSpec {
  token: string;
  /** ACL policy names; `default` is added unless `noDefaultPolicy` */
  policies: string[];
  noDefaultPolicy?: boolean;
  /** namespace the token lives in ('' or omitted: root) */
  namespace?: string;
  /** 0 or omitted: the token does not expire */
  ttlSeconds?: number;
  /** default true */
  renewable?: boolean;
  /** an identity for `{{identity.…}}` templated policies */
  identity?: Identity;
}

export interface VaultDoubleOptions {
  /** Origin the handlers answer on, e.g. http://127.0.0.1:7102 */
  baseUrl: string;
  /** The root token (root namespace, `root` policy). */
  rootToken: string;
  tokens?: VaultTokenSpec[];
  /**
   * Enterprise/OpenBao namespaces, e.g. `['team-a', 'team-a/dev']`. Omitted:
   * the server behaves like OSS and refuses a non-root X-Vault-Namespace with
   * 403 `namespaces feature not enabled` (contracts.md 1.1).
   */
  namespaces?: string[];
  /** KV v2 mounts at start (default `['secret']`, root namespace). */
  kvMounts?: Array<string | { path: string; namespace?: string }>;
  /** Kubernetes auth mounts at start (default `['kubernetes']`, root namespace). */
  kubernetesAuthMounts?: Array<
    string | { path: string; namespace?: string; accessor?: string }
  >;
  /** An AppRole mount with fixed role_id/secret_id pairs. */
  appRole?: {
    mount?: string;
    namespace?: string;
    roles: Array<{
      roleName: string;
      roleId: string;
      secretId: string;
      policies: string[];
      ttlSeconds?: number;
    }>;
  };
  /** Service-account JWTs the Kubernetes auth mounts accept at login. */
  kubernetesLogins?: KubernetesLoginSpec[];
  /** ACL policies at start (text as `sys/policies/acl` takes it). */
  policies?: Array<{ name: string; policy: string; namespace?: string }>;
  /** KV v2 secrets at start, each as version 1. */
  kvSecrets?: Array<{
    mount?: string;
    path: string;
    data: Record<string, unknown>;
    namespace?: string;
  }>;
  /** Clock (tests move it to expire tokens); default `() => new Date()`. */
  now?: () => Date;
}

/** What the double logs of a request: never a body, never a token. */
export interface VaultRecordedRequest {
  /** HTTP method as sent (`LIST`, or `GET` with `?list=true`) */
  method: string;
  /** URL path, e.g. `/v1/secret/data/team-a/orders` (no query string) */
  path: string;
  /** resolved namespace, '' for root */
  namespace: string;
  /** status answered; 0 for an injected connection reset */
  status: number;
  /** Vault's operation after the existence check (`create` vs `update`), when known */
  operation?: Operation;
}

export interface VaultKvVersionSnapshot {
  version: number;
  data: Record<string, unknown> | null;
  createdTime: string;
  deletionTime: string;
  destroyed: boolean;
}

export interface VaultKvKeySnapshot {
  currentVersion: number;
  oldestVersion: number;
  casRequired: boolean;
  maxVersions: number;
  customMetadata: Record<string, string> | null;
  versions: VaultKvVersionSnapshot[];
}

export type VaultKubernetesRole = Omit<KubernetesRole, 'legacy'>;

/** Read-only views of the double's state, for assertions (copies, never live objects). */
export interface VaultDoubleState {
  /** successful requests that changed state (writes and deletes; not logins) */
  readonly writeCount: number;
  policy(name: string, namespace?: string): string | undefined;
  policyNames(namespace?: string): string[];
  kvKey(
    mount: string,
    path: string,
    namespace?: string,
  ): VaultKvKeySnapshot | undefined;
  kvKeys(mount: string, namespace?: string): string[];
  kubernetesRole(
    name: string,
    where?: { mount?: string; namespace?: string },
  ): VaultKubernetesRole | undefined;
  kubernetesRoleNames(where?: { mount?: string; namespace?: string }): string[];
  mounts(
    namespace?: string,
  ): Array<{ path: string; type: string; version?: string }>;
  authMounts(
    namespace?: string,
  ): Array<{ path: string; type: string; accessor: string }>;
  /** tokens issued by logins so far */
  readonly issuedTokenCount: number;
}

export interface VaultDouble {
  handlers: HttpHandler[];
  /** Requests the double answered, oldest first. */
  requests: VaultRecordedRequest[];
  faults: VaultFaults;
  state: VaultDoubleState;
}

const trimSlashes = (s: string) => s.replace(/^\/+|\/+$/g, '');
const mountKey = (path: string) => `${trimSlashes(path)}/`;

/** contracts.md 1.8 / 7.2: `/../`, `/./` and `//` are rejected (Vault 2.0.0+, 1.21.5+, …). */
function isNonCanonical(path: string): boolean {
  const full = `/${path}`;
  return full.includes('//') || /\/\.\.?(\/|$)/.test(full);
}

export function createVaultDouble(options: VaultDoubleOptions): VaultDouble {
  const base = options.baseUrl.replace(/\/+$/, '');
  const now = options.now ?? (() => new Date());
  const requests: VaultRecordedRequest[] = [];
  const faults = createFaults();
  const namespacesEnabled = options.namespaces !== undefined;
  const namespaces = new Map<string, NamespaceState>([['', seedNamespace('')]]);
  for (const ns of options.namespaces ?? []) {
    const path = trimSlashes(ns);
    if (path !== '') namespaces.set(path, seedNamespace(path));
  }
  const tokens = new Map<string, TokenEntry>();
  const entities = new Map<string, Identity>();
  let writeCount = 0;
  let issuedTokenCount = 0;

  const namespaceOf = (path: string | undefined): NamespaceState => {
    const ns = namespaces.get(trimSlashes(path ?? ''));
    if (!ns) throw new Error(`the Vault double has no namespace "${path}"`);
    return ns;
  };

  const core: Core = {
    now,
    markWrite: () => {
      writeCount += 1;
    },
    issueToken(spec) {
      const issuedAt = now();
      const token: TokenEntry = {
        token: newServiceToken(),
        accessor: randomBytes(12).toString('base64url'),
        policies: spec.policies,
        namespace: spec.namespace,
        root: false,
        ttlSeconds: spec.ttlSeconds,
        renewable: spec.renewable,
        issuedAt,
        expiresAt:
          spec.ttlSeconds > 0
            ? new Date(issuedAt.getTime() + spec.ttlSeconds * 1000)
            : undefined,
        identity: spec.identity,
        metadata: spec.metadata,
        displayName: spec.displayName,
        path: spec.path,
      };
      tokens.set(token.token, token);
      issuedTokenCount += 1;
      return token;
    },
    renewToken(token, increment) {
      const ttl = increment ?? token.ttlSeconds;
      token.ttlSeconds = ttl;
      token.expiresAt =
        ttl > 0 ? new Date(now().getTime() + ttl * 1000) : undefined;
    },
    identityFor(mountAccessor, aliasName, metadata) {
      const key = `${mountAccessor}\u0000${aliasName}`;
      let identity = entities.get(key);
      if (!identity) {
        identity = {
          entityId: uuid(),
          entityName: `entity_${randomBytes(4).toString('hex')}`,
          aliases: [{ mountAccessor, id: uuid(), name: aliasName, metadata }],
        };
        entities.set(key, identity);
      } else {
        identity.aliases[0].metadata = metadata;
      }
      return identity;
    },
    kubernetesLogins: options.kubernetesLogins ?? [],
  };

  // --- the starting state ---------------------------------------------------
  tokens.set(options.rootToken, {
    token: options.rootToken,
    accessor: randomBytes(12).toString('base64url'),
    policies: ['root'],
    namespace: '',
    root: true,
    ttlSeconds: 0,
    renewable: false,
    issuedAt: now(),
    metadata: null,
    displayName: 'root',
    path: 'auth/token/root',
  });
  for (const spec of options.tokens ?? []) {
    const ns = namespaceOf(spec.namespace);
    const policies = sanitizePolicies([
      ...spec.policies,
      ...(spec.noDefaultPolicy ? [] : ['default']),
    ]);
    const ttl = spec.ttlSeconds ?? 0;
    const issuedAt = now();
    tokens.set(spec.token, {
      token: spec.token,
      accessor: randomBytes(12).toString('base64url'),
      policies,
      namespace: ns.path,
      root: policies.includes('root'),
      ttlSeconds: ttl,
      renewable: spec.renewable ?? true,
      issuedAt,
      expiresAt:
        ttl > 0 ? new Date(issuedAt.getTime() + ttl * 1000) : undefined,
      identity: spec.identity,
      metadata: null,
      displayName: 'token',
      path: 'auth/token/create',
    });
  }
  const addKvMount = (path: string, namespace?: string) => {
    const key = mountKey(path);
    namespaceOf(namespace).mounts.set(key, {
      path: key,
      type: 'kv',
      version: '2',
      accessor: accessorFor('kv'),
      uuid: uuid(),
      description: key === 'secret/' ? 'key/value secret storage' : '',
      local: false,
      sealWrap: false,
      defaultLeaseTtl: 0,
      maxLeaseTtl: 0,
      kv: {
        config: {
          casRequired: false,
          maxVersions: 0,
          deleteVersionAfter: '0s',
        },
        keys: new Map(),
      },
    });
  };
  for (const m of options.kvMounts ?? ['secret']) {
    if (typeof m === 'string') addKvMount(m);
    else addKvMount(m.path, m.namespace);
  }
  const addAuthMount = (
    type: string,
    path: string,
    namespace?: string,
    accessor?: string,
  ): AuthMount => {
    const key = mountKey(path);
    const mount: AuthMount = {
      path: key,
      type,
      accessor: accessor ?? accessorFor(`auth_${type}`),
      uuid: uuid(),
      description: '',
      local: false,
      sealWrap: false,
      roles: new Map(),
      appRoles: [],
    };
    namespaceOf(namespace).authMounts.set(key, mount);
    return mount;
  };
  for (const m of options.kubernetesAuthMounts ?? ['kubernetes']) {
    if (typeof m === 'string') addAuthMount('kubernetes', m);
    else addAuthMount('kubernetes', m.path, m.namespace, m.accessor);
  }
  if (options.appRole) {
    const mount = addAuthMount(
      'approle',
      options.appRole.mount ?? 'approle',
      options.appRole.namespace,
    );
    mount.appRoles = options.appRole.roles.map(r => ({
      ...r,
      policies: [...r.policies],
    }));
  }
  for (const p of options.policies ?? []) {
    const text = decodeIfBase64(p.policy);
    parsePolicy(text); // a seed Vault would refuse is a mistake in the test
    namespaceOf(p.namespace).policies.set(p.name.toLowerCase(), text);
  }
  for (const s of options.kvSecrets ?? []) {
    const mount = namespaceOf(s.namespace).mounts.get(
      mountKey(s.mount ?? 'secret'),
    );
    if (!mount?.kv) {
      throw new Error(
        `the Vault double has no KV v2 mount "${s.mount ?? 'secret'}"`,
      );
    }
    const time = goTime(now());
    mount.kv.keys.set(s.path, {
      ...newKvKey(time),
      currentVersion: 1,
      versions: new Map([
        [
          1,
          {
            data: structuredClone(s.data),
            createdTime: time,
            deletionTime: '',
            destroyed: false,
          },
        ],
      ]),
    });
  }

  // --- routing --------------------------------------------------------------
  const resolveRoute = (
    ns: NamespaceState,
    path: string,
  ): Route | undefined => {
    if (path.startsWith('sys/') || path === 'sys')
      return sysRoute(core, ns, path);
    if (path.startsWith('auth/')) {
      const rest = path.slice('auth/'.length);
      if (rest.startsWith('token/'))
        return tokenRoute(core, rest.slice('token/'.length));
      const mount = longestMount(ns.authMounts, rest);
      if (!mount) return undefined;
      const inner = rest.slice(mount.path.length);
      if (mount.type === 'kubernetes')
        return kubernetesRoute(core, ns, mount, inner);
      if (mount.type === 'approle') return appRoleRoute(core, ns, mount, inner);
      return { mountType: mount.type, handle: () => unsupportedPath() };
    }
    const mount: SecretMount | undefined = longestMount(ns.mounts, path);
    if (!mount) return undefined;
    if (mount.kv) return kvRoute(core, mount, path.slice(mount.path.length));
    // other engines are listed but not served
    return { mountType: mount.type, handle: () => unsupportedPath() };
  };

  /** Namespace and namespace-relative path (contracts.md 1.1: header `ns1/ns2/` + `secret/foo` == `ns1/ns2/secret/foo`). */
  const resolveNamespace = (
    header: string | null,
    path: string,
  ): { ns: NamespaceState; path: string } | VaultReply => {
    const headerPath = trimSlashes(header ?? '');
    if (!namespacesEnabled) {
      // contracts.md 1.1: a build without namespaces -> 403 "namespaces feature not enabled"
      if (headerPath !== '')
        return errors(403, 'namespaces feature not enabled');
      return { ns: namespaceOf(''), path };
    }
    const full = headerPath === '' ? path : `${headerPath}/${path}`;
    const segments = full.split('/');
    let best = namespaceOf('');
    let used = 0;
    for (let i = 1; i < segments.length; i += 1) {
      const candidate = namespaces.get(segments.slice(0, i).join('/'));
      if (candidate) {
        best = candidate;
        used = i;
      }
    }
    return { ns: best, path: segments.slice(used).join('/') };
  };

  const tokenFrom = (request: Request): string | undefined => {
    const header = request.headers.get('x-vault-token');
    if (header) return header;
    const auth = request.headers.get('authorization');
    const match = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
    return match ? match[1].trim() : undefined;
  };

  /** Path of `ns` seen from `from` ('' when equal), or undefined when `ns` is not `from` or below it. */
  const relativeNamespace = (from: string, ns: string): string | undefined => {
    if (from === ns) return '';
    if (from === '') return `${ns}/`;
    return ns.startsWith(`${from}/`)
      ? `${ns.slice(from.length + 1)}/`
      : undefined;
  };

  const aclFor = (token: TokenEntry): Acl => {
    const home = namespaceOf(token.namespace);
    const parsed = token.policies
      .map(name => home.policies.get(name))
      .filter((text): text is string => text !== undefined)
      .map(text => parsePolicy(text));
    return new Acl(parsed, token.identity);
  };

  const process = async (
    request: Request,
    entry: VaultRecordedRequest,
  ): Promise<VaultReply | 'reset'> => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith('/v1/')) return errors(404);
    let decoded: string;
    try {
      decoded = decodeURIComponent(url.pathname.slice('/v1/'.length));
    } catch {
      return errors(400, 'invalid URL escape in request path');
    }
    const method = request.method.toUpperCase();
    const list =
      method === 'LIST' ||
      (method === 'GET' && parseBool(url.searchParams.get('list')));
    let verb: Operation | 'write';
    if (list) verb = 'list';
    else if (method === 'GET') verb = 'read';
    else if (method === 'POST' || method === 'PUT') verb = 'write';
    else if (method === 'DELETE') verb = 'delete';
    else if (method === 'PATCH') verb = 'patch';
    else return errors(405); // unsupported method: 405 {"errors":[]}
    if (verb !== 'write') entry.operation = verb;

    const located = resolveNamespace(
      request.headers.get('x-vault-namespace'),
      decoded,
    );
    if ('status' in located) return located;
    const { ns } = located;
    let path = located.path;
    entry.namespace = ns.path;

    const fault = faults.decide(method, list, ns.path, path);
    if (fault.latencyMs > 0) await delay(fault.latencyMs);
    if (fault.terminal?.reset) return 'reset';
    if (fault.terminal?.status !== undefined) {
      return errors(
        fault.terminal.status,
        ...(fault.terminal.errors ??
          defaultFaultErrors(fault.terminal.status, path)),
      );
    }

    // contracts.md 1.8 / 7.2: non-canonical paths are rejected (status per open item 1: 400)
    if (isNonCanonical(decoded))
      return errors(400, 'invalid request path: not canonical');
    if (verb === 'list' && !path.endsWith('/')) path += '/';
    if (verb === 'write' && path.endsWith('/')) {
      return errors(400, "cannot write to a path ending in '/'"); // contracts.md 1.5 / 1.8
    }

    let body: Record<string, unknown> = {};
    if (verb === 'write' || verb === 'patch') {
      const text = await request.text();
      if (text.length > 32 * 1024 * 1024) {
        return errors(
          413,
          'failed to parse JSON input: http: request body too large',
        ); // contracts.md 1.1: 32 MiB
      }
      if (text.trim() !== '') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (error) {
          return errors(
            400,
            `failed to parse JSON input: ${(error as Error).message}`,
          );
        }
        if (!isPlainObject(parsed)) {
          return errors(
            400,
            'failed to parse JSON input: the body is not a JSON object',
          );
        }
        body = parsed;
      }
    }

    const route = resolveRoute(ns, path);
    const resolveOp = (): Operation => {
      if (verb !== 'write') return verb;
      // contracts.md 1.1: create vs update is decided by the path's existence check; none -> update
      if (!route?.exists) return 'update';
      return route.exists() ? 'update' : 'create';
    };
    const query = url.searchParams;

    if (route?.unauthenticated) {
      const op = resolveOp();
      entry.operation = op;
      return route.handle({ ns, path, op, body, query });
    }

    const secret = tokenFrom(request);
    // contracts.md 1.1 table: bad or missing token -> 403. No token: permission
    // denied alone; an unknown or expired token adds `invalid token` (Vault
    // 1.17+, hashicorp/vault#25953; not in contracts.md).
    if (secret === undefined) return permissionDenied();
    const token = tokens.get(secret);
    if (!token) return invalidToken();
    if (token.expiresAt && token.expiresAt <= now()) {
      tokens.delete(token.token);
      return invalidToken();
    }
    const nsFromToken = relativeNamespace(token.namespace, ns.path);
    if (nsFromToken === undefined) return permissionDenied();

    const op = resolveOp();
    entry.operation = op;

    if (!token.root) {
      const rule = aclFor(token).ruleFor(
        `${nsFromToken}${path}`,
        op === 'list',
      );
      if (
        !rule ||
        rule.capabilities.has('deny') ||
        !rule.capabilities.has(op)
      ) {
        return permissionDenied();
      }
      // contracts.md 1.3 / 7.4: root-protected paths need sudo as well
      if (route?.rootProtected && !rule.capabilities.has('sudo'))
        return permissionDenied();
      // Vault's policies docs: parameter constraints (not for KV v2) on writes
      if (
        (op === 'create' || op === 'update' || op === 'patch') &&
        !route?.kvV2 &&
        !parametersAllowed(rule, body)
      ) {
        return permissionDenied();
      }
    }

    if (!route) {
      // a path under no mount, for a token allowed to ask
      const shown = ns.path === '' ? path : `${ns.path}/${path}`;
      return errors(
        404,
        `no handler for route ${JSON.stringify(shown)}. route entry not found.`,
      );
    }
    return route.handle({ ns, path, op, body, query, token });
  };

  const handler = http.all(`${base}/*`, async ({ request }) => {
    const entry: VaultRecordedRequest = {
      method: request.method.toUpperCase(),
      path: new URL(request.url).pathname,
      namespace: '',
      status: 0,
    };
    const reply = await process(request, entry);
    requests.push(entry);
    if (reply === 'reset') return HttpResponse.error();
    entry.status = reply.status;
    const headers = {
      'content-type': 'application/json',
      'cache-control': 'no-store',
    };
    if (reply.body === undefined) {
      // contracts.md 1.1: 204, empty body, Content-Type application/json
      return new HttpResponse(null, { status: reply.status, headers });
    }
    return HttpResponse.json(reply.body as Json, {
      status: reply.status,
      headers,
    });
  });

  const snapshotKv = (mount: SecretMount | undefined, path: string) => {
    const key = mount?.kv?.keys.get(path);
    if (!key) return undefined;
    return {
      currentVersion: key.currentVersion,
      oldestVersion: key.oldestVersion,
      casRequired: key.casRequired,
      maxVersions: key.maxVersions,
      customMetadata: key.customMetadata ? { ...key.customMetadata } : null,
      versions: [...key.versions.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([version, v]) => ({
          version,
          data: structuredClone(v.data),
          createdTime: v.createdTime,
          deletionTime: v.deletionTime,
          destroyed: v.destroyed,
        })),
    };
  };

  const kubernetesMount = (where?: { mount?: string; namespace?: string }) =>
    namespaceOf(where?.namespace).authMounts.get(
      mountKey(where?.mount ?? 'kubernetes'),
    );

  const state: VaultDoubleState = {
    get writeCount() {
      return writeCount;
    },
    get issuedTokenCount() {
      return issuedTokenCount;
    },
    policy: (name, namespace) =>
      namespaceOf(namespace).policies.get(name.toLowerCase()),
    policyNames: namespace =>
      [...namespaceOf(namespace).policies.keys()].sort(),
    kvKey: (mount, path, namespace) =>
      snapshotKv(namespaceOf(namespace).mounts.get(mountKey(mount)), path),
    kvKeys: (mount, namespace) =>
      [
        ...(namespaceOf(namespace)
          .mounts.get(mountKey(mount))
          ?.kv?.keys.keys() ?? []),
      ].sort(),
    kubernetesRole: (name, where) => {
      const role = kubernetesMount(where)?.roles.get(name.toLowerCase());
      if (!role) return undefined;
      const { legacy: _legacy, ...rest } = structuredClone(role);
      return rest;
    },
    kubernetesRoleNames: where =>
      [...(kubernetesMount(where)?.roles.keys() ?? [])].sort(),
    mounts: namespace =>
      [...namespaceOf(namespace).mounts.values()].map(m => ({
        path: m.path,
        type: m.type,
        ...(m.version ? { version: m.version } : {}),
      })),
    authMounts: namespace =>
      [...namespaceOf(namespace).authMounts.values()].map(m => ({
        path: m.path,
        type: m.type,
        accessor: m.accessor,
      })),
  };

  return {
    handlers: [handler],
    requests,
    faults: faultControls(faults),
    state,
  };
}
