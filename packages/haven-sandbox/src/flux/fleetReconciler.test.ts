import { loadManifestValidator } from '@haven-plus/haven-test-utils';
import {
  externalSecret,
  fluxKustomization,
  helmRelease,
  kustomizeList,
  secretStore,
} from './__testUtils__/fleetApp';
import { inventoryId, prunedObjects, reconcileFleet } from './fleetReconciler';

/* A fleet branch shaped like what haven:gitops:render writes for one app. */
const app = 'demo';
const files: Record<string, string> = {
  'clusters/c1/apps/kustomization.yaml': kustomizeList([`${app}.yaml`]),
  [`clusters/c1/apps/${app}.yaml`]: `# comment
${fluxKustomization({
  app,
  namespace: 'flux-system',
  path: `./apps/c1/${app}`,
})}`,
  [`apps/c1/${app}/kustomization.yaml`]: kustomizeList([
    'secretstore.yaml',
    'externalsecret.yaml',
    'helmrelease.yaml',
  ]),
  [`apps/c1/${app}/secretstore.yaml`]: secretStore({
    app,
    kvMount: 'kv-apps',
    role: 'r',
  }),
  [`apps/c1/${app}/externalsecret.yaml`]: externalSecret({
    app,
    data: [
      { secretKey: 'A', key: `apps/${app}/${app}/a` },
      { secretKey: 'B', key: `apps/${app}/${app}/b` },
    ],
  }),
  [`apps/c1/${app}/helmrelease.yaml`]: helmRelease({
    app,
    chart: 'open-webui',
    version: '8.3.0',
  }),
};

const revision = `main@sha1:${'ab'.repeat(20)}`;
const now = new Date('2026-11-24T10:00:00.123Z');
const run = (vault: string[]) =>
  reconcileFleet({
    files,
    fluxPath: 'clusters/c1/apps',
    revision,
    now,
    vaultHas: (mount, key) => vault.includes(`${mount}/${key}`),
  });
/** The manifest validator refuses server-set metadata; spec and status stay. */
const withoutServerFields = (o: any) => {
  const {
    generation: _g,
    uid: _u,
    creationTimestamp: _c,
    ...metadata
  } = o.metadata;
  return { ...o, metadata };
};
const byKind = (objects: ReturnType<typeof run>['objects'], kind: string) =>
  objects.find(o => o.kind === kind) as any;

describe('reconcileFleet, the sandbox stand-in for Flux and ESO', () => {
  const validator = loadManifestValidator();

  it('applies what the cluster folder lists, with the status the controllers write', () => {
    const result = run([
      'kv-apps/apps/demo/demo/a',
      'kv-apps/apps/demo/demo/b',
    ]);
    expect(result.problems).toEqual([]);
    expect(result.objects.map(o => o.kind).sort()).toEqual([
      'ExternalSecret',
      'HelmRelease',
      'Kustomization',
      'SecretStore',
    ]);
    expect(result.events).toEqual([]);
    const flux = byKind(result.objects, 'Kustomization');
    expect(flux.status.lastAppliedRevision).toBe(revision);
    expect(flux.status.conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'True',
      reason: 'ReconciliationSucceeded',
      message: `Applied revision: ${revision}`,
      lastTransitionTime: '2026-11-24T10:00:00Z',
    });
    const release = byKind(result.objects, 'HelmRelease');
    expect(release.status.history[0]).toMatchObject({
      chartVersion: '8.3.0',
      status: 'deployed',
    });
    expect(release.status.conditions[0].message).toBe(
      'Helm install succeeded for release demo/demo.v1 with chart open-webui@8.3.0',
    );
    const es = byKind(result.objects, 'ExternalSecret');
    expect(es.status).toMatchObject({
      refreshTime: '2026-11-24T10:00:00Z',
      binding: { name: 'demo-vault' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced' }],
    });
    expect(es.status.syncedResourceVersion).toMatch(/^1-[0-9a-f]{56}$/);
    // Every object, status included, is valid against the reference CRDs.
    for (const o of result.objects) {
      expect([o.kind, validator.validate(withoutServerFields(o))]).toEqual([
        o.kind,
        [],
      ]);
    }
  });

  it('fails the ExternalSecret when a Vault key is missing, and puts the cause in a Warning event', () => {
    const result = run(['kv-apps/apps/demo/demo/a']);
    const es = byKind(result.objects, 'ExternalSecret');
    expect(es.status.conditions).toEqual([
      expect.objectContaining({
        status: 'False',
        reason: 'SecretSyncedError',
        message: 'could not get secret data from provider',
      }),
    ]);
    expect(es.status.refreshTime).toBeUndefined();
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({
      kind: 'Event',
      type: 'Warning',
      reason: 'UpdateFailed',
      involvedObject: { kind: 'ExternalSecret', name: 'demo-vault' },
      message:
        'error processing spec.data[1] (key: apps/demo/demo/b), err: Secret does not exist',
    });
    expect(validator.validate(withoutServerFields(es))).toEqual([]);
  });

  it('says which files it could not read instead of guessing', () => {
    const result = reconcileFleet({
      files: {
        ...files,
        [`apps/c1/${app}/kustomization.yaml`]:
          'resources:\n  - gone.yaml\n  - helmrelease.yaml\n',
        [`apps/c1/${app}/helmrelease.yaml`]: 'kind: [unclosed\n',
      },
      fluxPath: 'clusters/c1/apps',
      revision,
      now,
      vaultHas: () => true,
    });
    expect(result.problems).toEqual([
      'apps/c1/demo/gone.yaml: not in the branch',
      expect.stringMatching(/^apps\/c1\/demo\/helmrelease\.yaml: /),
    ]);
    expect(result.objects.map(o => o.kind)).toEqual(['Kustomization']);
  });
});

