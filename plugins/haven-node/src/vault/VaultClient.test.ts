import { http, HttpResponse } from 'msw';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  createVaultDouble,
  setupDoubleServer,
  type VaultDoubleOptions,
} from '@haven-plus/haven-doubles';
import { VaultClient, type VaultClientOptions } from './VaultClient';
import { VaultCasMismatchError, VaultUnavailableError } from './errors';

const VAULT = 'https://vault.double.test';
const ROOT = 'root-token';

const OPS = {
  name: 'ops',
  policy: 'path "sys/mounts" { capabilities = ["read"] }',
};

const server = setupDoubleServer();

function vault(options: Partial<VaultDoubleOptions> = {}) {
  const double = createVaultDouble({
    baseUrl: VAULT,
    rootToken: ROOT,
    kvMounts: ['kv-apps'],
    ...options,
  });
  server.use(...double.handlers);
  return double;
}

const client = (options: Partial<VaultClientOptions> = {}) =>
  new VaultClient({
    address: VAULT,
    auth: { method: 'token', token: ROOT },
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    timeoutMs: 500,
    ...options,
  });

describe('VaultClient', () => {
  it('reads mounts, auth mounts and the token, as typed values', async () => {
    vault({
      kubernetesAuthMounts: [
        { path: 'kubernetes', accessor: 'auth_kubernetes_9' },
      ],
    });
    const c = client();
    expect(await c.listMounts()).toEqual(
      expect.arrayContaining([
        {
          path: 'kv-apps',
          type: 'kv',
          accessor: expect.any(String),
          version: '2',
        },
      ]),
    );
    expect(await c.listAuthMounts()).toEqual(
      expect.arrayContaining([
        {
          path: 'kubernetes',
          type: 'kubernetes',
          accessor: 'auth_kubernetes_9',
          version: undefined,
        },
      ]),
    );
    expect((await c.lookupSelf()).policies).toContain('root');
  });

  it('seeds a KV key once with cas 0, and reports the conflict on a second seed', async () => {
    const double = vault();
    const c = client();
    expect(await c.readKvMetadata('kv-apps', 'apps/a/b')).toBeUndefined();
    expect(
      await c.writeKv('kv-apps', 'apps/a/b', { value: 'v1' }, { cas: 0 }),
    ).toBe(1);
    await expect(
      c.writeKv('kv-apps', 'apps/a/b', { value: 'v2' }, { cas: 0 }),
    ).rejects.toBeInstanceOf(VaultCasMismatchError);
    const meta = await c.readKvMetadata('kv-apps', 'apps/a/b');
    expect(meta).toMatchObject({
      currentVersion: 1,
      versions: { '1': { destroyed: false, deletionTime: '' } },
    });
    expect(
      double.state.kvKey('kv-apps', 'apps/a/b')?.versions.map(v => v.data),
    ).toEqual([{ value: 'v1' }]);
  });

  it('round-trips policies and Kubernetes roles', async () => {
    vault({ kubernetesAuthMounts: ['kubernetes'] });
    const c = client();
    expect(await c.readPolicy('app-x')).toBeUndefined();
    await c.writePolicy(
      'app-x',
      '{"path":{"kv-apps/data/x/*":{"capabilities":["read"]}}}',
    );
    expect(JSON.parse((await c.readPolicy('app-x'))!)).toEqual({
      path: { 'kv-apps/data/x/*': { capabilities: ['read'] } },
    });
    const role = {
      boundServiceAccountNames: ['orders'],
      boundServiceAccountNamespaces: ['shop'],
      audience: 'vault',
      tokenPolicies: ['app-x'],
      tokenTtl: 3600,
      tokenMaxTtl: 14400,
    };
    await c.writeKubernetesRole('kubernetes', 'haven-shop-orders', role);
    expect(
      await c.readKubernetesRole('kubernetes', 'haven-shop-orders'),
    ).toEqual(role);
    // Without an audience Vault answers 200 with a warning instead of 204: both are success.
    await c.writeKubernetesRole('kubernetes', 'no-audience', {
      ...role,
      audience: undefined,
    });
    expect(
      (await c.readKubernetesRole('kubernetes', 'no-audience'))?.audience,
    ).toBeUndefined();
  });

  it('deletes a policy, a role and a KV key with all its versions; deleting again is a no-op', async () => {
    const double = vault({
      kubernetesAuthMounts: ['kubernetes'],
      policies: [{ name: 'haven-app-shop.orders', policy: OPS.policy }],
      kvSecrets: [
        { mount: 'kv-apps', path: 'apps/shop/orders/a', data: { value: 'x' } },
      ],
    });
    const c = client();
    await c.writeKubernetesRole('kubernetes', 'haven-shop.orders', {
      boundServiceAccountNames: ['orders'],
      boundServiceAccountNamespaces: ['shop'],
      audience: 'vault',
      tokenPolicies: ['haven-app-shop.orders'],
      tokenTtl: 3600,
      tokenMaxTtl: 14400,
    });
    const before = double.state.writeCount;
    await c.deletePolicy('haven-app-shop.orders');
    await c.deleteKubernetesRole('kubernetes', 'haven-shop.orders');
    await c.deleteKvMetadata('kv-apps', 'apps/shop/orders/a');
    expect(double.state.writeCount - before).toBe(3);
    expect(await c.readPolicy('haven-app-shop.orders')).toBeUndefined();
    expect(
      await c.readKubernetesRole('kubernetes', 'haven-shop.orders'),
    ).toBeUndefined();
    expect(
      await c.readKvMetadata('kv-apps', 'apps/shop/orders/a'),
    ).toBeUndefined();
    expect(double.state.kvKey('kv-apps', 'apps/shop/orders/a')).toBeUndefined();
    expect(
      double.requests
        .filter(r => r.method === 'DELETE')
        .map(r => `${r.path} ${r.status}`),
    ).toEqual([
      '/v1/sys/policies/acl/haven-app-shop.orders 204',
      '/v1/auth/kubernetes/role/haven-shop.orders 204',
      '/v1/kv-apps/metadata/apps/shop/orders/a 204',
    ]);

    // Already gone: Vault answers 204 again and nothing changes.
    await c.deletePolicy('haven-app-shop.orders');
    await c.deleteKubernetesRole('kubernetes', 'haven-shop.orders');
    await c.deleteKvMetadata('kv-apps', 'apps/shop/orders/a');
    expect(double.state.writeCount - before).toBe(3);
  });

  it('takes a 404 to a delete as already gone, and retries a delete through 503', async () => {
    let calls = 0;
    server.use(
      http.delete(`${VAULT}/v1/sys/policies/acl/gone`, () =>
        HttpResponse.json({ errors: [] }, { status: 404 }),
      ),
      http.delete(`${VAULT}/v1/auth/kubernetes/role/busy`, () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.json({ errors: ['Vault is sealed'] }, { status: 503 })
          : new HttpResponse(null, { status: 204 });
      }),
    );
    const c = client();
    await expect(c.deletePolicy('gone')).resolves.toBeUndefined();
    await expect(
      c.deleteKubernetesRole('kubernetes', 'busy'),
    ).resolves.toBeUndefined();
    expect(calls).toBe(2);
    await expect(c.deleteKvMetadata('kv-apps', '../x')).rejects.toThrow(
      InputError,
    );
  });

  it('rejects an unsafe path segment before sending anything', async () => {
    const double = vault();
    await expect(
      client().readKvMetadata('kv-apps', 'apps/../sys'),
    ).rejects.toBeInstanceOf(InputError);
    await expect(client().readPolicy('a/b')).rejects.toBeInstanceOf(InputError);
    expect(double.requests).toEqual([]);
  });

  it('scopes every call to its namespace with X-Vault-Namespace', async () => {
    const double = vault({
      namespaces: ['team-a'],
      kvMounts: [{ path: 'kv-apps', namespace: 'team-a' }],
    });
    await client({ namespace: 'team-a' }).writeKv(
      'kv-apps',
      'x',
      { value: 'v' },
      { cas: 0 },
    );
    expect(double.state.kvKey('kv-apps', 'x', 'team-a')?.currentVersion).toBe(
      1,
    );
    expect(double.requests.map(r => r.namespace)).toEqual(['team-a']);
    // The root namespace has no such mount.
    await expect(
      client().writeKv('kv-apps', 'x', { value: 'v' }, { cas: 0 }),
    ).rejects.toThrow();
  });

  it('retries an idempotent call through 503 and 429, and says so when it gives up', async () => {
    const double = vault();
    for (const status of [503, 429]) {
      double.faults.inject({
        method: 'GET',
        path: 'sys/mounts',
        status,
        times: 1,
      });
    }
    await expect(client().listMounts()).resolves.toEqual(expect.any(Array));
    expect(
      double.requests
        .filter(r => r.path === '/v1/sys/mounts')
        .map(r => r.status),
    ).toEqual([503, 429, 200]);

    double.faults.inject({ method: 'GET', path: 'sys/mounts', status: 500 });
    const error = await client()
      .listMounts()
      .catch(e => e);
    expect(error).toBeInstanceOf(VaultUnavailableError);
    expect(error.message).toContain('after 4 attempt(s)');
  });

  it('never retries a secret write, whose answer could have been lost', async () => {
    const double = vault();
    double.faults.inject({
      method: 'POST',
      path: 'kv-apps/data/*',
      status: 500,
      times: 1,
    });
    await expect(
      client().writeKv('kv-apps', 'k', { value: 'v' }, { cas: 0 }),
    ).rejects.toBeInstanceOf(VaultUnavailableError);
    expect(
      double.requests.filter(r => r.path.startsWith('/v1/kv-apps/data')),
    ).toHaveLength(1);
  });

  it('maps permission denied to NotAllowedError with what to do', async () => {
    vault({ tokens: [{ token: 'weak', policies: [] }] });
    const error = await client({ auth: { method: 'token', token: 'weak' } })
      .readPolicy('anything')
      .catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(
      'Vault GET sys/policies/acl/anything answered 403: permission denied. Backstage\'s Vault token lacks a capability on this path, or has expired: see "Vault policy for Backstage" in the README.',
    );
  });

  it('logs in with AppRole, renews before a third of the lease is left, and logs in again at the end', async () => {
    let now = Date.parse('2026-11-24T10:00:00Z');
    const double = vault({
      now: () => new Date(now),
      policies: [OPS],
      appRole: {
        roles: [
          {
            roleName: 'backstage',
            roleId: 'role-id',
            secretId: 'secret-id',
            policies: ['ops'],
            ttlSeconds: 600,
          },
        ],
      },
    });
    const c = client({
      auth: { method: 'approle', roleId: 'role-id', secretId: 'secret-id' },
      now: () => now,
    });
    await c.listMounts();
    now += 300_000; // half the lease used: still fresh
    await c.listMounts();
    now += 150_000; // a quarter left: renew
    await c.listMounts();
    const paths = double.requests.map(r => r.path);
    expect(paths.filter(p => p === '/v1/auth/approle/login')).toHaveLength(1);
    expect(paths.filter(p => p === '/v1/auth/token/renew-self')).toHaveLength(
      1,
    );
    expect(double.state.issuedTokenCount).toBe(1);

    now += 3_600_000; // long past the lease: a new login
    await c.listMounts();
    expect(double.state.issuedTokenCount).toBe(2);
  });

  it('logs in with a Kubernetes service-account token read at login time', async () => {
    const double = vault({
      policies: [OPS],
      kubernetesAuthMounts: ['kubernetes'],
      kubernetesLogins: [
        {
          jwt: 'sa-jwt',
          serviceAccountName: 'backstage',
          serviceAccountNamespace: 'backstage',
          audiences: ['vault'],
        },
      ],
    });
    const root = client();
    await root.writeKubernetesRole('kubernetes', 'backstage', {
      boundServiceAccountNames: ['backstage'],
      boundServiceAccountNamespaces: ['backstage'],
      audience: 'vault',
      tokenPolicies: ['ops'],
      tokenTtl: 600,
      tokenMaxTtl: 600,
    });
    const jwt = jest.fn(async () => 'sa-jwt');
    await client({
      auth: { method: 'kubernetes', role: 'backstage', jwt },
    }).listMounts();
    expect(jwt).toHaveBeenCalledTimes(1);
    expect(double.requests.map(r => r.path)).toContain(
      '/v1/auth/kubernetes/login',
    );
  });

  it('never follows a redirect, which would carry the token elsewhere', async () => {
    server.use(
      http.all(`${VAULT}/v1/*`, () =>
        HttpResponse.text('', {
          status: 307,
          headers: { location: 'https://elsewhere.test/v1/sys/mounts' },
        }),
      ),
      http.all('https://elsewhere.test/*', () => {
        throw new Error('the redirect was followed');
      }),
    );
    const error = await client()
      .listMounts()
      .catch(e => e);
    expect(error).toBeInstanceOf(VaultUnavailableError);
    expect(error.message).toContain(
      'answered a 307 redirect, which is not followed',
    );
  });

  it('accepts plain http only on loopback', () => {
    expect(() => client({ address: 'http://vault.example.nl:8200' })).toThrow(
      'Vault address must be https://',
    );
    expect(() => client({ address: 'http://127.0.0.1:8200' })).not.toThrow();
  });
});
