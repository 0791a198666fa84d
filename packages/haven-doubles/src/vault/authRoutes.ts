import {
  envelope,
  errors,
  goTime,
  noContent,
  notFound,
  ok,
  permissionDenied,
  relativePath,
  unsupportedOperation,
  unsupportedPath,
  type HttpAuth,
  type JsonObject,
  type VaultReply,
} from './envelope';
import {
  DEFAULT_TOKEN_TTL,
  globListContains,
  InvalidInput,
  isPlainObject,
  parseDurationSeconds,
  parseStringList,
  sanitizePolicies,
  type Core,
  type Route,
} from './core';
import type {
  AuthMount,
  KubernetesRole,
  NamespaceState,
  TokenEntry,
} from './model';

function authBlock(token: TokenEntry): HttpAuth {
  // contracts.md 1.1 HTTPAuth fields; 1.6 login sample
  return {
    client_token: token.token,
    accessor: token.accessor,
    policies: token.policies,
    token_policies: token.policies,
    metadata: token.metadata,
    lease_duration: token.ttlSeconds,
    renewable: token.renewable,
    entity_id: token.identity?.entityId ?? '',
    token_type: 'service',
    orphan: true,
    mfa_requirement: null,
    num_uses: 0,
  };
}

/** `auth/token/lookup-self` and `auth/token/renew-self` (contracts.md 1.6). */
export function tokenRoute(core: Core, rest: string): Route {
  const base = { mountType: 'token' } as const;
  if (rest === 'lookup-self') {
    return {
      ...base,
      handle: ({ op, token }) => {
        if (op !== 'read' || !token) return unsupportedOperation();
        const now = core.now();
        const ttl = token.expiresAt
          ? Math.max(
              0,
              Math.round((token.expiresAt.getTime() - now.getTime()) / 1000),
            )
          : 0;
        return ok(
          {
            accessor: token.accessor,
            creation_time: Math.floor(token.issuedAt.getTime() / 1000),
            creation_ttl: token.ttlSeconds,
            display_name: token.displayName,
            entity_id: token.identity?.entityId ?? '',
            expire_time: token.expiresAt ? goTime(token.expiresAt) : null,
            explicit_max_ttl: 0,
            id: token.token,
            issue_time: goTime(token.issuedAt),
            meta: token.metadata,
            num_uses: 0,
            orphan: true,
            path: token.path,
            policies: token.policies,
            renewable: token.renewable,
            ttl,
            type: 'service',
          },
          'token',
        );
      },
    };
  }
  if (rest === 'renew-self') {
    return {
      ...base,
      handle: ({ op, token, body }) => {
        if ((op !== 'update' && op !== 'create') || !token)
          return unsupportedOperation();
        if (!token.renewable || token.root)
          return errors(400, 'lease is not renewable');
        let increment: number | undefined;
        try {
          increment =
            body.increment === undefined
              ? undefined
              : parseDurationSeconds(body.increment, 'increment');
        } catch (error) {
          if (error instanceof InvalidInput) return errors(400, error.message);
          throw error;
        }
        core.renewToken(token, increment);
        return {
          status: 200,
          body: envelope(null, { mountType: 'token', auth: authBlock(token) }),
        };
      },
    };
  }
  return { ...base, handle: () => unsupportedPath() };
}

/** Role names: `\w(([\w-.]+)?\w)?`, else 404 unsupported path (contracts.md 1.6, 1.8). */
const ROLE_NAME = /^\w(([\w.-]+)?\w)?$/;

function newRole(): KubernetesRole {
  return {
    boundServiceAccountNames: [],
    boundServiceAccountNamespaces: [],
    boundServiceAccountNamespaceSelector: '',
    audience: '',
    aliasNameSource: 'serviceaccount_uid',
    tokenPolicies: [],
    tokenTtl: 0,
    tokenMaxTtl: 0,
    tokenExplicitMaxTtl: 0,
    tokenPeriod: 0,
    tokenNumUses: 0,
    tokenNoDefaultPolicy: false,
    tokenBoundCidrs: [],
    tokenType: 'default',
    legacy: {},
  };
}

