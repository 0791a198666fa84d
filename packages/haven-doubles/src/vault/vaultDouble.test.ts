import { randomBytes } from 'node:crypto';
import { realSystemFromEnv, setupDoubleServer } from '../contractServer';
import { createVaultDouble, type VaultDoubleOptions } from './vaultDouble';
import { VAULT_FAULT_ERRORS } from './faults';

const DOUBLE_URL = 'http://vault.double.test';
const ROOT = 'test-root-token';

const real = realSystemFromEnv({
  urlVar: 'HAVEN_TEST_VAULT_ADDR',
  tokenVar: 'HAVEN_TEST_VAULT_TOKEN',
  suite: 'Vault contract against a real Vault/OpenBao',
});
const server = setupDoubleServer(real);

/** A JSON body seen loosely: every property is another such view. */
type Body = { readonly [key: string]: Body };

interface Answer {
  status: number;
  body: Body;
  text: string;
}

interface CallOptions {
  token?: string;
  bearer?: string;
  body?: unknown;
  namespace?: string;
}

async function call(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers['x-vault-token'] = options.token;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.namespace !== undefined)
    headers['x-vault-namespace'] = options.namespace;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}/v1/${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text || 'null') };
}

const ENVELOPE_KEYS = [
  'auth',
  'data',
  'lease_duration',
  'lease_id',
  'mount_type',
  'renewable',
  'request_id',
  'warnings',
  'wrap_info',
];
const PERMISSION_DENIED = {
  errors: ['1 error occurred:\n\t* permission denied\n\n'],
};

const targets = [
  ['the double', { url: DOUBLE_URL, token: ROOT }] as const,
  ...(real ? [['the real server', real] as const] : []),
];

