import { pullRequestClient } from '../github/__testUtils__/pullRequestClient';
import { DELETE_FILE } from 'octokit-plugin-create-pull-request';
import {
  createVaultDouble,
  type KubernetesObject,
} from '@haven-plus/haven-doubles';
import {
  GITHUB_SANDBOX,
  startGitHubDoubleOnLoopback,
} from '../github/githubSandbox';
import { SANDBOX_DOUBLES, startSandboxDoubles } from '../sandbox';
import { startFleetSync } from './fleetSync';
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
      // The example app the branch already had is applied again with the
      // merge, and still found by its label (the Delivery card's query).
      const example = await k8s(
        `/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations?labelSelector=${encodeURIComponent(
          'backstage.io/kubernetes-id=open-webui-voorbeeld',
        )}`,
      );
      expect(example.items).toHaveLength(1);
      expect(example.items[0].status.lastAppliedRevision).toBe(
        kustomizations.items[0].status.lastAppliedRevision,
      );
    } finally {
      await sandbox.stop();
    }
  }, 20_000);
  it('prunes what a merged branch no longer lists, as Flux with prune: true, and leaves the rest', async () => {
    const github = await startGitHubDoubleOnLoopback(0);
    // A cluster double that can delete (apply and remove by identity).
    const key = (o: KubernetesObject) =>
      `${o.apiVersion.split('/')[0]}/${o.kind}/${o.metadata.namespace}/${
        o.metadata.name
      }`;
    const objects = new Map<string, KubernetesObject>();
    const cluster = {
      apply: (o: KubernetesObject) => void objects.set(key(o), o),
      remove: (o: KubernetesObject) => objects.delete(key(o)),
    };
    const sync = startFleetSync({
      github: github.double,
      vault: createVaultDouble({
        baseUrl: 'http://vault.fleet-sync.test',
        rootToken: 'root',
        kvMounts: ['kv-apps'],
      }),
      cluster,
      kvMount: 'kv-apps',
      intervalMs: 3_600_000,
    });
    try {
      const { owner, name } = GITHUB_SANDBOX.fleetRepo;
      const client = pullRequestClient(github.url, github.token);
      const listPath = 'clusters/haven-sandbox/apps/kustomization.yaml';
      const list = github.double.state.files(owner, name)[listPath];
      const change = async (
        head: string,
        files: Record<string, string | typeof DELETE_FILE>,
      ) => {
        const pr = await client.createPullRequest({
          owner,
          repo: name,
          title: head,
          body: '',
          head,
          changes: [{ files: files as any, commit: head }],
        });
        await client.rest.pulls.merge({
          owner,
          repo: name,
          pull_number: pr!.data.number,
        });
        sync.syncNow();
      };
      const appFiles = {
        [`clusters/haven-sandbox/apps/${app}.yaml`]: flux,
        [`${appDir}/kustomization.yaml`]:
          'resources:\n  - secretstore.yaml\n  - externalsecret.yaml\n',
        [`${appDir}/secretstore.yaml`]: secretStore,
        [`${appDir}/externalsecret.yaml`]: externalSecret,
      };
      await change(`add-${app}`, {
        [listPath]: `${list}  - ${app}.yaml\n`,
        ...appFiles,
      });
      const mine = () =>
        [...objects.values()]
          .filter(
            o =>
              (o.metadata.labels as Record<string, string> | undefined)?.[
                'backstage.io/kubernetes-id'
              ] === app,
          )
          .map(o => `${o.kind}/${o.metadata.name}`)
          .sort();
      expect(mine()).toEqual([
        `ExternalSecret/${app}-vault`,
        `Kustomization/${app}`,
        `SecretStore/${app}-vault`,
      ]);
      const others = [...objects.keys()].filter(
        k => !mine().some(m => k.endsWith(m.split('/')[1])),
      );

      // The decommission: its line out of the list, its files deleted.
      await change(`remove-${app}`, {
        [listPath]: list,
        ...Object.fromEntries(Object.keys(appFiles).map(f => [f, DELETE_FILE])),
      });
      expect(mine()).toEqual([]);
      expect(
        sync
          .pruned()
          .map(o => `${o.kind}/${o.metadata.name}`)
          .sort(),
      ).toEqual([
        `ExternalSecret/${app}-vault`,
        `Kustomization/${app}`,
        `SecretStore/${app}-vault`,
      ]);
      // What the branch still lists stays.
      for (const k of others) expect(objects.has(k)).toBe(true);
    } finally {
      sync.stop();
      await github.close();
    }
  });
});
