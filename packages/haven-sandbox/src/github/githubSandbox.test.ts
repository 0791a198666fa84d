/* eslint-disable @backstage/no-undeclared-imports -- The real Backstage
 * clients these tests drive are hoisted in the monorepo but not yet
 * devDependencies of this package: @backstage/config,
 * @backstage/backend-defaults, @backstage/backend-test-utils.
 * Remove this line once they are declared. */
import { parse, parseDocument } from 'yaml';
import { ConfigReader } from '@backstage/config';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import {
  fleetRepositorySeed,
  GITHUB_SANDBOX,
  startGitHubDoubleOnLoopback,
} from './githubSandbox';
import { pullRequestClient } from './__testUtils__/pullRequestClient';
import { DELETE_FILE } from 'octokit-plugin-create-pull-request';

const APPS = 'clusters/haven-sandbox/apps/kustomization.yaml';
const FLUX = 'clusters/haven-sandbox/apps/open-webui-voorbeeld.yaml';

describe('the sandbox fleet repository', () => {
  it('lists the one delivered app, with a comment line on top and on its entry', () => {
    const text = fleetRepositorySeed().files[APPS] as string;
    expect(text.split('\n')[0]).toMatch(/^# /);
    expect(text).toMatch(/- open-webui-voorbeeld\.yaml # /);
    expect(parse(text)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['open-webui-voorbeeld.yaml'],
    });
    expect(parseDocument(text).errors).toEqual([]);
  });

  it('holds the app’s Flux Kustomization and its app folder', () => {
    const files = fleetRepositorySeed().files;
    expect(Object.keys(files).sort()).toEqual([
      'README.md',
      'apps/haven-sandbox/open-webui-voorbeeld/kustomization.yaml',
      APPS,
      FLUX,
    ]);
    expect(parse(files[FLUX] as string)).toEqual({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: {
        name: 'open-webui-voorbeeld',
        namespace: 'flux-system',
        labels: { 'backstage.io/kubernetes-id': 'open-webui-voorbeeld' },
      },
      spec: {
        interval: '10m',
        path: './apps/haven-sandbox/open-webui-voorbeeld',
        prune: true,
        wait: true,
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
        dependsOn: [{ name: 'infrastructure' }],
      },
    });
    expect(
      parse(
        files[
          'apps/haven-sandbox/open-webui-voorbeeld/kustomization.yaml'
        ] as string,
      ),
    ).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [],
    });
  });
});

/** Opens a pull request that adds the app `chat` to the sandbox fleet repository. */
const addChat = (
  client: ReturnType<typeof pullRequestClient>,
  title: string,
  body: string,
) => {
  const { owner, name } = GITHUB_SANDBOX.fleetRepo;
  return client.createPullRequest({
    owner,
    repo: name,
    title,
    body,
    head: 'add-chat',
    changes: [
      {
        files: {
          'apps/haven-sandbox/chat/kustomization.yaml': 'resources: []\n',
        },
        commit: 'Add chat',
      },
    ],
  });
};