describe.each(targets)('Vault HTTP contract on %s', (_name, target) => {
  // Names unique to this run, so a real server is not disturbed.
  const run = `haven-contract-${randomBytes(4).toString('hex')}`;
  const root = (method: string, path: string, options: CallOptions = {}) =>
    call(target.url, method, path, { token: target.token, ...options });

  beforeEach(() => {
    server.use(
      ...createVaultDouble({ baseUrl: DOUBLE_URL, rootToken: ROOT }).handlers,
    );
  });
  afterAll(async () => {
    if (target.url === DOUBLE_URL) return;
    await root('DELETE', `secret/metadata/${run}/orders`);
    await root('DELETE', `secret/metadata/${run}/deleted`);
    await root('DELETE', `sys/policies/acl/${run}-policy`);
    await root('DELETE', `auth/kubernetes/role/${run}-role`);
  });

  it('answers lookup-self with exactly the envelope keys, by X-Vault-Token or Bearer (contracts.md 1.1)', async () => {
    const viaHeader = await root('GET', 'auth/token/lookup-self');
    expect(viaHeader.status).toBe(200);
    expect(Object.keys(viaHeader.body).sort()).toEqual(ENVELOPE_KEYS);
    expect(viaHeader.body).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'token',
    });
    expect(viaHeader.body.data.policies).toContain('root');
    const viaBearer = await call(target.url, 'GET', 'auth/token/lookup-self', {
      bearer: target.token,
    });
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body.data.accessor).toBe(viaHeader.body.data.accessor);
  });

  it('refuses a request without a token with the multierror permission-denied body (contracts.md 1.1)', async () => {
    const res = await call(target.url, 'GET', 'secret/data/anything');
    expect(res.status).toBe(403);
    expect(res.body).toEqual(PERMISSION_DENIED);
  });

  it('refuses an unknown token with 403 and permission denied (contracts.md 1.1)', async () => {
    const res = await call(target.url, 'GET', 'auth/token/lookup-self', {
      token: 'hvs.not-a-token-this-server-issued',
    });
    expect(res.status).toBe(403);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0]).toContain('* permission denied');
  });

  it('answers a missing KV key with 404 {"errors":[]} (contracts.md 1.5)', async () => {
    const res = await root('GET', `secret/data/${run}/never-written`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [] });
  });

  it('creates with cas:0 once, then refuses a second cas:0 with 400 (contracts.md 1.5)', async () => {
    const path = `secret/data/${run}/orders`;
    const first = await root('POST', path, {
      body: { data: { DB_USER: 'orders' }, options: { cas: 0 } },
    });
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(ENVELOPE_KEYS);
    expect(first.body.mount_type).toBe('kv');
    expect(first.body.data).toEqual({
      created_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
      custom_metadata: null,
      deletion_time: '',
      destroyed: false,
      version: 1,
    });

    const again = await root('POST', path, {
      body: { data: { DB_USER: 'other' }, options: { cas: 0 } },
    });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      errors: ['check-and-set parameter did not match the current version'],
    });

    const second = await root('PUT', path, {
      body: {
        data: { DB_USER: 'orders', DB_PASSWORD: 'v2' },
        options: { cas: 1 },
      },
    });
    expect(second.status).toBe(200);
    expect(second.body.data.version).toBe(2);

    const meta = await root('GET', `secret/metadata/${run}/orders`);
    expect(meta.status).toBe(200);
    expect(meta.body.data).toMatchObject({
      current_version: 2,
      oldest_version: 0,
      cas_required: false,
      delete_version_after: '0s',
    });
    expect(Object.keys(meta.body.data.versions)).toEqual(['1', '2']);
    expect(meta.body.data.versions['1']).toMatchObject({
      deletion_time: '',
      destroyed: false,
    });

    const v1 = await root('GET', `${path}?version=1`);
    expect(v1.status).toBe(200);
    expect(v1.body.data.data).toEqual({ DB_USER: 'orders' });
    expect(v1.body.data.metadata.version).toBe(1);
  });

  it('answers a soft-deleted latest version with 404 and a full envelope (contracts.md 1.5)', async () => {
    const path = `secret/data/${run}/deleted`;
    await root('POST', path, { body: { data: { A: '1' } } });
    const del = await root('DELETE', path);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const res = await root('GET', path);
    expect(res.status).toBe(404);
    expect(Object.keys(res.body).sort()).toEqual(ENVELOPE_KEYS);
    expect(res.body.data.data).toBeNull();
    expect(res.body.data.metadata.deletion_time).not.toBe('');
  });

  it('lists by LIST and GET ?list=true alike; an empty list is 404 {"errors":[]} (contracts.md 1.1, 1.5)', async () => {
    await root('POST', `secret/data/${run}/orders`, {
      body: { data: { DB_USER: 'orders' } },
    });
    const verb = await root('LIST', `secret/metadata/${run}`);
    const query = await root('GET', `secret/metadata/${run}/?list=true`);
    expect(verb.status).toBe(200);
    expect(verb.body.data.keys).toContain('orders');
    expect(query.body.data.keys).toEqual(verb.body.data.keys);
    const empty = await root('LIST', `secret/metadata/${run}/nothing-here/`);
    expect(empty.status).toBe(404);
    expect(empty.body).toEqual({ errors: [] });
  });

  it('round-trips an ACL policy, lower-casing its name (contracts.md 1.4)', async () => {
    const policy = JSON.stringify({
      path: { [`secret/data/${run}/*`]: { capabilities: ['read'] } },
    });
    const put = await root(
      'PUT',
      `sys/policies/acl/${run.toUpperCase()}-Policy`,
      {
        body: { policy },
      },
    );
    expect(put.status).toBe(204);
    expect(put.text).toBe('');
    const read = await root('GET', `sys/policies/acl/${run}-policy`);
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual({ name: `${run}-policy`, policy });
    expect(read.body.mount_type).toBe('system');
    // contracts.md 1.1: no top-level copy for sys/policies/acl
    expect(read.body.name).toBeUndefined();
    const list = await root('LIST', 'sys/policies/acl');
    expect(list.body.data.keys).toEqual(
      expect.arrayContaining([`${run}-policy`, 'default', 'root']),
    );
    expect(
      (await root('DELETE', `sys/policies/acl/${run}-policy`)).status,
    ).toBe(204);
    const gone = await root('GET', `sys/policies/acl/${run}-policy`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ errors: [] });
  });

  it('refuses an empty policy and deleting the default policy (contracts.md 1.4)', async () => {
    const empty = await root('PUT', `sys/policies/acl/${run}-empty`, {
      body: { policy: '' },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0]).toContain(
      "'policy' parameter not supplied or empty",
    );
    const del = await root('DELETE', 'sys/policies/acl/default');
    expect(del.status).toBe(400);
    expect(del.body.errors[0]).toContain('cannot delete default policy');
  });

  it('lists secrets engines under data and at the top level (contracts.md 1.2)', async () => {
    const res = await root('GET', 'sys/mounts');
    expect(res.status).toBe(200);
    expect(res.body.data['secret/']).toMatchObject({
      type: 'kv',
      options: { version: '2' },
    });
    expect(res.body['secret/']).toEqual(res.body.data['secret/']);
    expect(res.body.data['sys/'].type).toBe('system');
    const one = await root('GET', 'sys/mounts/secret');
    expect(one.body.data).toMatchObject({
      type: 'kv',
      options: { version: '2' },
    });
    expect(one.body.type).toBe('kv');
  });

  it('round-trips a Kubernetes auth role when the mount exists (contracts.md 1.3, 1.6)', async () => {
    const auth = await root('GET', 'sys/auth');
    expect(auth.status).toBe(200);
    expect(auth.body['token/']).toEqual(auth.body.data['token/']);
    if (String(auth.body.data['kubernetes/']?.type) !== 'kubernetes') {
      // eslint-disable-next-line no-console
      console.warn(
        'SKIPPED: Kubernetes role round trip (no kubernetes/ auth mount on the server)',
      );
      return;
    }
    expect(auth.body.data['kubernetes/'].accessor).toMatch(/^auth_kubernetes_/);
    const role = `auth/kubernetes/role/${run}-role`;
    const withAudience = await root('POST', role, {
      body: {
        bound_service_account_names: ['orders'],
        bound_service_account_namespaces: 'team-a',
        audience: 'vault',
        token_policies: ['app-team-a-orders'],
        token_ttl: '1h',
        token_max_ttl: 14400,
      },
    });
    expect(withAudience.status).toBe(204);
    const read = await root('GET', role);
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({
      alias_name_source: 'serviceaccount_uid',
      audience: 'vault',
      bound_service_account_names: ['orders'],
      bound_service_account_namespaces: ['team-a'],
      token_policies: ['app-team-a-orders'],
      token_ttl: 3600,
      token_max_ttl: 14400,
      token_type: 'default',
    });
    expect(read.body.data.policies).toBeUndefined();
    const list = await root('GET', 'auth/kubernetes/role?list=true');
    expect(list.body.data.keys).toContain(`${run}-role`);
    expect((await root('DELETE', role)).status).toBe(204);
    expect((await root('GET', role)).body).toEqual({ errors: [] });
  });
});