function roleData(role: KubernetesRole): JsonObject {
  // contracts.md 1.6: the real read `data` (pathRoleRead + tokenutil.PopulateTokenData)
  const data: JsonObject = {
    alias_name_source: role.aliasNameSource,
    bound_service_account_names: role.boundServiceAccountNames,
    bound_service_account_namespace_selector:
      role.boundServiceAccountNamespaceSelector,
    bound_service_account_namespaces: role.boundServiceAccountNamespaces,
    token_bound_cidrs: role.tokenBoundCidrs,
    token_explicit_max_ttl: role.tokenExplicitMaxTtl,
    token_max_ttl: role.tokenMaxTtl,
    token_no_default_policy: role.tokenNoDefaultPolicy,
    token_num_uses: role.tokenNumUses,
    token_period: role.tokenPeriod,
    token_policies: role.tokenPolicies,
    token_ttl: role.tokenTtl,
    token_type: role.tokenType,
  };
  // contracts.md 1.6: `audience` omitted when empty; legacy fields only if set
  if (role.audience !== '') data.audience = role.audience;
  if (role.legacy.policies) data.policies = role.tokenPolicies;
  if (role.legacy.ttl) data.ttl = role.tokenTtl;
  if (role.legacy.maxTtl) data.max_ttl = role.tokenMaxTtl;
  if (role.legacy.period) data.period = role.tokenPeriod;
  if (role.legacy.numUses) data.num_uses = role.tokenNumUses;
  if (role.legacy.boundCidrs) data.bound_cidrs = role.tokenBoundCidrs;
  return data;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}

/** `bound_service_account_namespace_selector`: the double reads its JSON form only (see report). */
function parseSelector(text: string): LabelSelector | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isPlainObject(parsed)) return undefined;
    const selector = parsed as LabelSelector;
    const operators = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
    if (selector.matchExpressions?.some(e => !operators.includes(e.operator)))
      return undefined;
    return selector;
  } catch {
    return undefined;
  }
}

function selectorMatches(
  selector: LabelSelector,
  labels: Record<string, string>,
): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Applies a role write body onto `role` (an existing role keeps what the body leaves out, as path_role.go does). */
function applyRoleBody(
  role: KubernetesRole,
  body: Record<string, unknown>,
  creating: boolean,
): string | undefined {
  const pick = (name: string, legacy?: string): [unknown, boolean] => {
    if (body[name] !== undefined) return [body[name], false];
    if (legacy && body[legacy] !== undefined) return [body[legacy], true];
    return [undefined, false];
  };
  try {
    const [policies, legacyPolicies] = pick('token_policies', 'policies');
    if (policies !== undefined) {
      role.tokenPolicies = sanitizePolicies(parseStringList(policies) ?? []);
      role.legacy.policies = legacyPolicies;
    }
    const ttls: Array<
      [
        keyof KubernetesRole,
        string,
        string | undefined,
        keyof KubernetesRole['legacy'] | undefined,
      ]
    > = [
      ['tokenTtl', 'token_ttl', 'ttl', 'ttl'],
      ['tokenMaxTtl', 'token_max_ttl', 'max_ttl', 'maxTtl'],
      ['tokenPeriod', 'token_period', 'period', 'period'],
      ['tokenExplicitMaxTtl', 'token_explicit_max_ttl', undefined, undefined],
    ];
    for (const [field, name, legacyName, legacyFlag] of ttls) {
      const [value, legacy] = pick(name, legacyName);
      if (value === undefined) continue;
      (role[field] as number) = parseDurationSeconds(
        value,
        legacy ? legacyName! : name,
      );
      if (legacyFlag) role.legacy[legacyFlag] = legacy;
    }
    const [numUses, legacyNumUses] = pick('token_num_uses', 'num_uses');
    if (numUses !== undefined) {
      role.tokenNumUses = Number(numUses) || 0;
      role.legacy.numUses = legacyNumUses;
    }
    const [cidrs, legacyCidrs] = pick('token_bound_cidrs', 'bound_cidrs');
    if (cidrs !== undefined) {
      role.tokenBoundCidrs = parseStringList(cidrs) ?? [];
      role.legacy.boundCidrs = legacyCidrs;
    }
  } catch (error) {
    if (error instanceof InvalidInput) return error.message;
    throw error;
  }
  if (body.token_no_default_policy !== undefined)
    role.tokenNoDefaultPolicy = Boolean(body.token_no_default_policy);
  if (typeof body.token_type === 'string') role.tokenType = body.token_type;
  if (role.tokenMaxTtl > 0 && role.tokenTtl > role.tokenMaxTtl) {
    return "'token_ttl' cannot be greater than 'token_max_ttl'"; // contracts.md 1.6
  }

  const names = parseStringList(body.bound_service_account_names);
  if (names !== undefined) role.boundServiceAccountNames = names;
  else if (creating) role.boundServiceAccountNames = [];
  if (role.boundServiceAccountNames.length === 0) {
    return '"bound_service_account_names" can not be empty'; // contracts.md 1.6
  }
  if (
    role.boundServiceAccountNames.length > 1 &&
    role.boundServiceAccountNames.includes('*')
  ) {
    return 'can not mix "*" with values'; // contracts.md 1.6
  }
  const namespaces = parseStringList(body.bound_service_account_namespaces);
  if (namespaces !== undefined) role.boundServiceAccountNamespaces = namespaces;
  if (body.bound_service_account_namespace_selector !== undefined) {
    role.boundServiceAccountNamespaceSelector = String(
      body.bound_service_account_namespace_selector,
    );
  }
  if (
    role.boundServiceAccountNamespaces.length === 0 &&
    role.boundServiceAccountNamespaceSelector === ''
  ) {
    // contracts.md 1.6
    return '"bound_service_account_namespaces" can not be empty if "bound_service_account_namespace_selector" is not set';
  }
  if (
    role.boundServiceAccountNamespaceSelector !== '' &&
    !parseSelector(role.boundServiceAccountNamespaceSelector)
  ) {
    return 'invalid "bound_service_account_namespace_selector" configured';
  }
  if (
    role.boundServiceAccountNamespaces.length > 1 &&
    role.boundServiceAccountNamespaces.includes('*')
  ) {
    return 'can not mix "*" with values'; // contracts.md 1.6
  }
  if (body.audience !== undefined) role.audience = String(body.audience);
  if (
    typeof body.alias_name_source === 'string' &&
    body.alias_name_source !== ''
  ) {
    if (
      !['serviceaccount_uid', 'serviceaccount_name'].includes(
        body.alias_name_source,
      )
    ) {
      return `invalid alias_name_source "${body.alias_name_source}"`;
    }
    role.aliasNameSource = body.alias_name_source;
  }
  return undefined;
}

