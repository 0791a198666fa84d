import { mockServices } from '@backstage/backend-test-utils';
import { InputError, NotAllowedError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import { setupDoubleServer } from '@haven-plus/haven-doubles';
import { http, HttpResponse } from 'msw';
import yaml from 'yaml';
import { createCatalogUnregisterAction } from './catalogUnregister';
import { examples } from './catalogUnregister.examples';
import { runAction } from '../__testUtils__/runAction';

const CATALOG = 'http://catalog.test/api/catalog';
const TARGET =
  'https://github.com/haven-fleet/fleet/blob/main/apps/haven-sandbox/open-webui-voorbeeld/catalog-info.yaml';
const server = setupDoubleServer();

/** A catalog holding one location with one entity, on its REST routes. */
function catalog(opts: { target?: string; deleteStatus?: number } = {}) {
  const calls: string[] = [];
  let registered = true;
  server.use(
    http.get(
      `${CATALOG}/locations/by-entity/:kind/:namespace/:name`,
      ({ params, request }) => {
        calls.push(
          `GET ${params.kind}:${params.namespace}/${params.name} ${
            request.headers.get('authorization') ? 'with token' : 'no token'
          }`,
        );
        if (!registered || params.name !== 'open-webui-voorbeeld')
          return HttpResponse.json(
            { error: { name: 'NotFoundError' } },
            { status: 404 },
          );
        return HttpResponse.json({
          id: 'loc-1',
          type: 'url',
          target: opts.target ?? TARGET,
        });
      },
    ),
    http.delete(`${CATALOG}/locations/:id`, ({ params }) => {
      calls.push(`DELETE ${params.id}`);
      if (opts.deleteStatus)
        return new HttpResponse(null, { status: opts.deleteStatus });
      registered = false;
      return new HttpResponse(null, { status: 204 });
    }),
  );
  return calls;
}

async function run(input: JsonObject, opts: { dryRun?: boolean } = {}) {
  const action = createCatalogUnregisterAction({
    discovery: {
      getBaseUrl: async () => CATALOG,
      getExternalBaseUrl: async () => CATALOG,
    },
    auth: mockServices.auth(),
  });
  const { outputs, error, messages } = await runAction(action, input, opts);
  return { outputs, error, logs: [...messages.info, ...messages.warn] };
}

const INPUT = {
  entityRef: 'component:default/open-webui-voorbeeld',
  expectedTarget: TARGET,
};

describe('haven:catalog:unregister', () => {
  it("removes the entity's location on behalf of the user; a re-run finds it gone", async () => {
    const calls = catalog();
    const first = await run(INPUT);
    expect(first.error).toBeUndefined();
    expect(first.outputs).toEqual({ unregistered: true, target: TARGET });
    expect(calls).toEqual([
      'GET component:default/open-webui-voorbeeld with token',
      'DELETE loc-1',
    ]);
    const again = await run(INPUT);
    expect(again.error).toBeUndefined();
    expect(again.outputs).toEqual({ unregistered: false });
    expect(again.logs.join('\n')).toContain('already unregistered');
    expect(calls).toHaveLength(3);
  });

  it('leaves a location other than the expected one alone, with a warning', async () => {
    const calls = catalog({
      target: 'https://github.com/haven/examples/blob/main/entities.yaml',
    });
    const result = await run(INPUT);
    expect(result.error).toBeUndefined();
    expect(result.outputs.unregistered).toBe(false);
    expect(result.logs.join('\n')).toContain('is left alone');
    expect(calls.filter(c => c.startsWith('DELETE'))).toEqual([]);
  });

  it('deletes nothing in a dry run', async () => {
    const calls = catalog();
    const result = await run(INPUT, { dryRun: true });
    expect(result.error).toBeUndefined();
    expect(calls.filter(c => c.startsWith('DELETE'))).toEqual([]);
  });

  it('says what to do when the catalog refuses, and refuses a bad ref before any call', async () => {
    const calls = catalog({ deleteStatus: 403 });
    const denied = await run(INPUT);
    expect(denied.error).toBeInstanceOf(NotAllowedError);
    expect(denied.error?.message).toContain('catalog.location.delete');
    const bad = await run({ entityRef: 'not a ref' });
    expect(bad.error).toBeInstanceOf(InputError);
    expect(calls).toHaveLength(2);
  });

  it.each(examples.map(e => [e.description, e] as const))(
    'example: %s',
    async (_d, example) => {
      catalog();
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('haven:catalog:unregister');
      const result = await run(step.input);
      expect(result.outputs.unregistered).toBe(true);
    },
  );
});
