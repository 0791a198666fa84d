import { vaultStoreProvider } from './manifests';

const VAULT = {
  server: 'https://vault.example.nl',
  kvMount: 'kv-apps',
  kubernetesAuthMount: 'kubernetes-prod',
  role: 'haven-shop.web',
  audience: 'vault',
};

describe('vaultStoreProvider', () => {
  it("reads KV v2 and signs in with the service account's token for the audience", () => {
    expect(vaultStoreProvider(VAULT, { name: 'web' })).toEqual({
      server: 'https://vault.example.nl',
      path: 'kv-apps',
      version: 'v2',
      auth: {
        kubernetes: {
          mountPath: 'kubernetes-prod',
          role: 'haven-shop.web',
          serviceAccountRef: { name: 'web', audiences: ['vault'] },
        },
      },
    });
  });

  it('names the Vault namespace and the service account namespace only when given', () => {
    const provider = vaultStoreProvider(
      { ...VAULT, namespace: 'tenant-a' },
      { name: 'external-secrets', namespace: 'external-secrets' },
    );
    expect(provider.namespace).toBe('tenant-a');
    expect(provider.auth?.kubernetes?.serviceAccountRef).toEqual({
      name: 'external-secrets',
      namespace: 'external-secrets',
      audiences: ['vault'],
    });
    // Key order is the order the YAML is written in.
    expect(Object.keys(provider)).toEqual([
      'server',
      'path',
      'version',
      'namespace',
      'auth',
    ]);
  });
});
