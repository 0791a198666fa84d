import {
  chartArchive,
  createHelmRepositoryDouble,
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
      /open-webui-16\.0\.0\.tgz: sha256 [0-9a-f]{64} differs from the index's digest [0-9a-f]{64}/,
    );
  });
});
