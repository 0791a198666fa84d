import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { findKubectl, kustomizeBuild } from './kubectl';
import { expectValidManifests } from './expectValid';
import { loadManifestValidator } from './validator';

const kubectl = findKubectl();
if (!kubectl) {
  // eslint-disable-next-line no-console
  console.warn(
    'SKIPPED: kubectl kustomize build of a temp folder: kubectl is not on PATH',
  );
}

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-kustomize-'));
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('kustomizeBuild without kubectl', () => {
  const savedPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it('says plainly that it skipped', async () => {
    process.env.PATH = '';
    expect(findKubectl()).toBeUndefined();
    await expect(kustomizeBuild('/nowhere')).resolves.toEqual({
      skipped: true,
      reason: 'kubectl is not on PATH, so `kubectl kustomize` was not run',
    });
  });
});

(kubectl ? describe : describe.skip)('kustomizeBuild with kubectl', () => {
  it('builds a kustomize folder, and the output passes the validator', async () => {
    const dir = tempDir({
      'kustomization.yaml': [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: team-a',
        'labels: [ { pairs: { app.kubernetes.io/part-of: orders } } ]',
        'resources: [serviceaccount.yaml, release.yaml]',
        '',
      ].join('\n'),
      'serviceaccount.yaml':
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: orders\n',
      'release.yaml': [
        'apiVersion: helm.toolkit.fluxcd.io/v2',
        'kind: HelmRelease',
        'metadata: { name: orders }',
        'spec:',
        '  interval: 15m',
        '  chart:',
        '    spec: { chart: podinfo, sourceRef: { kind: HelmRepository, name: podinfo, namespace: flux-system } }',
        '',
      ].join('\n'),
    });
    dirs.push(dir);

    const result = await kustomizeBuild(dir);
    if (result.skipped) throw new Error(result.reason);
    const docs = parseAllDocuments(result.output).map(d => d.toJS());
    expect(docs).toEqual([
      expect.objectContaining({
        kind: 'ServiceAccount',
        metadata: {
          name: 'orders',
          namespace: 'team-a',
          labels: { 'app.kubernetes.io/part-of': 'orders' },
        },
      }),
      expect.objectContaining({
        kind: 'HelmRelease',
        metadata: expect.objectContaining({ namespace: 'team-a' }),
      }),
    ]);

    expectValidManifests(
      loadManifestValidator(),
      result.output,
      'kubectl kustomize output',
    );
  });

  it("rejects with kubectl's stderr when the build fails", async () => {
    const dir = tempDir({ 'kustomization.yaml': 'resourcez: [a.yaml]\n' });
    dirs.push(dir);
    await expect(kustomizeBuild(dir)).rejects.toThrow(
      /kubectl kustomize .* failed: .*unknown field \\?"resourcez/,
    );
  });
});