function issueLoginToken(
  core: Core,
  ns: NamespaceState,
  mount: AuthMount,
  options: {
    policies: string[];
    noDefault: boolean;
    ttl: number;
    aliasName: string;
    aliasMetadata: Record<string, string>;
    metadata: Record<string, string>;
    displayName: string;
  },
): VaultReply {
  const policies = sanitizePolicies([
    ...options.policies,
    ...(options.noDefault ? [] : ['default']),
  ]);
  if (policies.includes('root')) {
    // Vault core (request_handling.go): a login may not mint a root token -> 400 (not in contracts.md)
    return errors(400, 'auth methods cannot create root tokens');
  }
  const token = core.issueToken({
    policies,
    namespace: ns.path,
    ttlSeconds: options.ttl || DEFAULT_TOKEN_TTL,
    renewable: true,
    identity: core.identityFor(
      mount.accessor,
      options.aliasName,
      options.aliasMetadata,
    ),
    metadata: options.metadata,
    displayName: options.displayName,
    path: `auth/${mount.path}login`,
  });
  // contracts.md 1.6: login -> 200, data null, the `auth` block; mount_type treated as opaque (open item 5)
  return {
    status: 200,
    body: envelope(null, { mountType: mount.type, auth: authBlock(token) }),
  };
}

