import { startVaultDoubleOnLoopback, VAULT_SANDBOX } from './vaultSandbox';

describe('the Vault double on loopback', () => {
  it('serves the sandbox root token, KV v2 and GET ?list=true over real HTTP', async () => {
    const vault = await startVaultDoubleOnLoopback(0);
    try {
      expect(vault.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(vault.rootToken).toBe(VAULT_SANDBOX.rootToken);
      const headers = {
        'x-vault-token': VAULT_SANDBOX.rootToken,
        'content-type': 'application/json',
      };
      const write = await fetch(`${vault.url}/v1/secret/data/team-a/orders`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          data: { DB_USER: 'orders' },
          options: { cas: 0 },
        }),
      });
      expect(write.status).toBe(200);
      const list = await fetch(
        `${vault.url}/v1/secret/metadata/team-a/?list=true`,
        {
          headers,
        },
      );
      expect(await list.json()).toMatchObject({ data: { keys: ['orders'] } });
      const policy = await fetch(`${vault.url}/v1/sys/policies/acl/app-x`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({
          policy: 'path "secret/data/*" { capabilities = ["read"] }',
        }),
      });
      expect(policy.status).toBe(204);
      expect(await policy.text()).toBe('');
      expect(vault.double.requests.map(r => r.status)).toEqual([200, 200, 204]);
      expect(
        vault.double.state.kvKey('secret', 'team-a/orders')?.currentVersion,
      ).toBe(1);
    } finally {
      await vault.close();
    }
  });

  it('cannot take the LIST verb over loopback: Node’s HTTP parser refuses it, so the sandbox lists with GET ?list=true', async () => {
    const vault = await startVaultDoubleOnLoopback(0);
    try {
      const res = await fetch(`${vault.url}/v1/sys/policies/acl`, {
        method: 'LIST',
        headers: { 'x-vault-token': vault.rootToken },
      });
      expect(res.status).toBe(400);
      expect(vault.double.requests).toEqual([]);
      const viaQuery = await fetch(
        `${vault.url}/v1/sys/policies/acl?list=true`,
        {
          headers: { 'x-vault-token': vault.rootToken },
        },
      );
      expect((await viaQuery.json()).data.keys).toEqual(['default', 'root']);
    } finally {
      await vault.close();
    }
  });
});
