import fc from 'fast-check';
import { InputError } from '@backstage/errors';
import { decodeExploreUrl, exploreUrl, ExploreUrlFormat } from './explore';

const RUNS = 200;
const formats: ExploreUrlFormat[] = ['panes', 'legacy'];

describe('exploreUrl', () => {
  it('builds the panes format of contracts.md 5.3', () => {
    const link = exploreUrl({
      baseUrl: 'https://grafana.example.nl',
      datasource: { uid: 'loki-uid', type: 'loki' },
      query: { expr: '{service_name="orders"} |= "error"' },
      range: { from: 'now-1h', to: 'now' },
    });
    const url = new URL(link);
    expect(url.origin + url.pathname).toBe(
      'https://grafana.example.nl/explore',
    );
    expect([...url.searchParams.keys()]).toEqual([
      'schemaVersion',
      'orgId',
      'panes',
    ]);
    expect(url.searchParams.get('schemaVersion')).toBe('1');
    expect(url.searchParams.get('orgId')).toBe('1');
    expect(JSON.parse(url.searchParams.get('panes')!)).toEqual({
      a: {
        datasource: 'loki-uid',
        queries: [
          {
            refId: 'A',
            datasource: { type: 'loki', uid: 'loki-uid' },
            expr: '{service_name="orders"} |= "error"',
            queryType: 'range',
          },
        ],
        range: { from: 'now-1h', to: 'now' },
      },
    });
    expect(link).not.toContain('+');
    // '+' is never used for a space: decodeURIComponent reads the same JSON.
    expect(decodeURIComponent(url.search)).toContain(' |= \\"error\\"');
  });

  it('builds the legacy object format', () => {
    const link = exploreUrl({
      baseUrl: 'http://localhost:3000/',
      orgId: 2,
      format: 'legacy',
      datasource: { uid: 'tempo-uid', type: 'tempo' },
      query: { query: '{ resource.service.name = "orders" }' },
    });
    const url = new URL(link);
    expect(url.pathname).toBe('/explore');
    expect([...url.searchParams.keys()]).toEqual(['orgId', 'left']);
    expect(url.searchParams.get('orgId')).toBe('2');
    expect(JSON.parse(url.searchParams.get('left')!)).toEqual({
      datasource: 'tempo-uid',
      queries: [
        {
          refId: 'A',
          queryType: 'traceql',
          query: '{ resource.service.name = "orders" }',
        },
      ],
      range: { from: 'now-1h', to: 'now' },
    });
  });

  it.each(formats)('keeps a Grafana subpath (%s)', format => {
    for (const baseUrl of [
      'https://x.example/grafana',
      'https://x.example/grafana/',
    ]) {
      const link = exploreUrl({
        baseUrl,
        format,
        datasource: { uid: 'm', type: 'prometheus' },
        query: { expr: 'up' },
      });
      expect(new URL(link).pathname).toBe('/grafana/explore');
      expect(link.startsWith('https://x.example/grafana/explore?')).toBe(true);
    }
  });

  it.each([
    '',
    'grafana.example',
    '/grafana',
    'ftp://grafana.example',
    'data:text/html,x',
    'file:///etc/grafana',
    'https://grafana.example/?orgId=2',
    'https://grafana.example/?',
    'https://grafana.example/#x',
    'https://user:pw@grafana.example',
  ])('rejects baseUrl %j', baseUrl => {
    expect(() =>
      exploreUrl({
        baseUrl,
        datasource: { uid: 'm', type: 'prometheus' },
        query: { expr: 'up' },
      }),
    ).toThrow(InputError);
  });

  it('rejects bad ranges, orgIds, uids, types and empty queries', () => {
    const ok = {
      baseUrl: 'https://g.example',
      datasource: { uid: 'm', type: 'prometheus' as const },
      query: { expr: 'up' },
    };
    expect(() =>
      exploreUrl({ ...ok, range: { from: 'yesterday', to: 'now' } }),
    ).toThrow(InputError);
    expect(() => exploreUrl({ ...ok, orgId: 0 })).toThrow(InputError);
    expect(() =>
      exploreUrl({ ...ok, datasource: { uid: '', type: 'prometheus' } }),
    ).toThrow(InputError);
    expect(() =>
      exploreUrl({
        ...ok,
        datasource: { uid: 'x', type: 'elastic' as 'prometheus' },
      }),
    ).toThrow(InputError);
    expect(() => exploreUrl({ ...ok, query: { expr: '' } })).toThrow(
      InputError,
    );
    expect(() =>
      exploreUrl({ ...ok, format: 'right' as ExploreUrlFormat }),
    ).toThrow(InputError);
  });
});

describe('decodeExploreUrl', () => {
  const rangeValue = fc.oneof(
    fc.constantFrom('now', 'now-1h', 'now-15m', 'now-7d', 'now-1d/d'),
    fc.integer({ min: 0, max: 4102444800000 }).map(String),
  );
  const text = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
    fc.string({
      unit: fc.constantFrom(
        '+',
        '%',
        '&',
        '=',
        '#',
        '?',
        ' ',
        '"',
        '\\',
        '\n',
        '{',
        '}',
        'é',
        '😀',
        'a',
      ),
      minLength: 1,
      maxLength: 30,
    }),
  );
  const target = fc.oneof(
    text.map(expr => ({
      datasource: { type: 'loki' as const },
      query: { expr, queryType: 'range' as const },
    })),
    text.map(query => ({
      datasource: { type: 'tempo' as const },
      query: { queryType: 'traceql' as const, query },
    })),
    text.map(expr => ({
      datasource: { type: 'prometheus' as const },
      query: { expr },
    })),
  );

  it.each(formats)('reads back the exact uid, query and range (%s)', format => {
    fc.assert(
      fc.property(
        target,
        fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
        rangeValue,
        rangeValue,
        fc.constantFrom(
          'https://grafana.example',
          'https://grafana.example/grafana',
          'http://localhost:3000/sub/path/',
        ),
        (t, uid, from, to, baseUrl) => {
          const link = exploreUrl({
            ...t,
            datasource: { ...t.datasource, uid },
            baseUrl,
            format,
            range: { from, to },
          } as Parameters<typeof exploreUrl>[0]);
          const decoded = decodeExploreUrl(link);
          expect(decoded.format).toBe(format);
          expect(decoded.orgId).toBe(1);
          expect(decoded.datasourceUid).toBe(uid);
          expect(decoded.query).toEqual(t.query);
          expect(decoded.range).toEqual({ from, to });
          // The legacy object form names the datasource without its type.
          expect(decoded.datasourceType).toBe(
            format === 'panes' ? t.datasource.type : undefined,
          );
          expect(
            link.startsWith(`${baseUrl.replace(/\/$/, '')}/explore?`),
          ).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reads the compact legacy array form', () => {
    const left = JSON.stringify([
      'now-6h',
      'now',
      'loki-uid',
      { expr: '{a="b"}' },
    ]);
    const decoded = decodeExploreUrl(
      `https://g.example/explore?orgId=1&left=${encodeURIComponent(left)}`,
    );
    expect(decoded).toEqual({
      format: 'legacy',
      orgId: 1,
      datasourceUid: 'loki-uid',
      datasourceType: undefined,
      query: { expr: '{a="b"}' },
      range: { from: 'now-6h', to: 'now' },
    });
  });

  it('rejects links without a pane', () => {
    expect(() => decodeExploreUrl('https://g.example/explore?orgId=1')).toThrow(
      InputError,
    );
    expect(() =>
      decodeExploreUrl('https://g.example/explore?panes=%7Bnot%20json'),
    ).toThrow(InputError);
  });
});
