import { pullRequestClient } from '../github/__testUtils__/pullRequestClient';
import { SANDBOX_DOUBLES, startSandboxDoubles } from '../sandbox';
import {
  externalSecret as externalSecretYaml,
  fluxKustomization,
  secretStore as secretStoreYaml,
} from './__testUtils__/fleetApp';

const app = 'fleet-sync-demo';
const appDir = `apps/haven-sandbox/${app}`;
const flux = fluxKustomization({ app, namespace: app, path: `./${appDir}` });
const externalSecret = externalSecretYaml({
  app,
  data: [{ secretKey: 'TOKEN', key: `apps/${app}/${app}/token` }],
});
const secretStore = secretStoreYaml({
  app,
  kvMount: SANDBOX_DOUBLES.vault.kvMount,
  role: app,
});

describe('the sandbox fleet sync (Flux stand-in)', () => {
  it('applies a merged pull request to the cluster double, with the ESO failure for a key Vault lacks', async () => {
    const sandbox = await startSandboxDoubles({ anyPort: true });
    try {
      const { owner, name } = SANDBOX_DOUBLES.github.fleetRepo;
      const client = pullRequestClient(
        sandbox.urls.github,
        SANDBOX_DOUBLES.github.token,
      );
      const list = await fetch(
        `${sandbox.urls.github}/repos/${owner}/${name}/contents/clusters/haven-sandbox/apps/kustomization.yaml`,
        {
          headers: {
            authorization: `token ${SANDBOX_DOUBLES.github.token}`,
            accept: 'application/vnd.github.raw',
          },
        },
      ).then(r => r.text());
      await client.createPullRequest({
        owner,
        repo: name,
        title: `Add ${app}`,
        body: '',
        head: `add-${app}`,
        changes: [
          {
            files: {
              'clusters/haven-sandbox/apps/kustomization.yaml': `${list}  - ${app}.yaml\n`,
              [`clusters/haven-sandbox/apps/${app}.yaml`]: flux,
              [`${appDir}/kustomization.yaml`]:
                'resources:\n  - secretstore.yaml\n  - externalsecret.yaml\n',
              [`${appDir}/secretstore.yaml`]: secretStore,
              [`${appDir}/externalsecret.yaml`]: externalSecret,
            },
            commit: `Add ${app}`,
          },
        ],
      });
      const k8s = (path: string) =>
        fetch(`${sandbox.urls.kubernetes}${path}`, {
          headers: {
            authorization: `Bearer ${SANDBOX_DOUBLES.kubernetes.token}`,
          },
        }).then(r => r.json());
      const esPath = `/apis/external-secrets.io/v1/namespaces/${app}/externalsecrets`;
      // Nothing is applied before the merge.
      await new Promise(r => setTimeout(r, 2500));
      expect((await k8s(esPath)).items).toEqual([]);

      await client.rest.pulls.merge({ owner, repo: name, pull_number: 1 });
      let items: any[] = [];
      for (let i = 0; i < 20 && items.length === 0; i++) {
        await new Promise(r => setTimeout(r, 250));
        items = (await k8s(esPath)).items;
      }
      expect(items).toHaveLength(1);
      expect(items[0].status.conditions[0]).toMatchObject({
        status: 'False',
        reason: 'SecretSyncedError',
      });
      const events = await k8s(
        `/api/v1/namespaces/${app}/events?fieldSelector=${encodeURIComponent(
          `involvedObject.name=${app}-vault`,
        )}`,
      );
      expect(events.items[0]).toMatchObject({
        type: 'Warning',
        reason: 'UpdateFailed',
        message: `error processing spec.data[0] (key: apps/${app}/${app}/token), err: Secret does not exist`,
      });
      const kustomizations = await k8s(
        `/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/${app}/kustomizations`,
      );
      expect(kustomizations.items[0].status.lastAppliedRevision).toMatch(
        /^main@sha1:[0-9a-f]{40}$/,
      );
    } finally {
      await sandbox.stop();
    }
  }, 20_000);
});
