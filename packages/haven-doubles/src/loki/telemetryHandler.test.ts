import { setupDoubleServer } from '../contractServer';
import { createTempoDouble } from '../tempo/tempoDouble';
import { createLokiDouble } from './lokiDouble';

const TENANT = 'team-a';
const server = setupDoubleServer();

/** Each double, with a GET it serves and one it does not, and a bad request. */
const doubles = [
  {
    name: 'Loki',
    base: 'http://loki.double.test',
    create: (baseUrl: string) => createLokiDouble({ baseUrl }),
    outside: { '/ready': 'ready\n' },
    post: '/loki/api/v1/push',
    unserved: '/loki/api/v1/series (only query_range, labels and label values)',
    badRequest: '/loki/api/v1/labels?start=x',
  },
  {
    name: 'Tempo',
    base: 'http://tempo.double.test',
    create: (baseUrl: string) =>
      createTempoDouble({ baseUrl, multitenancyEnabled: true }),
    outside: { '/ready': 'ready\n', '/api/echo': 'echo' },
    post: '/api/search',
    unserved: '/api/search/tags (only search and traces by id)',
    badRequest: '/api/traces/xyz',
  },
];

describe.each(doubles)('the $name double outside its routes', d => {
  beforeEach(() => server.use(...d.create(d.base).handlers));
  const send = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${d.base}${path}`, {
      ...init,
      headers: { 'X-Scope-OrgID': TENANT },
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      nosniff: res.headers.get('x-content-type-options'),
      text: await res.text(),
    };
  };
  const error = (status: number, text: string) => ({
    status,
    type: 'text/plain; charset=utf-8',
    nosniff: 'nosniff',
    text,
  });

  it('answers its probes in plain text, outside tenancy', async () => {
    for (const [path, body] of Object.entries(d.outside)) {
      const res = await fetch(`${d.base}${path}`);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([
        path,
        200,
        'text/plain; charset=utf-8',
      ]);
      expect(await res.text()).toBe(body);
    }
  });

  it('answers 404 outside its API and 501 for what it does not serve, in plain text', async () => {
    expect(await send('/metrics')).toEqual(error(404, '404 page not found\n'));
    expect(await send(d.post, { method: 'POST' })).toEqual(
      error(501, `the ${d.name} double serves only GET ${d.post}\n`),
    );
    expect(await send(d.unserved.split(' ')[0])).toEqual(
      error(501, `the ${d.name} double does not serve GET ${d.unserved}\n`),
    );
  });

  it('answers a request it cannot read with a plain-text 400', async () => {
    const res = await send(d.badRequest);
    expect([res.status, res.type]).toEqual([400, 'text/plain; charset=utf-8']);
  });
});
