import { ResponseError } from '@backstage/errors';
import { mockApis } from '@backstage/test-utils';
import { HavenClient } from './HavenClient';
import type { EntityTelemetry } from './types';

const body: EntityTelemetry = {
  entityRef: 'component:default/orders',
  window: '1h',
  generatedAt: '2026-08-22T10:00:00Z',
  vault: { status: 'not-configured', message: 'no vault.io/secrets-path' },
  logs: { status: 'error', message: 'Loki timed out' },
  traces: { status: 'ok', traces: [] },
};

function client(response: Response) {
  const fetch = jest.fn(async (_input: RequestInfo | URL) => response);
  return {
    fetch,
    client: new HavenClient({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage:7007' }),
      fetchApi: { fetch },
    }),
  };
}

const json = (value: unknown, status = 200, statusText = 'OK') =>
  new Response(JSON.stringify(value), {
    status,
    statusText,
    headers: { 'Content-Type': 'application/json' },
  });

/** Backstage's error body for a NotAllowedError, as haven-backend sends it. */
const forbidden = (message: string) =>
  json(
    {
      error: { name: 'NotAllowedError', message },
      request: { method: 'GET', url: '/entities/...' },
      response: { statusCode: 403 },
    },
    403,
    'Forbidden',
  );

describe('HavenClient', () => {
  it('asks haven-backend for the entity and window, path segments encoded', async () => {
    const { client: c, fetch } = client(json(body));
    await expect(
      c.getTelemetry(
        { kind: 'Component', namespace: 'team a', name: 'orders/../x?y' },
        '6h',
      ),
    ).resolves.toEqual(body);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(String(fetch.mock.calls[0][0])).toBe(
      'http://backstage:7007/api/haven/entities/Component/team%20a/orders%2F..%2Fx%3Fy/telemetry?window=6h',
    );
  });

  it('turns a non-OK answer into a ResponseError with the backend error', async () => {
    const { client: c } = client(forbidden('not allowed to read'));
    const error = await c
      .getTelemetry(
        { kind: 'Component', namespace: 'default', name: 'o' },
        '1h',
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.message).toBe('Request failed with 403 Forbidden');
    expect(error.cause.name).toBe('NotAllowedError');
  });

  it('refuses a body without the three sections', async () => {
    const { client: c } = client(json({ entityRef: 'x', vault: {} }));
    await expect(
      c.getTelemetry(
        { kind: 'Component', namespace: 'default', name: 'o' },
        '1h',
      ),
    ).rejects.toThrow(/no vault, logs and traces sections/);
  });
  describe('requestDeliveryAction', () => {
    const target = {
      cluster: 'prod-eu',
      kind: 'ExternalSecret',
      namespace: 'shop',
      name: 'orders',
    };
    const answer = {
      action: 'sync',
      ...target,
      annotation: 'force-sync',
      requestedAt: '2026-12-03T12:00:00.000Z',
    };

    it('POSTs the object as JSON to the action of the entity', async () => {
      const { client: c, fetch } = client(json(answer, 202, 'Accepted'));
      await expect(
        c.requestDeliveryAction(
          { kind: 'Component', namespace: 'default', name: 'orders' },
          'sync',
          target,
        ),
      ).resolves.toEqual(answer);
      expect(fetch).toHaveBeenCalledWith(
        'http://backstage:7007/api/haven/entities/Component/default/orders/delivery/sync',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(target),
        },
      );
    });

    it('turns a refusal into a ResponseError carrying the backend message', async () => {
      const { client: c } = client(
        forbidden('You may not sync (permission haven.entity.secrets.sync)'),
      );
      const error = await c
        .requestDeliveryAction(
          { kind: 'Component', namespace: 'default', name: 'orders' },
          'sync',
          target,
        )
        .catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(403);
      expect(error.cause.message).toContain('haven.entity.secrets.sync');
    });

    it('refuses an answer without the annotation it set', async () => {
      const { client: c } = client(json({ ok: true }, 202, 'Accepted'));
      await expect(
        c.requestDeliveryAction(
          { kind: 'Component', namespace: 'default', name: 'orders' },
          'reconcile',
          { ...target, kind: 'Kustomization' },
        ),
      ).rejects.toThrow(/without the annotation it set/);
    });
  });
});
