import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import { setupDoubleServer } from '@haven-plus/haven-doubles';
import { http, HttpResponse } from 'msw';
import yaml from 'yaml';
import { createDeliverySyncAction, HavenBackendError } from './deliverySync';
import { examples } from './deliverySync.examples';
import { runAction } from '../__testUtils__/runAction';

// mockServices.discovery(): every plugin at http://localhost:0/api/<pluginId>.
const ROUTE =
  'http://localhost:0/api/haven/entities/component/default/open-webui-voorbeeld/delivery/sync';
const INPUT = {
  entityRef: 'component:default/open-webui-voorbeeld',
  cluster: 'haven-sandbox',
  namespace: 'open-webui-voorbeeld',
  name: 'open-webui-voorbeeld-vault',
};
const INITIATOR = mockCredentials.user('user:default/jane');

const server = setupDoubleServer();

interface Seen {
  authorization: string | null;
  body: unknown;
}

/** The route as router.ts answers it: 202 with the result, or a Backstage error body. */
function route(answer: { status: number; message?: string; name?: string }) {
  const seen: Seen[] = [];
  server.use(
    http.post(ROUTE, async ({ request }) => {
      const body = await request.json();
      seen.push({ authorization: request.headers.get('authorization'), body });
      if (answer.status === 202) {
        return HttpResponse.json(
          {
            action: 'sync',
            ...(body as object),
            annotation: 'force-sync',
            requestedAt: '2026-12-03T12:00:00.000Z',
          },
          { status: 202 },
        );
      }
      return HttpResponse.json(
        {
          error: { name: answer.name ?? 'Error', message: answer.message },
          request: { method: 'POST', url: ROUTE },
          response: { statusCode: answer.status },
        },
        { status: answer.status },
      );
    }),
  );
  return seen;
}

async function run(input: JsonObject, opts: { dryRun?: boolean } = {}) {
  const action = createDeliverySyncAction({
    auth: mockServices.auth(),
    discovery: mockServices.discovery(),
  });
  const { outputs, error, messages } = await runAction(action, input, {
    ...opts,
    context: { getInitiatorCredentials: async () => INITIATOR },
  });
  return { outputs, logs: messages.info, error };
}

describe('haven:delivery:sync', () => {
  it("asks the haven backend's Sync now route, on behalf of the initiator", async () => {
    const seen = route({ status: 202 });
    const result = await run(INPUT);
    expect(result.error).toBeUndefined();
    expect(seen).toEqual([
      {
        authorization: mockCredentials.service.header({
          onBehalfOf: INITIATOR,
          targetPluginId: 'haven',
        }),
        body: {
          cluster: 'haven-sandbox',
          kind: 'ExternalSecret',
          namespace: 'open-webui-voorbeeld',
          name: 'open-webui-voorbeeld-vault',
        },
      },
    ]);
    expect(result.outputs).toEqual({
      annotation: 'force-sync',
      requestedAt: '2026-12-03T12:00:00.000Z',
    });
    expect(result.logs.join('\n')).toContain(
      'Asked ESO to sync ExternalSecret open-webui-voorbeeld/open-webui-voorbeeld-vault in cluster haven-sandbox of component:default/open-webui-voorbeeld',
    );
  });

  it("turns the route's 403 into a NotAllowedError that says which permission", async () => {
    route({
      status: 403,
      name: 'NotAllowedError',
      message:
        'You may not sync the ExternalSecrets of component:default/open-webui-voorbeeld (permission haven.entity.secrets.sync)',
    });
    const result = await run(INPUT);
    expect(result.error).toBeInstanceOf(NotAllowedError);
    expect(result.error?.message).toContain(
      'You may not sync ExternalSecret open-webui-voorbeeld/open-webui-voorbeeld-vault in cluster haven-sandbox of component:default/open-webui-voorbeeld: You may not sync the ExternalSecrets of',
    );
    expect(result.error?.message).toContain(
      'Ask a platform administrator for the haven.entity.secrets.sync permission',
    );
  });

  it.each([
    [400, InputError, 'No cluster named "elsewhere"'],
    [404, NotFoundError, 'No entity component:default/open-webui-voorbeeld'],
    [409, ConflictError, 'does not exist (any more)'],
    [502, HavenBackendError, 'Could not reach the API server'],
  ] as const)(
    "turns HTTP %s into a %p with the route's reason",
    async (status, type, message) => {
      route({ status, message });
      const result = await run(INPUT);
      expect(result.error).toBeInstanceOf(type);
      expect(result.error?.message).toContain(message);
    },
  );

  it('dry run: says what it would ask, and sends nothing', async () => {
    const seen = route({ status: 202 });
    const result = await run(INPUT, { dryRun: true });
    expect(result.error).toBeUndefined();
    expect(seen).toEqual([]);
    expect(result.outputs).toEqual({});
    expect(result.logs.join('\n')).toContain(
      `POST /entities/component/default/open-webui-voorbeeld/delivery/sync`,
    );
    expect(result.logs.join('\n')).toContain('dry run: nothing is sent');
  });

  it.each([
    [{ ...INPUT, entityRef: 'open-webui-voorbeeld' }, 'Invalid entityRef'],
    [{ ...INPUT, entityRef: 'component:default/../x' }, 'Invalid entityRef'],
    [{ ...INPUT, namespace: 'Not_A_Label' }, 'namespace'],
    [{ ...INPUT, name: 'a/b' }, 'name'],
  ])('refuses bad input before any request (%#)', async (input, message) => {
    const seen = route({ status: 202 });
    const result = await run(input);
    expect(result.error).toBeInstanceOf(InputError);
    expect(result.error?.message).toContain(message);
    expect(seen).toEqual([]);
  });

  it('takes kind:name as an entity in the default namespace', async () => {
    const seen = route({ status: 202 });
    const result = await run({
      ...INPUT,
      entityRef: 'Component:open-webui-voorbeeld',
    });
    expect(result.error).toBeUndefined();
    expect(seen).toHaveLength(1);
  });

  it.each(examples.map(e => [e.description, e] as const))(
    'example: %s',
    async (_d, example) => {
      const seen = route({ status: 202 });
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('haven:delivery:sync');
      const result = await run(step.input);
      expect(result.error).toBeUndefined();
      expect(seen).toHaveLength(1);
    },
  );
});
