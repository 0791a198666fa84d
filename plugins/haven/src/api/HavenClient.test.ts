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
    const { client: c } = client(
      json(
        {
          error: { name: 'NotAllowedError', message: 'not allowed to read' },
          request: { method: 'GET', url: '/entities/...' },
          response: { statusCode: 403 },
        },
        403,
        'Forbidden',
      ),
    );
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
});
