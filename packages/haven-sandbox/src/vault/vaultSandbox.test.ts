import {
  sandboxKvSecrets,
  startVaultDoubleOnLoopback,
  VAULT_SANDBOX,
  writeLaterKvVersions,
} from './vaultSandbox';

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

describe('the sandbox’s Vault secrets', () => {
  it('keep open-webui-voorbeeld’s seeds, and add filler secrets for the other examples', () => {
    const secrets = sandboxKvSecrets('apps');
    expect(
      secrets.filter(s => s.path.startsWith('apps/open-webui-voorbeeld/')),
    ).toEqual([
      {
        path: 'apps/open-webui-voorbeeld/open-webui-voorbeeld/webui-secret-key',
        versions: [{ value: 'sandbox-filler-webui-secret-key' }],
      },
      {
        path: 'apps/open-webui-voorbeeld/open-webui-voorbeeld/openai-api-key',
        versions: [{ value: 'sandbox-filler-openai-api-key' }],
      },
    ]);
    expect(secrets.map(s => s.path)).toEqual(
      expect.arrayContaining([
        'apps/open-webui-acme/open-webui-acme/webui-secret-key',
        'apps/open-webui-gemeente/open-webui-gemeente/openai-api-key',
        'apps/open-webui-pilot/open-webui-pilot/webui-secret-key',
      ]),
    );
    expect(
      secrets.find(
        s =>
          s.path ===
          'apps/open-webui-gemeente/open-webui-gemeente/openai-api-key',
      )?.versions,
    ).toEqual([
      { value: 'sandbox-filler-open-webui-gemeente-openai-api-key' },
      { value: 'sandbox-filler-open-webui-gemeente-openai-api-key-v2' },
    ]);
  });

  it('writes the later versions over HTTP, as a rotation does', async () => {
    const vault = await startVaultDoubleOnLoopback(0, {
      kvMounts: ['kv-apps'],
      kvSecrets: [
        { mount: 'kv-apps', path: 'apps/a/a/key', data: { value: 'one' } },
      ],
    });
    try {
      await writeLaterKvVersions(vault, 'kv-apps', [
        {
          path: 'apps/a/a/key',
          versions: [{ value: 'one' }, { value: 'two' }, { value: 'three' }],
        },
      ]);
      const key = vault.double.state.kvKey('kv-apps', 'apps/a/a/key');
      expect(key?.currentVersion).toBe(3);
      expect(key?.versions.map(v => v.data)).toEqual([
        { value: 'one' },
        { value: 'two' },
        { value: 'three' },
      ]);
      await expect(
        writeLaterKvVersions(vault, 'kv-apps', [
          { path: 'apps/a/a/key', versions: [{}, { value: 'stale cas' }] },
        ]),
      ).rejects.toThrow(
        'the Vault double refused version 2 of kv-apps/apps/a/a/key: HTTP 400',
      );
    } finally {
      await vault.close();
    }
  });
});