describe('the GitHub double on loopback', () => {
  it('takes a pull request over real HTTP and serves the merged result to GithubUrlReader', async () => {
    const github = await startGitHubDoubleOnLoopback(0);
    try {
      expect(github.token).toBe(GITHUB_SANDBOX.token);
      const { owner, name } = GITHUB_SANDBOX.fleetRepo;
      const client = pullRequestClient(github.url, github.token);
      const pr = await addChat(client, 'Add chat', '');
      expect(pr?.data.html_url).toBe(
        'https://github.com/haven-fleet/fleet/pull/1',
      );
      await client.rest.pulls.merge({ owner, repo: name, pull_number: 1 });

      const reader = UrlReaders.default({
        config: new ConfigReader({
          integrations: {
            github: [
              {
                host: 'github.com',
                apiBaseUrl: github.url,
                token: github.token,
              },
            ],
          },
        }),
        logger: mockServices.logger.mock(),
      });
      const tree = await reader.readTree(
        `https://github.com/${owner}/${name}/tree/main/apps/haven-sandbox`,
      );
      const files = await tree.files();
      expect(files.map(f => f.path).sort()).toEqual([
        'chat/kustomization.yaml',
        'open-webui-voorbeeld/kustomization.yaml',
      ]);
    } finally {
      await github.close();
    }
  });

  it('drops the socket on an injected reset', async () => {
    const github = await startGitHubDoubleOnLoopback(0);
    try {
      github.double.faults.inject({ reset: true, times: 1 });
      await expect(
        fetch(`${github.url}/repos/haven-fleet/fleet`, {
          headers: { authorization: `token ${github.token}` },
        }),
      ).rejects.toThrow();
      const ok = await fetch(`${github.url}/repos/haven-fleet/fleet`, {
        headers: { authorization: `token ${github.token}` },
      });
      expect(ok.status).toBe(200);
    } finally {
      await github.close();
    }
  });

  it('serves a pull request page that shows the change and merges it through the API', async () => {
    const github = await startGitHubDoubleOnLoopback(0, {
      pullRequestPages: true,
    });
    try {
      const { owner, name } = GITHUB_SANDBOX.fleetRepo;
      const client = pullRequestClient(github.url, github.token);
      const pr = await addChat(client, 'Add <chat>', 'Adds chat');
      const htmlUrl = pr!.data.html_url;
      expect(htmlUrl).toBe(`${github.url}/${owner}/${name}/pull/1`);

      const open = await fetch(htmlUrl);
      expect(open.status).toBe(200);
      expect(open.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await open.text();
      expect(html).toContain('Add &lt;chat&gt;');
      expect(html).toContain('apps/haven-sandbox/chat/kustomization.yaml');
      expect(html).toContain('Merge pull request');
      expect(html).not.toContain(github.token);

      const merged = await fetch(`${htmlUrl}/merge`, {
        method: 'POST',
        redirect: 'manual',
      });
      expect(merged.status).toBe(303);
      expect(github.double.state.pulls(owner, name)[0].merged).toBe(true);
      expect(
        github.double.state.files(owner, name, 'main')[
          'apps/haven-sandbox/chat/kustomization.yaml'
        ],
      ).toBe('resources: []\n');
      expect(await (await fetch(htmlUrl)).text()).toContain('Merged');
      // A second merge is refused by the API and said on the page.
      const again = await fetch(`${htmlUrl}/merge`, { method: 'POST' });
      expect(again.status).toBe(405);
      expect(await again.text()).toContain('Pull Request is not mergeable');
      expect(
        (await fetch(`${github.url}/${owner}/${name}/pull/9`)).status,
      ).toBe(404);
    } finally {
      await github.close();
    }
  });
  it("shows a decommission's deleted files and its one-line edit on the pull request page", async () => {
    const github = await startGitHubDoubleOnLoopback(0, {
      pullRequestPages: true,
    });
    try {
      const { owner, name } = GITHUB_SANDBOX.fleetRepo;
      const seed = fleetRepositorySeed().files;
      const entry = (seed[APPS] as string)
        .split('\n')
        .find(l => l.includes('- open-webui-voorbeeld.yaml'))!;
      const client = pullRequestClient(github.url, github.token);
      const pr = await client.createPullRequest({
        owner,
        repo: name,
        title: 'Decommission open-webui-voorbeeld',
        body: '',
        head: 'decommission',
        changes: [
          {
            files: {
              [APPS]: (seed[APPS] as string).replace(`${entry}\n`, ''),
              [FLUX]: DELETE_FILE,
              'apps/haven-sandbox/open-webui-voorbeeld/kustomization.yaml':
                DELETE_FILE,
            },
            commit: 'Decommission open-webui-voorbeeld',
          },
        ],
      });
      const html = await (await fetch(pr!.data.html_url)).text();
      const row = (file: string) =>
        html.match(new RegExp(`<tr><td>${file}</td><td>([a-z]+)</td>`))?.[1];
      expect(row(FLUX)).toBe('deleted');
      expect(
        row('apps/haven-sandbox/open-webui-voorbeeld/kustomization.yaml'),
      ).toBe('deleted');
      expect(row(APPS)).toBe('modified');
      // The one line taken out, and nothing else.
      const diff = html.match(/<pre class="diff">([^]*?)<\/pre>/)?.[1];
      expect(diff).toBe(
        `<del>- ${entry.replace(/'/g, '&#39;').replace(/"/g, '&quot;')}</del>`,
      );
    } finally {
      await github.close();
    }
  });
});
