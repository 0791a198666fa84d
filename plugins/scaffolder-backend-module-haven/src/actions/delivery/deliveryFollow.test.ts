import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { setupDoubleServer } from '@haven-plus/haven-doubles';
import { http, HttpResponse } from 'msw';
import yaml from 'yaml';
import { createDeliveryFollowAction } from './deliveryFollow';
import { examples } from './deliveryFollow.examples';
import { runAction } from '../__testUtils__/runAction';

// mockServices.discovery(): every plugin at http://localhost:0/api/<pluginId>.
const ROUTE = 'http://localhost:0/api/haven/follow-through';
const PR = 'https://github.com/haven-fleet/fleet/pull/12';
const INITIATOR = mockCredentials.user('user:default/jane');
const server = setupDoubleServer();

function route(status: number, message?: string) {
  const seen: Array<{ authorization: string | null; body: unknown }> = [];
  server.use(
    http.post(ROUTE, async ({ request }) => {
      seen.push({
        authorization: request.headers.get('authorization'),
        body: await request.json(),
      });
      return status < 300
        ? HttpResponse.json({ id: 'x', state: 'open' }, { status })
        : HttpResponse.json(
            {
              error: { name: 'InputError', message },
              response: { statusCode: status },
            },
            { status },
          );
    }),
  );
  return seen;
}

async function run(input: JsonObject, dryRun = false) {
  const action = createDeliveryFollowAction({
    auth: mockServices.auth(),
    discovery: mockServices.discovery(),
  });
  const { outputs, error, messages } = await runAction(action, input, {
    dryRun,
    context: { getInitiatorCredentials: async () => INITIATOR },
  });
  if (error) throw error;
  return { outputs, said: (level: 'info' | 'warn') => messages[level] };
}

describe('haven:delivery:follow', () => {
  it('asks the haven backend to follow the pull request as the initiator', async () => {
    const seen = route(201);
    const { outputs, said } = await run({
      entityRef: 'component:default/shop',
      pullRequestUrl: PR,
      owner: 'group:default/team-a',
    });
    expect(outputs).toEqual({ followed: true });
    expect(seen).toEqual([
      {
        authorization: expect.stringContaining('Bearer '),
        body: {
          entityRef: 'component:default/shop',
          pullRequestUrl: PR,
          owner: 'group:default/team-a',
        },
      },
    ]);
    // mockServices.auth() puts the initiator in the plugin token.
    expect(seen[0].authorization).toContain('user:default/jane');
    expect(said('info').join('\n')).toContain(`Following ${PR}`);
  });

  it('follows nothing without a pull request, and sends nothing in a dry run', async () => {
    const seen = route(201);
    expect(
      (await run({ entityRef: 'component:default/shop', pullRequestUrl: '' }))
        .outputs,
    ).toEqual({ followed: false });
    expect(
      (
        await run(
          { entityRef: 'component:default/shop', pullRequestUrl: PR },
          true,
        )
      ).outputs,
    ).toEqual({ followed: false });
    expect(seen).toEqual([]);
  });

  it('warns instead of failing the task when the backend cannot follow it', async () => {
    route(400, 'No integrations.github entry for host git.example');
    const { outputs, said } = await run({
      entityRef: 'component:default/shop',
      pullRequestUrl: PR,
    });
    expect(outputs).toEqual({ followed: false });
    expect(said('warn')).toEqual([
      'The pull request is open but will not be followed: the haven backend answered HTTP 400: No integrations.github entry for host git.example',
    ]);
  });

  it('refuses an entity reference it cannot put in a route', async () => {
    route(201);
    await expect(
      run({ entityRef: 'component:default/../x', pullRequestUrl: PR }),
    ).rejects.toThrow(/Invalid entityRef/);
  });

  it('has examples that parse', () => {
    for (const e of examples) {
      expect(yaml.parse(e.example).steps[0].action).toBe(
        'haven:delivery:follow',
      );
    }
  });
});
