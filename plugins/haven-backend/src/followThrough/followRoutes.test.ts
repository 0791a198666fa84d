import type { AddressInfo } from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createGitHubDouble,
  setupDoubleServer,
} from '@haven-plus/haven-doubles';
import { openGithubPull } from '@haven-plus/haven-test-utils';
import { http, passthrough } from 'msw';
import havenPlugin from '../index';

jest.setTimeout(30_000);

const API = 'https://api.github.com';
const TOKEN = 'ghp-follow-routes-5e2b';
const access = {
  apiBaseUrl: API,
  token: TOKEN,
  owner: 'haven-fleet',
  repo: 'fleet',
};
const server = setupDoubleServer();

const shop: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'shop', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

async function start() {
  const double = createGitHubDouble({
    baseUrl: API,
    token: TOKEN,
    repositories: [
      { owner: 'haven-fleet', name: 'fleet', files: { 'README.md': '#\n' } },
    ],
  });
  server.use(...double.handlers);
  const { server: backend } = await startTestBackend({
    features: [
      havenPlugin,
      mockServices.rootConfig.factory({
        data: {
          integrations: { github: [{ host: 'github.com', token: TOKEN }] },
          haven: { followThrough: { enabled: false } },
        },
      }),
      catalogServiceMock.factory({ entities: [shop] }),
    ],
  });
  const base = `http://localhost:${
    (backend.address() as AddressInfo).port
  }/api/haven`;
  server.use(http.all(`${base}/*`, () => passthrough()));
  const headers = {
    authorization: mockCredentials.user.header('user:default/ada'),
    'content-type': 'application/json',
  };
  return {
    async follow(body: unknown) {
      const res = await fetch(`${base}/follow-through`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    async view(name = 'shop') {
      const res = await fetch(
        `${base}/entities/component/default/${name}/follow-through`,
        { headers },
      );
      return { status: res.status, body: await res.json() };
    },
  };
}

describe('follow-through routes', () => {
  it('follows a pull request once and shows it as the entity’s newest', async () => {
    const backend = await start();
    const pull = await openGithubPull(access, 'shop');
    expect(await backend.view()).toEqual({
      status: 200,
      body: { followThrough: null },
    });
    const body = {
      entityRef: 'component:default/shop',
      owner: 'team-a',
      pullRequestUrl: pull.html_url,
    };
    const first = await backend.follow(body);
    expect(first.status).toBe(201);
    expect(first.body.state).toBe('open');
    expect((await backend.follow(body)).status).toBe(200);

    const { body: shown } = await backend.view();
    expect(shown.followThrough).toMatchObject({
      pullRequest: { url: pull.html_url, state: 'open' },
      outcome: 'waiting',
      reason: 'waiting for the pull request to be merged',
    });
  });

  it('refuses bad input before anything is stored', async () => {
    const backend = await start();
    const refused = [
      await backend.follow({ entityRef: 'component:default/shop' }),
      await backend.follow({
        entityRef: 'component:default/shop',
        pullRequestUrl:
          'https://git.elsewhere.example/haven-fleet/fleet/pull/1',
      }),
      await backend.follow({
        entityRef: 'component:default/shop',
        pullRequestUrl: 'https://github.com/haven-fleet/fleet/tree/main',
      }),
      await backend.follow({ entityRef: '', pullRequestUrl: 'x' }),
    ];
    expect(refused.map(r => [r.status, r.body.error.name])).toEqual([
      [400, 'InputError'],
      [400, 'InputError'],
      [400, 'InputError'],
      [400, 'InputError'],
    ]);
    expect(refused[1].body.error.message).toContain(
      'No integrations.github entry for host git.elsewhere.example',
    );
    expect(refused[3].body.error.message).toContain('"entityRef"');
    expect((await backend.view()).body).toEqual({ followThrough: null });
  });

  it('answers 404 for an entity the caller cannot see', async () => {
    const backend = await start();
    const res = await backend.view('hidden');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('component:default/hidden');
  });
});
