import { folderKustomization, vaultStoreProvider } from './manifests';

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

describe('folderKustomization', () => {
  it("lists the folder's files relative to it, in order", () => {
    const file = (path: string) => ({ path, purpose: '', objects: [] });
    expect(
      folderKustomization(
        'apps/prod/shop',
        [
          file('apps/prod/shop/namespace.yaml'),
          file('apps/prod/shop/a/b.yaml'),
        ],
        'What Flux applies for shop.',
      ),
    ).toEqual({
      path: 'apps/prod/shop/kustomization.yaml',
      purpose: 'What Flux applies for shop.',
      objects: [
        {
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources: ['namespace.yaml', 'a/b.yaml'],
        },
      ],
    });
  });
});