/** Routes of a Kubernetes auth mount (contracts.md 1.6). */
export function kubernetesRoute(
  core: Core,
  ns: NamespaceState,
  mount: AuthMount,
  rest: string,
): Route {
  const base = { mountType: 'kubernetes' } as const;

  if (rest === 'role/' || rest === 'role') {
    return {
      ...base,
      handle: ({ op }) => {
        if (op !== 'list') return unsupportedOperation();
        // contracts.md 1.6: LIST -> keys; none -> 404 {"errors":[]}
        const keys = [...mount.roles.keys()].sort();
        return keys.length === 0 ? notFound() : ok({ keys }, 'kubernetes');
      },
    };
  }

  if (rest.startsWith('role/')) {
    const given = rest.slice('role/'.length);
    const name = given.toLowerCase(); // contracts.md 1.6: stored lower-cased
    return {
      ...base,
      exists: () => mount.roles.has(name),
      handle: ({ op, body }) => {
        if (!ROLE_NAME.test(given)) return unsupportedPath(); // contracts.md 1.6 / 1.8: incl. a trailing '.'
        if (given.includes('..')) return relativePath(); // contracts.md 1.8: `..` in a storage key
        if (op === 'read') {
          const role = mount.roles.get(name);
          return role ? ok(roleData(role), 'kubernetes') : notFound(); // contracts.md 1.6
        }
        if (op === 'delete') {
          if (mount.roles.delete(name)) core.markWrite();
          return noContent(); // contracts.md 1.6: delete -> 204
        }
        if (op === 'create' || op === 'update') {
          const existing = mount.roles.get(name);
          const role = existing ? structuredClone(existing) : newRole();
          const problem = applyRoleBody(role, body, !existing);
          if (problem) return errors(400, problem);
          mount.roles.set(name, role);
          core.markWrite();
          if (role.audience.trim() === '') {
            // contracts.md 1.6: without audience -> 200 with the plugin's warning
            return ok(null, 'kubernetes', [
              `Role ${given} does not have an audience configured. While audiences are not required, consider specifying one if your use case would benefit from additional JWT claim verification.`,
            ]);
          }
          return noContent(); // contracts.md 1.6: with audience -> 204
        }
        return unsupportedOperation();
      },
    };
  }

  if (rest === 'login') {
    return {
      ...base,
      unauthenticated: true,
      handle: ({ op, body }) => {
        if (op !== 'create' && op !== 'update') return unsupportedOperation();
        const roleName = typeof body.role === 'string' ? body.role : '';
        const jwt = typeof body.jwt === 'string' ? body.jwt : '';
        if (roleName === '') return errors(400, 'missing role'); // contracts.md 1.6
        if (jwt === '') return errors(400, 'missing jwt');
        const role = mount.roles.get(roleName.toLowerCase());
        if (!role) return errors(400, `invalid role name "${roleName}"`); // contracts.md 1.6
        const sa = core.kubernetesLogins.find(l => l.jwt === jwt);
        if (!sa) return permissionDenied(); // contracts.md 1.6: bad JWT -> 403
        if (
          role.audience !== '' &&
          !(sa.audiences ?? []).includes(role.audience)
        ) {
          return errors(
            403,
            'invalid audience (aud) claim: audience claim does not match any expected audience',
          );
        }
        if (
          !globListContains(
            role.boundServiceAccountNames,
            sa.serviceAccountName,
          )
        ) {
          return errors(403, 'service account name not authorized'); // contracts.md 1.6
        }
        const selector = role.boundServiceAccountNamespaceSelector
          ? parseSelector(role.boundServiceAccountNamespaceSelector)
          : undefined;
        const namespaceAllowed =
          globListContains(
            role.boundServiceAccountNamespaces,
            sa.serviceAccountNamespace,
          ) ||
          (selector !== undefined &&
            selectorMatches(selector, sa.namespaceLabels ?? {}));
        if (!namespaceAllowed) return errors(403, 'namespace not authorized'); // contracts.md 1.6
        const uid = sa.serviceAccountUid ?? '';
        const aliasMetadata = {
          service_account_name: sa.serviceAccountName,
          service_account_namespace: sa.serviceAccountNamespace,
          service_account_secret_name: '',
          service_account_uid: uid,
        };
        return issueLoginToken(core, ns, mount, {
          policies: role.tokenPolicies,
          noDefault: role.tokenNoDefaultPolicy,
          ttl: role.tokenTtl,
          aliasName:
            role.aliasNameSource === 'serviceaccount_name'
              ? `${sa.serviceAccountNamespace}/${sa.serviceAccountName}`
              : uid,
          aliasMetadata,
          metadata: { role: roleName.toLowerCase(), ...aliasMetadata },
          displayName: `${mount.path.replace(/\/$/, '')}-${
            sa.serviceAccountNamespace
          }-${sa.serviceAccountName}`,
        });
      },
    };
  }

  return { ...base, handle: () => unsupportedPath() };
}

/** `auth/:approle/login` (contracts.md 1.6 "AppRole login for Backstage"). */
export function appRoleRoute(
  core: Core,
  ns: NamespaceState,
  mount: AuthMount,
  rest: string,
): Route {
  const base = { mountType: 'approle' } as const;
  if (rest !== 'login') return { ...base, handle: () => unsupportedPath() };
  return {
    ...base,
    unauthenticated: true,
    handle: ({ op, body }) => {
      if (op !== 'create' && op !== 'update') return unsupportedOperation();
      if (typeof body.role_id !== 'string' || body.role_id === '')
        return errors(400, 'missing role_id');
      if (typeof body.secret_id !== 'string' || body.secret_id === '') {
        return errors(400, 'missing secret_id');
      }
      const role = mount.appRoles.find(r => r.roleId === body.role_id);
      if (!role || role.secretId !== body.secret_id)
        return errors(400, 'invalid role or secret ID');
      return issueLoginToken(core, ns, mount, {
        policies: role.policies,
        noDefault: false,
        ttl: role.ttlSeconds ?? 0,
        aliasName: role.roleId,
        aliasMetadata: { role_name: role.roleName },
        metadata: { role_name: role.roleName }, // contracts.md 1.6: metadata is {"role_name":"…"}
        displayName: mount.path.replace(/\/$/, ''),
      });
    },
  };
}