describe('the Vault double', () => {
  const base = (options: Partial<VaultDoubleOptions> = {}) => {
    const double = createVaultDouble({
      baseUrl: DOUBLE_URL,
      rootToken: ROOT,
      ...options,
    });
    server.use(...double.handlers);
    return double;
  };
  const as =
    (token: string | undefined) =>
    (method: string, path: string, options: Omit<CallOptions, 'token'> = {}) =>
      call(DOUBLE_URL, method, path, { token, ...options });
  const root = as(ROOT);

  describe('ACL enforcement', () => {
    it('decides create vs update by existence: create-only writes new keys but not existing ones (contracts.md 1.1)', async () => {
      const double = base({
        tokens: [
          { token: 'creator', policies: ['create-only'] },
          { token: 'updater', policies: ['update-only'] },
        ],
        policies: [
          {
            name: 'create-only',
            policy: 'path "secret/data/*" { capabilities = ["create"] }',
          },
          {
            name: 'update-only',
            policy: 'path "secret/data/*" { capabilities = ["update"] }',
          },
        ],
      });
      const creator = as('creator');
      const updater = as('updater');
      const body = { data: { A: '1' } };
      expect((await updater('POST', 'secret/data/new', { body })).body).toEqual(
        PERMISSION_DENIED,
      );
      expect((await creator('POST', 'secret/data/new', { body })).status).toBe(
        200,
      );
      expect((await creator('PUT', 'secret/data/new', { body })).status).toBe(
        403,
      );
      expect((await updater('PUT', 'secret/data/new', { body })).status).toBe(
        200,
      );
      expect(double.requests.map(r => [r.operation, r.status])).toEqual([
        ['create', 403],
        ['create', 200],
        ['update', 403],
        ['update', 200],
      ]);
      expect(double.state.kvKey('secret', 'new')?.currentVersion).toBe(2);
    });

    it('treats a policy write as an update, since that path has no existence check', async () => {
      base({
        tokens: [{ token: 'writer', policies: ['policy-writer'] }],
        policies: [
          {
            name: 'policy-writer',
            policy: JSON.stringify({
              path: {
                'sys/policies/acl/app-*': { capabilities: ['create', 'read'] },
              },
            }),
          },
        ],
      });
      const res = await as('writer')('PUT', 'sys/policies/acl/app-x', {
        body: { policy: 'path "a" { capabilities = ["read"] }' },
      });
      expect(res.status).toBe(403);
    });

    it('applies deny over everything and the most specific rule (policies docs)', async () => {
      base({
        tokens: [{ token: 't', policies: ['broad', 'narrow'] }],
        kvSecrets: [
          { path: 'team-a/db', data: { P: 'x' } },
          { path: 'team-a/super', data: { P: 'y' } },
          { path: 'team-b/db', data: { P: 'z' } },
        ],
        policies: [
          {
            name: 'broad',
            policy: 'path "secret/data/*" { capabilities = ["read"] }',
          },
          {
            name: 'narrow',
            policy:
              'path "secret/data/team-a/super" { capabilities = ["deny"] }\npath "secret/data/team-b/*" { capabilities = ["list"] }',
          },
        ],
      });
      const t = as('t');
      expect((await t('GET', 'secret/data/team-a/db')).status).toBe(200);
      expect((await t('GET', 'secret/data/team-a/super')).status).toBe(403);
      // the more specific rule governs alone: it grants list, not read
      expect((await t('GET', 'secret/data/team-b/db')).status).toBe(403);
    });

    it('needs list on the trailing-slash path, or a rule without the slash, for LIST', async () => {
      base({
        tokens: [{ token: 't', policies: ['lister'] }],
        kvSecrets: [{ path: 'team-a/db', data: { P: 'x' } }],
        policies: [
          {
            name: 'lister',
            policy: 'path "secret/metadata/team-a" { capabilities = ["list"] }',
          },
        ],
      });
      const t = as('t');
      expect(
        (await t('LIST', 'secret/metadata/team-a')).body.data.keys,
      ).toEqual(['db']);
      expect((await t('LIST', 'secret/metadata/')).status).toBe(403);
      expect((await t('GET', 'secret/metadata/team-a')).status).toBe(403);
    });

    it('needs sudo for sys/auth/:path (contracts.md 1.3)', async () => {
      const double = base({
        tokens: [
          { token: 'plain', policies: ['auth-admin'] },
          { token: 'sudo', policies: ['auth-admin-sudo'] },
        ],
        policies: [
          {
            name: 'auth-admin',
            policy:
              'path "sys/auth/*" { capabilities = ["create", "update", "read"] }',
          },
          {
            name: 'auth-admin-sudo',
            policy:
              'path "sys/auth/*" { capabilities = ["create", "update", "read", "sudo"] }',
          },
        ],
      });
      const body = { type: 'approle' };
      expect(
        (await as('plain')('POST', 'sys/auth/approle', { body })).status,
      ).toBe(403);
      expect(
        (await as('sudo')('POST', 'sys/auth/approle', { body })).status,
      ).toBe(204);
      expect(
        double.state
          .authMounts()
          .map(m => m.path)
          .sort(),
      ).toEqual(['approle/', 'kubernetes/', 'token/']);
      const conflict = await as('sudo')('POST', 'sys/auth/kubernetes', {
        body: { type: 'kubernetes' },
      });
      expect(conflict.body).toEqual({
        errors: ['path is already in use at kubernetes/'],
      });
    });

    it('enforces allowed_parameters on role writes, element by element (contracts.md 7.4)', async () => {
      const double = base({
        tokens: [{ token: 'backstage', policies: ['role-writer'] }],
        policies: [
          {
            name: 'role-writer',
            policy: JSON.stringify({
              path: {
                'auth/kubernetes/role/app-*': {
                  capabilities: ['create', 'update', 'read'],
                  allowed_parameters: {
                    token_policies: ['app-*'],
                    bound_service_account_names: [],
                    bound_service_account_namespaces: [],
                    audience: ['vault'],
                  },
                },
              },
            }),
          },
        ],
      });
      const b = as('backstage');
      const role = {
        bound_service_account_names: ['orders'],
        bound_service_account_namespaces: ['team-a'],
        audience: 'vault',
        token_policies: ['app-team-a-orders'],
      };
      expect(
        (await b('POST', 'auth/kubernetes/role/app-orders', { body: role }))
          .status,
      ).toBe(204);
      const escalate = await b('POST', 'auth/kubernetes/role/app-orders', {
        body: { ...role, token_policies: ['app-team-a-orders', 'admin'] },
      });
      expect(escalate.body).toEqual(PERMISSION_DENIED);
      expect(
        (await b('POST', 'auth/kubernetes/role/admin', { body: role })).status,
      ).toBe(403);
      expect(double.state.kubernetesRole('app-orders')?.tokenPolicies).toEqual([
        'app-team-a-orders',
      ]);
    });

    it('renders an identity-templated policy for a Kubernetes login (contracts.md 7.4 option 1)', async () => {
      const accessor = 'auth_kubernetes_0a1b2c3d';
      const templated = `kv-apps/data/{{identity.entity.aliases.${accessor}.metadata.service_account_namespace}}/*`;
      base({
        kvMounts: ['kv-apps'],
        kubernetesAuthMounts: [{ path: 'kubernetes', accessor }],
        kvSecrets: [
          { mount: 'kv-apps', path: 'team-a/db', data: { P: 'a' } },
          { mount: 'kv-apps', path: 'team-b/db', data: { P: 'b' } },
        ],
        policies: [
          {
            name: 'apps',
            policy: JSON.stringify({
              path: { [templated]: { capabilities: ['read'] } },
            }),
          },
        ],
        kubernetesLogins: [
          {
            jwt: 'jwt-team-a',
            serviceAccountName: 'orders',
            serviceAccountNamespace: 'team-a',
            serviceAccountUid: 'aa9aa8ff-98d0-11e7-9bb7-0800276d99bf',
            audiences: ['vault'],
          },
        ],
      });
      await root('POST', 'auth/kubernetes/role/apps', {
        body: {
          bound_service_account_names: '*',
          bound_service_account_namespaces: 'team-*',
          audience: 'vault',
          token_policies: 'apps',
        },
      });
      const login = await call(DOUBLE_URL, 'POST', 'auth/kubernetes/login', {
        body: { role: 'apps', jwt: 'jwt-team-a' },
      });
      expect(login.status).toBe(200);
      expect(login.body.data).toBeNull();
      expect(login.body.auth).toMatchObject({
        policies: ['apps', 'default'],
        token_policies: ['apps', 'default'],
        metadata: {
          role: 'apps',
          service_account_name: 'orders',
          service_account_namespace: 'team-a',
          service_account_secret_name: '',
          service_account_uid: 'aa9aa8ff-98d0-11e7-9bb7-0800276d99bf',
        },
        lease_duration: 2764800,
        renewable: true,
        token_type: 'service',
        orphan: true,
        mfa_requirement: null,
        num_uses: 0,
      });
      const app = as(String(login.body.auth.client_token));
      expect(
        (await app('GET', 'kv-apps/data/team-a/db')).body.data.data,
      ).toEqual({ P: 'a' });
      expect((await app('GET', 'kv-apps/data/team-b/db')).status).toBe(403);
    });
  });

  describe('logins and tokens', () => {
    const k8s = {
      kubernetesLogins: [
        {
          jwt: 'jwt-orders',
          serviceAccountName: 'orders',
          serviceAccountNamespace: 'team-a',
          audiences: ['vault'],
        },
        {
          jwt: 'jwt-legacy',
          serviceAccountName: 'orders',
          serviceAccountNamespace: 'team-a',
        },
      ],
    };
    const role = (extra: Record<string, unknown> = {}) =>
      root('POST', 'auth/kubernetes/role/orders', {
        body: {
          bound_service_account_names: ['orders'],
          bound_service_account_namespaces: ['team-a'],
          audience: 'vault',
          token_policies: ['app-team-a-orders'],
          token_ttl: '1h',
          ...extra,
        },
      });
    const login = (body: Record<string, unknown>) =>
      call(DOUBLE_URL, 'POST', 'auth/kubernetes/login', { body });

    it.each([
      [{ jwt: 'jwt-orders' }, 400, 'missing role'],
      [{ role: 'orders' }, 400, 'missing jwt'],
      [{ role: 'nope', jwt: 'jwt-orders' }, 400, 'invalid role name "nope"'],
      [
        { role: 'orders', jwt: 'forged' },
        403,
        '1 error occurred:\n\t* permission denied\n\n',
      ],
      [
        { role: 'orders', jwt: 'jwt-legacy' },
        403,
        'invalid audience (aud) claim: audience claim does not match any expected audience',
      ],
    ])(
      'refuses login %j with %i (contracts.md 1.6)',
      async (body, status, message) => {
        base(k8s);
        await role();
        const res = await login(body);
        expect(res.status).toBe(status);
        expect(res.body).toEqual({ errors: [message] });
      },
    );

    it('refuses a service account or namespace the role does not bind (contracts.md 1.6)', async () => {
      base(k8s);
      await role({ bound_service_account_names: ['payments'] });
      expect((await login({ role: 'orders', jwt: 'jwt-orders' })).body).toEqual(
        {
          errors: ['service account name not authorized'],
        },
      );
      await role({ bound_service_account_namespaces: ['team-b'] });
      expect((await login({ role: 'orders', jwt: 'jwt-orders' })).body).toEqual(
        {
          errors: ['namespace not authorized'],
        },
      );
    });

    it('issues a token that looks itself up, renews, and expires with the clock', async () => {
      let clock = new Date('2026-08-22T10:00:00Z');
      const double = base({ ...k8s, now: () => clock });
      await role();
      const res = await login({ role: 'orders', jwt: 'jwt-orders' });
      expect(res.body.auth.lease_duration).toBe(3600);
      expect(res.body.auth.client_token).toMatch(/^hvs\./);
      const token = String(res.body.auth.client_token);
      const self = await as(token)('GET', 'auth/token/lookup-self');
      expect(self.body.data).toMatchObject({
        policies: ['app-team-a-orders', 'default'],
        ttl: 3600,
        expire_time: '2026-08-22T11:00:00Z',
        renewable: true,
        path: 'auth/kubernetes/login',
        meta: { role: 'orders', service_account_name: 'orders' },
      });
      clock = new Date('2026-08-22T10:50:00Z');
      const renewed = await as(token)('POST', 'auth/token/renew-self', {
        body: { increment: '30m' },
      });
      expect(renewed.status).toBe(200);
      expect(renewed.body.auth).toMatchObject({
        client_token: token,
        lease_duration: 1800,
      });
      clock = new Date('2026-08-22T11:10:00Z');
      expect((await as(token)('GET', 'auth/token/lookup-self')).status).toBe(
        200,
      );
      clock = new Date('2026-08-22T11:20:01Z');
      const expired = await as(token)('GET', 'auth/token/lookup-self');
      expect(expired.body).toEqual({
        errors: [
          '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n',
        ],
      });
      expect(double.state.issuedTokenCount).toBe(1);
    });

    it('refuses to renew the root token', async () => {
      base();
      const res = await root('POST', 'auth/token/renew-self');
      expect(res.body).toEqual({ errors: ['lease is not renewable'] });
    });

    it('refuses a login whose role carries the root policy, as Vault core does', async () => {
      const double = base({
        appRole: {
          roles: [
            {
              roleName: 'r',
              roleId: 'id',
              secretId: 'sid',
              policies: ['root'],
            },
          ],
        },
      });
      const res = await call(DOUBLE_URL, 'POST', 'auth/approle/login', {
        body: { role_id: 'id', secret_id: 'sid' },
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errors: ['auth methods cannot create root tokens'],
      });
      expect(double.state.issuedTokenCount).toBe(0);
    });

    it('logs in with AppRole', async () => {
      base({
        appRole: {
          roles: [
            {
              roleName: 'backstage',
              roleId: 'role-id-1',
              secretId: 'secret-id-1',
              policies: ['backstage-provisioner'],
              ttlSeconds: 600,
            },
          ],
        },
      });
      const ok = await call(DOUBLE_URL, 'POST', 'auth/approle/login', {
        body: { role_id: 'role-id-1', secret_id: 'secret-id-1' },
      });
      expect(ok.status).toBe(200);
      expect(ok.body.auth).toMatchObject({
        policies: ['backstage-provisioner', 'default'],
        metadata: { role_name: 'backstage' },
        lease_duration: 600,
      });
      const bad = await call(DOUBLE_URL, 'POST', 'auth/approle/login', {
        body: { role_id: 'role-id-1', secret_id: 'wrong' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ errors: ['invalid role or secret ID'] });
    });
  });

  describe('Kubernetes auth roles', () => {
    it('answers 200 with the plugin warning when no audience is set (contracts.md 1.6)', async () => {
      base();
      const res = await root('POST', 'auth/kubernetes/role/orders', {
        body: {
          bound_service_account_names: 'orders',
          bound_service_account_namespaces: 'team-a',
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        data: null,
        mount_type: 'kubernetes',
        warnings: [
          'Role orders does not have an audience configured. While audiences are not required, consider specifying one if your use case would benefit from additional JWT claim verification.',
        ],
      });
      const read = await root('GET', 'auth/kubernetes/role/orders');
      expect('audience' in read.body.data).toBe(false);
    });

    it.each([
      [
        { bound_service_account_namespaces: ['a'] },
        '"bound_service_account_names" can not be empty',
      ],
      [
        {
          bound_service_account_names: ['*', 'x'],
          bound_service_account_namespaces: ['a'],
        },
        'can not mix "*" with values',
      ],
      [
        { bound_service_account_names: ['x'] },
        '"bound_service_account_namespaces" can not be empty if "bound_service_account_namespace_selector" is not set',
      ],
      [
        {
          bound_service_account_names: ['x'],
          bound_service_account_namespaces: ['a'],
          token_ttl: '5h',
          token_max_ttl: '4h',
        },
        "'token_ttl' cannot be greater than 'token_max_ttl'",
      ],
    ])('refuses %j with 400 (contracts.md 1.6)', async (body, message) => {
      base();
      const res = await root('POST', 'auth/kubernetes/role/r', { body });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [message] });
    });

    it('keeps fields an update leaves out, stores names lower-cased, shows legacy fields only when used', async () => {
      const double = base();
      await root('POST', 'auth/kubernetes/role/Orders', {
        body: {
          bound_service_account_names: 'orders',
          bound_service_account_namespaces: 'team-a',
          audience: 'vault',
          policies: 'Legacy-Policy',
          ttl: 60,
        },
      });
      await root('POST', 'auth/kubernetes/role/orders', {
        body: { token_max_ttl: '2h' },
      });
      const read = await root('GET', 'auth/kubernetes/role/ORDERS');
      expect(read.body.data).toMatchObject({
        bound_service_account_names: ['orders'],
        token_policies: ['legacy-policy'],
        policies: ['legacy-policy'],
        token_ttl: 60,
        ttl: 60,
        token_max_ttl: 7200,
      });
      expect(read.body.data.max_ttl).toBeUndefined();
      expect(double.state.kubernetesRoleNames()).toEqual(['orders']);
    });

    it('answers 404 unsupported path for a role name ending in "." (contracts.md 1.6, 1.8)', async () => {
      base();
      const res = await root('GET', 'auth/kubernetes/role/orders.');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        errors: ['1 error occurred:\n\t* unsupported path\n\n'],
      });
      expect((await root('LIST', 'auth/kubernetes/role')).body).toEqual({
        errors: [],
      });
    });
  });

  describe('KV v2', () => {
    it.each([
      [{ DB_USER: 'flat' }, 'no data provided'],
      [
        { data: { A: '1' }, options: { cas: 'x' } },
        'error parsing check-and-set parameter',
      ],
    ])('refuses %j with 400 (contracts.md 1.5)', async (body, message) => {
      base();
      const res = await root('POST', 'secret/data/x', { body });
      expect(res.body).toEqual({ errors: [message] });
    });

    it('requires cas when the mount says so (contracts.md 1.5)', async () => {
      base();
      expect(
        (await root('POST', 'secret/config', { body: { cas_required: true } }))
          .status,
      ).toBe(204);
      expect((await root('GET', 'secret/config')).body.data).toEqual({
        cas_required: true,
        delete_version_after: '0s',
        max_versions: 0,
      });
      const res = await root('POST', 'secret/data/x', {
        body: { data: { A: '1' } },
      });
      expect(res.body).toEqual({
        errors: ['check-and-set parameter required for this call'],
      });
    });

    it('keeps max_versions versions and moves oldest_version (contracts.md 1.5)', async () => {
      const double = base();
      await root('POST', 'secret/metadata/x', { body: { max_versions: 2 } });
      for (let i = 1; i <= 4; i += 1) {
        await root('POST', 'secret/data/x', { body: { data: { n: i } } });
      }
      const meta = await root('GET', 'secret/metadata/x');
      expect(meta.body.data).toMatchObject({
        current_version: 4,
        oldest_version: 3,
        max_versions: 2,
      });
      expect(Object.keys(meta.body.data.versions)).toEqual(['3', '4']);
      expect((await root('GET', 'secret/data/x?version=1')).body).toEqual({
        errors: [],
      });
      expect(
        double.state.kvKey('secret', 'x')?.versions.map(v => v.data),
      ).toEqual([{ n: 3 }, { n: 4 }]);
    });

    it('lists folders with a trailing slash', async () => {
      base({
        kvSecrets: [
          { path: 'team-a/orders', data: {} },
          { path: 'team-a/payments/db', data: {} },
          { path: 'team-b/x', data: {} },
        ],
      });
      expect((await root('LIST', 'secret/metadata/')).body.data.keys).toEqual([
        'team-a/',
        'team-b/',
      ]);
      expect(
        (await root('LIST', 'secret/metadata/team-a')).body.data.keys,
      ).toEqual(['orders', 'payments/']);
    });

    it('deletes, undeletes and destroys versions', async () => {
      base({ kvSecrets: [{ path: 'x', data: { A: '1' } }] });
      await root('POST', 'secret/delete/x', { body: { versions: [1] } });
      expect((await root('GET', 'secret/data/x')).status).toBe(404);
      await root('POST', 'secret/undelete/x', { body: { versions: [1] } });
      expect((await root('GET', 'secret/data/x')).body.data.data).toEqual({
        A: '1',
      });
      await root('POST', 'secret/destroy/x', { body: { versions: [1] } });
      const destroyed = await root('GET', 'secret/data/x');
      expect(destroyed.status).toBe(404);
      expect(destroyed.body.data.metadata.destroyed).toBe(true);
    });
  });

  describe('secrets engines', () => {
    it('enables KV v2 with 204 and refuses conflicts as Vault words them (contracts.md 1.2)', async () => {
      const double = base();
      expect(
        (await root('POST', 'sys/mounts/kv-apps', { body: { type: 'kv-v2' } }))
          .status,
      ).toBe(204);
      expect(
        (
          await root('POST', 'sys/mounts/kv-apps', {
            body: { type: 'kv', options: { version: '2' } },
          })
        ).body,
      ).toEqual({
        errors: ['path is already in use at kv-apps/'],
      });
      expect(
        (
          await root('POST', 'sys/mounts/kv-apps/sub', {
            body: { type: 'kv-v2' },
          })
        ).body,
      ).toEqual({
        errors: ['existing mount at kv-apps/'],
      });
      expect(
        (
          await root('POST', 'sys/mounts/x', {
            body: { type: 'transit', options: { version: '2' } },
          })
        ).body,
      ).toEqual({
        errors: ['secrets engine "transit" does not allow setting a version'],
      });
      expect(double.state.mounts().find(m => m.path === 'kv-apps/')).toEqual({
        path: 'kv-apps/',
        type: 'kv',
        version: '2',
      });
    });

    it('reads a mount by longest prefix, and a missing one as 400 (contracts.md 1.2)', async () => {
      base();
      expect(
        (await root('GET', 'sys/mounts/secret/some/key')).body.data.type,
      ).toBe('kv');
      expect((await root('GET', 'sys/mounts/nope')).body).toEqual({
        errors: ['No secret engine mount at nope/'],
      });
      const tune = await root('GET', 'sys/mounts/secret/tune');
      expect(tune.body.data).toMatchObject({
        default_lease_ttl: 2764800,
        options: { version: '2' },
      });
    });

    it('answers a path under no mount with 404 for root and 403 for others', async () => {
      base({ tokens: [{ token: 't', policies: [] }] });
      expect((await root('GET', 'nowhere/x')).body).toEqual({
        errors: ['no handler for route "nowhere/x". route entry not found.'],
      });
      expect((await as('t')('GET', 'nowhere/x')).status).toBe(403);
    });
  });

  describe('policies', () => {
    it('base64-decodes a policy that decodes as base64 (contracts.md 1.4)', async () => {
      const double = base();
      const text = 'path "secret/*" { capabilities = ["read"] }';
      await root('PUT', 'sys/policies/acl/b64', {
        body: { policy: Buffer.from(text).toString('base64') },
      });
      expect(double.state.policy('b64')).toBe(text);
    });

    it.each([
      ['foo..bar', 'failed to read policy: relative paths not supported'],
      ['root', 'cannot update "root" policy'],
    ])('refuses to write %s', async (name, message) => {
      base();
      const res = await root('PUT', `sys/policies/acl/${name}`, {
        body: { policy: 'path "a" { capabilities = ["read"] }' },
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [message] });
    });

    it('refuses a policy it cannot parse with 400 "failed to parse policy" (contracts.md 1.4)', async () => {
      const double = base();
      const res = await root('PUT', 'sys/policies/acl/bad', {
        body: { policy: 'path "a" { capabilities = ["read"] }\nfoo = "x"' },
      });
      expect(res.body).toEqual({
        errors: ['failed to parse policy: invalid key "foo" on line 2'],
      });
      expect(double.state.policyNames()).toEqual(['default']);
      expect(double.state.writeCount).toBe(0);
    });
  });

  describe('namespaces', () => {
    it('refuses X-Vault-Namespace without the namespaces feature (contracts.md 1.1)', async () => {
      base();
      const res = await root('GET', 'secret/data/x', { namespace: 'team-a' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ errors: ['namespaces feature not enabled'] });
      expect((await root('GET', 'sys/mounts', { namespace: '' })).status).toBe(
        200,
      );
    });

    it('scopes policies, mounts and data per namespace; header and path prefix are the same (contracts.md 1.1)', async () => {
      const double = base({
        namespaces: ['team-a', 'team-a/dev'],
        kvMounts: ['secret', { path: 'secret', namespace: 'team-a/dev' }],
      });
      const text = 'path "secret/data/*" { capabilities = ["read"] }';
      await root('PUT', 'sys/policies/acl/reader', {
        namespace: 'team-a',
        body: { policy: text },
      });
      expect(double.state.policy('reader', 'team-a')).toBe(text);
      expect(double.state.policy('reader')).toBeUndefined();
      expect(
        (await root('LIST', 'sys/policies/acl', { namespace: 'team-a/' })).body
          .data.keys,
      ).toEqual(['default', 'reader']);

      await root('POST', 'secret/data/db', {
        namespace: 'team-a/dev',
        body: { data: { A: 'dev' } },
      });
      const viaPrefix = await root('GET', 'team-a/dev/secret/data/db');
      const viaSplit = await root('GET', 'dev/secret/data/db', {
        namespace: 'team-a',
      });
      expect(viaPrefix.body.data.data).toEqual({ A: 'dev' });
      expect(viaSplit.body.data.data).toEqual({ A: 'dev' });
      expect((await root('GET', 'secret/data/db')).status).toBe(404);
      expect(double.requests.slice(-3).map(r => r.namespace)).toEqual([
        'team-a/dev',
        'team-a/dev',
        '',
      ]);
    });

    it('confines a namespace token to its namespace and below, its policies read relative to it', async () => {
      base({
        namespaces: ['team-a', 'team-a/dev', 'team-b'],
        kvMounts: [
          { path: 'secret', namespace: 'team-a/dev' },
          { path: 'secret', namespace: 'team-b' },
        ],
        tokens: [
          { token: 'a-token', namespace: 'team-a', policies: ['dev-reader'] },
        ],
        policies: [
          {
            name: 'dev-reader',
            namespace: 'team-a',
            policy: 'path "dev/secret/data/*" { capabilities = ["read"] }',
          },
        ],
        kvSecrets: [
          { path: 'db', namespace: 'team-a/dev', data: { A: '1' } },
          { path: 'db', namespace: 'team-b', data: { B: '1' } },
        ],
      });
      const t = as('a-token');
      expect(
        (await t('GET', 'secret/data/db', { namespace: 'team-a/dev' })).status,
      ).toBe(200);
      expect(
        (await t('GET', 'secret/data/db', { namespace: 'team-b' })).status,
      ).toBe(403);
      expect((await t('GET', 'team-b/secret/data/db')).status).toBe(403);
    });
  });

  describe('path rules', () => {
    it.each([
      ['secret/data/a%2F..%2Fb', 400],
      ['secret/data/a%2F.%2Fb', 400],
      ['secret//data/a', 400],
    ])(
      'refuses the non-canonical path %s (contracts.md 1.8, 7.2)',
      async (path, status) => {
        base();
        const res = await root('GET', path);
        expect(res.status).toBe(status);
        expect(res.body).toEqual({
          errors: ['invalid request path: not canonical'],
        });
      },
    );

    it('refuses `..` inside a key and writes to a path ending in "/" (contracts.md 1.8)', async () => {
      base();
      expect(
        (await root('POST', 'secret/data/foo..bar', { body: { data: {} } }))
          .body,
      ).toEqual({
        errors: ['1 error occurred:\n\t* relative paths not supported\n\n'],
      });
      expect(
        (await root('POST', 'secret/data/team-a/', { body: { data: {} } }))
          .body,
      ).toEqual({
        errors: ["cannot write to a path ending in '/'"],
      });
    });
  });

  describe('faults', () => {
    it('answers 503 sealed for the matched route only, then heals after `times` (contracts.md 1.7)', async () => {
      const double = base({ kvSecrets: [{ path: 'x', data: { A: '1' } }] });
      double.faults.inject({
        method: 'GET',
        path: 'secret/data/*',
        status: 503,
        times: 2,
      });
      expect((await root('GET', 'secret/data/x')).body).toEqual({
        errors: ['Vault is sealed'],
      });
      expect((await root('GET', 'secret/metadata/x')).status).toBe(200);
      expect((await root('GET', 'secret/data/x')).status).toBe(503);
      expect((await root('GET', 'secret/data/x')).status).toBe(200);
      expect(double.faults.active()).toEqual([]);
    });

    it('answers 429 and 500 with Vault’s bodies, or a given body', async () => {
      const double = base();
      double.faults.inject({ method: 'LIST', status: 429 });
      double.faults.inject({ method: 'POST', path: /^secret\//, status: 500 });
      double.faults.inject({
        method: 'GET',
        path: 'sys/mounts',
        status: 400,
        errors: [VAULT_FAULT_ERRORS.kvUpgrading],
      });
      expect((await root('GET', 'secret/metadata/?list=true')).body).toEqual({
        errors: ['request path "secret/metadata/": rate limit quota exceeded'],
      });
      expect(
        (await root('PUT', 'secret/data/x', { body: { data: {} } })).body,
      ).toEqual({
        errors: ['local node not active but active cluster node not found'],
      });
      expect((await root('GET', 'sys/mounts')).body.errors[0]).toMatch(
        /^Upgrading from non-versioned/,
      );
      double.faults.clear();
      expect((await root('GET', 'sys/mounts')).status).toBe(200);
    });

    it('drops the connection, and adds latency', async () => {
      const double = base();
      const remove = double.faults.inject({
        path: 'auth/token/lookup-self',
        reset: true,
      });
      await expect(root('GET', 'auth/token/lookup-self')).rejects.toThrow();
      remove();
      double.faults.inject({ latencyMs: 120, times: 1 });
      const started = Date.now();
      expect((await root('GET', 'auth/token/lookup-self')).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      expect(double.requests.map(r => r.status)).toEqual([0, 200]);
    });
    it('applies two faults on one route in turn, each using up its own `times`', async () => {
      const double = base();
      double.faults.inject({
        method: 'GET',
        path: 'sys/mounts',
        status: 503,
        times: 1,
      });
      double.faults.inject({
        method: 'GET',
        path: 'sys/mounts',
        status: 429,
        times: 1,
      });
      for (let i = 0; i < 3; i += 1) await root('GET', 'sys/mounts');
      expect(double.requests.map(r => r.status)).toEqual([503, 429, 200]);
    });
  });

  describe('the request log', () => {
    it('holds method, path, namespace, status and operation, and no token or secret', async () => {
      const double = base({
        tokens: [{ token: 'hvs.some-app-token', policies: [] }],
      });
      expect(double.requests).toEqual([]);
      await root('POST', 'secret/data/team-a/db', {
        body: { data: { DB_PASSWORD: 's3cr3t-value' } },
      });
      await root('GET', 'secret/data/team-a/db');
      await call(DOUBLE_URL, 'GET', 'secret/data/team-a/db', {
        bearer: 'hvs.some-app-token',
      });
      expect(double.requests).toEqual([
        {
          method: 'POST',
          path: '/v1/secret/data/team-a/db',
          namespace: '',
          status: 200,
          operation: 'create',
        },
        {
          method: 'GET',
          path: '/v1/secret/data/team-a/db',
          namespace: '',
          status: 200,
          operation: 'read',
        },
        {
          method: 'GET',
          path: '/v1/secret/data/team-a/db',
          namespace: '',
          status: 403,
          operation: 'read',
        },
      ]);
      const logged = JSON.stringify(double.requests);
      for (const secret of [
        's3cr3t-value',
        ROOT,
        'hvs.some-app-token',
        'DB_PASSWORD',
      ]) {
        expect(logged).not.toContain(secret);
      }
      expect(double.state.writeCount).toBe(1);
    });
  });
});