describe('Flux garbage collection in the stand-in', () => {
  const reconcile = (branch: Record<string, string>) =>
    reconcileFleet({
      files: branch,
      fluxPath: 'clusters/c1/apps',
      revision,
      now,
      vaultHas: () => true,
    }).objects;
  const ids = (objects: Array<{ kind: string; metadata: { name: string } }>) =>
    objects.map(o => `${o.kind}/${o.metadata.name}`).sort();
  const without = (...paths: string[]) =>
    Object.fromEntries(
      Object.entries(files).filter(([path]) => !paths.includes(path)),
    );

  it("records each Kustomization's inventory as kustomize-controller writes it", () => {
    const kustomization = reconcile(files).find(
      o => o.kind === 'Kustomization',
    ) as any;
    expect(kustomization.status.inventory.entries).toEqual([
      { id: `${app}_${app}-vault_external-secrets.io_SecretStore`, v: 'v1' },
      { id: `${app}_${app}-vault_external-secrets.io_ExternalSecret`, v: 'v1' },
      { id: `${app}_${app}_helm.toolkit.fluxcd.io_HelmRelease`, v: 'v2' },
    ]);
    expect(inventoryId(kustomization)).toBe(
      `flux-system_${app}_kustomize.toolkit.fluxcd.io_Kustomization`,
    );
  });

  it('prunes an app taken out of the cluster: its Kustomization and all it applied', () => {
    const before = reconcile(files);
    const after = reconcile({
      ...without(
        `clusters/c1/apps/${app}.yaml`,
        `apps/c1/${app}/kustomization.yaml`,
        `apps/c1/${app}/secretstore.yaml`,
        `apps/c1/${app}/externalsecret.yaml`,
        `apps/c1/${app}/helmrelease.yaml`,
      ),
      'clusters/c1/apps/kustomization.yaml': 'resources: []\n',
    });
    expect(after).toEqual([]);
    expect(ids(prunedObjects(before, after))).toEqual([
      `ExternalSecret/${app}-vault`,
      `HelmRelease/${app}`,
      `Kustomization/${app}`,
      `SecretStore/${app}-vault`,
    ]);
  });

  it('prunes a manifest the app folder no longer lists, and nothing else', () => {
    const before = reconcile(files);
    const after = reconcile({
      ...files,
      [`apps/c1/${app}/kustomization.yaml`]: kustomizeList([
        'secretstore.yaml',
        'helmrelease.yaml',
      ]),
    });
    expect(ids(prunedObjects(before, after))).toEqual([
      `ExternalSecret/${app}-vault`,
    ]);
    expect(prunedObjects(after, after)).toEqual([]);
  });

  it('leaves what a Kustomization with prune: false applied', () => {
    const noPrune = {
      ...files,
      [`clusters/c1/apps/${app}.yaml`]: files[
        `clusters/c1/apps/${app}.yaml`
      ].replace('prune: true', 'prune: false'),
    };
    const before = reconcile(noPrune);
    const after = reconcile({
      ...noPrune,
      'clusters/c1/apps/kustomization.yaml': 'resources: []\n',
    });
    // The Kustomization goes (its parent prunes it); what it applied stays.
    expect(ids(prunedObjects(before, after))).toEqual([`Kustomization/${app}`]);
  });
});
