import {
  chartArchive,
  createHelmRepositoryDouble,
  createOciRegistryDouble,
  OPEN_WEBUI_8,
  OPEN_WEBUI_16,
  OPEN_WEBUI_DEV,
  setupDoubleServer,
} from '@haven-plus/haven-doubles';
import { HelmRepositoryReader } from './helmRepository';
import { unknownValueKeys } from './unknownValueKeys';

const REPO = 'https://helm.openwebui.test';
const server = setupDoubleServer();

function repository() {
  const double = createHelmRepositoryDouble({
    baseUrl: REPO,
    charts: [OPEN_WEBUI_8, OPEN_WEBUI_16, OPEN_WEBUI_DEV],
  });
  server.use(...double.handlers);
  return double;
}

const chart = (version: string, name = 'open-webui') => ({
  repositoryUrl: REPO,
  name,
  version,
});

describe('HelmRepositoryReader', () => {
  it('resolves a range to the newest release, not a development build, and reads its values', async () => {
    const double = repository();
    const result = await new HelmRepositoryReader().lookup(chart('16.x'));
    expect(result).toMatchObject({
      status: 'checked',
      version: '16.0.0',
      archiveUrl: `${REPO}/charts/open-webui-16.0.0.tgz`,
    });
    if (result.status !== 'checked') throw new Error(result.reason);
    expect(result.reference.version).toBe('16.0.0');
    expect(result.reference.defaults.openaiApiKeyExistingSecret).toBe('');
    expect(result.reference.subcharts).toEqual([
      'ollama',
      'pipelines',
      'tika',
      'terminals',
    ]);
    expect(double.requests).toEqual([
      '/index.yaml',
      '/charts/open-webui-16.0.0.tgz',
    ]);
  });

  it('reads an exact version, and each version once', async () => {
    const double = repository();
    const reader = new HelmRepositoryReader();
    const first = await reader.lookup(chart('8.22.1'));
    const again = await reader.lookup(chart('8.x'));
    expect(first).toMatchObject({ status: 'checked', version: '8.22.1' });
    expect(again).toMatchObject({ status: 'checked', version: '8.22.1' });
    expect(double.requests).toEqual([
      '/index.yaml',
      '/charts/open-webui-8.22.1.tgz',
    ]);
  });

  it('tells which keys a version does not know', async () => {
    repository();
    const reader = new HelmRepositoryReader();
    const values = {
      openaiApiKeyExistingSecret: 'open-webui-vault',
      podLabels: { 'backstage.io/kubernetes-id': 'x' },
      ollama: { enabled: false, anythingTheSubchartReads: 1 },
    };
    const v16 = await reader.lookup(chart('16.0.0'));
    const v8 = await reader.lookup(chart('8.x'));
    if (v16.status !== 'checked' || v8.status !== 'checked') {
      throw new Error('not read');
    }
    expect(unknownValueKeys(values, v16.reference)).toEqual([]);
    expect(unknownValueKeys(values, v8.reference).map(u => u.path)).toEqual([
      'openaiApiKeyExistingSecret',
    ]);
    // A subchart's key the parent shows keeps its type.
    expect(
      unknownValueKeys({ ollama: { enabled: { no: 1 } } }, v16.reference).map(
        u => u.path,
      ),
    ).toEqual(['ollama.enabled']);
  });

  it('refuses a chart or version the repository does not have, naming what it has', async () => {
    repository();
    const reader = new HelmRepositoryReader();
    expect(await reader.lookup(chart('1.x', 'open-webui-typo'))).toEqual({
      status: 'invalid',
      reason: `${REPO}/index.yaml lists no chart "open-webui-typo"`,
    });
    expect(await reader.lookup(chart('99.x'))).toEqual({
      status: 'invalid',
      reason: `${REPO}/index.yaml has no release of open-webui matching "99.x" (newest: 16.0.0, 8.22.1)`,
    });
  });

  it('says why when the repository cannot be read, and tries again next time', async () => {
    const double = repository();
    double.setDown(503);
    const reader = new HelmRepositoryReader();
    expect(await reader.lookup(chart('16.x'))).toEqual({
      status: 'unavailable',
      reason: `${REPO}/index.yaml answered HTTP 503`,
    });
    double.setDown(undefined);
    expect(await reader.lookup(chart('16.x'))).toMatchObject({
      status: 'checked',
    });
  });

  it('reports an unreachable repository and an OCI chart as unavailable', async () => {
    const offline = new HelmRepositoryReader({
      fetch: async () => {
        throw Object.assign(new TypeError('fetch failed'), {
          cause: new Error('getaddrinfo ENOTFOUND helm.example.nl'),
        });
      },
    });
    expect(
      await offline.lookup({
        repositoryUrl: 'https://helm.example.nl',
        name: 'x',
        version: '1.x',
      }),
    ).toEqual({
      status: 'unavailable',
      reason:
        'https://helm.example.nl/index.yaml could not be read: getaddrinfo ENOTFOUND helm.example.nl',
    });
    expect(
      await offline.lookup({
        repositoryUrl: 'oci://ghcr.io/open-webui/helm-charts',
        name: 'open-webui',
        version: '16.x',
      }),
    ).toMatchObject({ status: 'unavailable' });
  });

  it('reads through a mirror and checks the archive against the digest', async () => {
    const mirror = 'https://mirror.example.test/helm/openwebui';
    const double = createHelmRepositoryDouble({
      baseUrl: mirror,
      charts: [OPEN_WEBUI_16],
    });
    server.use(...double.handlers);
    const reader = new HelmRepositoryReader({
      mirrors: [{ url: REPO, readFrom: mirror }],
    });
    expect(await reader.lookup(chart('16.x'))).toMatchObject({
      status: 'checked',
      archiveUrl: `${REPO}/charts/open-webui-16.0.0.tgz`,
    });
  });

  it('does not trust an archive whose sha256 is not the index digest', async () => {
    repository();
    const other = chartArchive({
      ...OPEN_WEBUI_16,
      created: '2026-08-01T00:00:00Z',
    });
    const reader = new HelmRepositoryReader({
      fetch: async (input, init) =>
        String(input).endsWith('.tgz')
          ? new Response(other)
          : fetch(input, init),
    });
    const result = await reader.lookup(chart('16.0.0'));
    expect(result.status).toBe('unavailable');
    expect(result.status !== 'checked' && result.reason).toMatch(
      /open-webui-16\.0\.0\.tgz: sha256 [0-9a-f]{64} differs from the digest [0-9a-f]{64}/,
    );
  });

  describe('an OCI chart', () => {
    const REGISTRY = 'https://ghcr.example.test';
    const oci = (version: string, name = 'open-webui') => ({
      repositoryUrl: 'oci://ghcr.example.test/open-webui/helm-charts',
      name,
      version,
    });
    function registry() {
      const double = createOciRegistryDouble({
        baseUrl: REGISTRY,
        repositories: {
          'open-webui/helm-charts/open-webui': [
            OPEN_WEBUI_8,
            OPEN_WEBUI_16,
            OPEN_WEBUI_DEV,
          ],
        },
      });
      server.use(...double.handlers);
      return double;
    }

    it('takes an anonymous pull token, resolves the range over the tags and reads the chart layer', async () => {
      const double = registry();
      const result = await new HelmRepositoryReader().lookup(oci('16.x'));
      expect(result).toMatchObject({ status: 'checked', version: '16.0.0' });
      if (result.status !== 'checked') throw new Error(result.reason);
      expect(result.archiveUrl).toMatch(
        /^oci:\/\/ghcr\.example\.test\/open-webui\/helm-charts\/open-webui:16\.0\.0@sha256:[0-9a-f]{64}$/,
      );
      expect(result.reference.defaults.openaiApiKeyExistingSecret).toBe('');
      expect(
        double.requests.map(r => r.replace(/sha256:[0-9a-f]+/, 'sha256:…')),
      ).toEqual([
        '/v2/open-webui/helm-charts/open-webui/tags/list',
        '/token?service=ghcr.example.test&scope=repository%3Aopen-webui%2Fhelm-charts%2Fopen-webui%3Apull',
        '/v2/open-webui/helm-charts/open-webui/tags/list',
        '/v2/open-webui/helm-charts/open-webui/manifests/16.0.0',
        '/v2/open-webui/helm-charts/open-webui/blobs/sha256:…',
      ]);
    });

    it('refuses a chart or tag the registry does not have', async () => {
      registry();
      const reader = new HelmRepositoryReader();
      expect(await reader.lookup(oci('1.x', 'nope'))).toEqual({
        status: 'invalid',
        reason:
          'oci://ghcr.example.test/open-webui/helm-charts/nope is not in the registry',
      });
      expect(await reader.lookup(oci('99.x'))).toEqual({
        status: 'invalid',
        reason:
          'oci://ghcr.example.test/open-webui/helm-charts/open-webui has no tag matching "99.x" (newest: 16.0.0, 8.22.1)',
      });
    });

    it('says so when the registry cannot be read', async () => {
      const offline = new HelmRepositoryReader({
        fetch: async () => new Response('down', { status: 503 }),
      });
      expect(await offline.lookup(oci('16.x'))).toEqual({
        status: 'unavailable',
        reason:
          'https://ghcr.example.test/v2/open-webui/helm-charts/open-webui/tags/list answered HTTP 503',
      });
    });
  });
});
