import { ConfigReader } from '@backstage/config';
import { setupDoubleServer } from '@haven-plus/haven-doubles';
import { http, HttpResponse } from 'msw';
import { readDeliveryClusters } from './clusters';
import {
  createKubernetesRequester,
  IN_CLUSTER_TOKEN_PATH,
} from './kubernetesApi';

const server = setupDoubleServer();

describe('readDeliveryClusters', () => {
  it('reads the clusters of config locators, with the CA decoded', () => {
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'catalog' },
          {
            type: 'config',
            clusters: [
              {
                name: 'prod',
                url: 'https://k8s.example.nl',
                authProvider: 'serviceAccount',
                caData: Buffer.from('-----BEGIN CERTIFICATE-----').toString(
                  'base64',
                ),
              },
              {
                name: 'dev',
                url: 'https://dev.example.nl',
                authProvider: 'google',
                skipTLSVerify: true,
              },
            ],
          },
        ],
      },
    });
    expect(readDeliveryClusters(config)).toEqual([
      {
        name: 'prod',
        url: 'https://k8s.example.nl',
        authProvider: 'serviceAccount',
        serviceAccountToken: undefined,
        skipTLSVerify: false,
        caData: '-----BEGIN CERTIFICATE-----',
        caFile: undefined,
      },
      expect.objectContaining({
        name: 'dev',
        authProvider: 'google',
        skipTLSVerify: true,
      }),
    ]);
  });

  it('is empty without kubernetes config', () => {
    expect(readDeliveryClusters(new ConfigReader({}))).toEqual([]);
  });
});

describe('createKubernetesRequester', () => {
  const cluster = {
    name: 'in-cluster',
    url: 'http://kubernetes.double.test/',
    authProvider: 'serviceAccount',
    skipTLSVerify: false,
  };

  it('uses the mounted service-account token when app-config has none', async () => {
    const seen: Array<string | null> = [];
    server.use(
      http.get(
        'http://kubernetes.double.test/api/v1/namespaces',
        ({ request }) => {
          seen.push(request.headers.get('authorization'));
          return HttpResponse.json({ kind: 'NamespaceList', items: [] });
        },
      ),
    );
    const readText = jest.fn(async (path: string) => {
      if (path !== IN_CLUSTER_TOKEN_PATH) throw new Error('no such file');
      return 'mounted-token\n';
    });
    const request = createKubernetesRequester({ readText });
    const answer = await request(cluster, {
      method: 'GET',
      path: '/api/v1/namespaces',
    });
    expect(answer).toEqual({
      status: 200,
      body: { kind: 'NamespaceList', items: [] },
    });
    expect(seen).toEqual(['Bearer mounted-token']);
  });

  it('says what to configure when there is no token at all', async () => {
    const request = createKubernetesRequester({
      readText: async () => {
        throw new Error('ENOENT');
      },
    });
    await expect(
      request(cluster, { method: 'GET', path: '/api/v1/namespaces' }),
    ).rejects.toThrow(
      `cluster in-cluster has no serviceAccountToken in app-config and no token is mounted at ${IN_CLUSTER_TOKEN_PATH}`,
    );
  });
});
