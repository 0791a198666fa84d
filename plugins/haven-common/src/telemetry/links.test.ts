import { InputError } from '@backstage/errors';
import { decodeExploreUrl } from './explore';
import { telemetryLinks } from './links';

const openWebUi = {
  serviceName: 'open-webui-voorbeeld',
  serviceNamespace: 'voorbeeld',
  tenant: 'voorbeeld',
};
const grafana = {
  baseUrl: 'https://haven.example/grafana',
  datasources: { loki: 'loki', tempo: 'tempo', mimir: 'mimir' },
};
const lastHour = { from: 'now-1h', to: 'now' };
const sel =
  '{service_name="open-webui-voorbeeld", service_namespace="voorbeeld"}';
const filter =
  'resource.service.name = "open-webui-voorbeeld" && resource.service.namespace = "voorbeeld"';

describe('telemetryLinks', () => {
  it.each(['panes', 'legacy'] as const)(
    'links the Open WebUI example (%s)',
    format => {
      const links = telemetryLinks(openWebUi, { ...grafana, format });
      const check = (
        link: string,
        datasourceUid: string,
        query: Record<string, unknown>,
      ) => {
        expect(link.startsWith('https://haven.example/grafana/explore?')).toBe(
          true,
        );
        const decoded = decodeExploreUrl(link);
        expect(decoded.format).toBe(format);
        expect(decoded.datasourceUid).toBe(datasourceUid);
        expect(decoded.query).toEqual(query);
        expect(decoded.range).toEqual(lastHour);
      };
      check(links.tracesAll, 'tempo', {
        queryType: 'traceql',
        query: `{ ${filter} }`,
      });
      check(links.tracesErrors, 'tempo', {
        queryType: 'traceql',
        query: `{ ${filter} && status = error }`,
      });
      check(links.tracesSlow, 'tempo', {
        queryType: 'traceql',
        query: `{ ${filter} && duration > 1s }`,
      });
      check(links.traceById('2f3e0cee77ae5dc9c17ade3689eb2e54'), 'tempo', {
        queryType: 'traceql',
        query: '2f3e0cee77ae5dc9c17ade3689eb2e54',
      });
      check(links.logsAll, 'loki', { expr: sel, queryType: 'range' });
      check(links.logsErrors, 'loki', {
        expr: `${sel} |~ "(?i)error"`,
        queryType: 'range',
      });
      check(links.metrics, 'mimir', {
        expr: `sum(rate(http_server_request_duration_seconds_count${sel}[5m]))`,
      });
    },
  );

  it('takes a range and slow threshold', () => {
    const links = telemetryLinks(openWebUi, grafana, {
      range: { from: 'now-6h', to: 'now' },
      slowThreshold: '500ms',
    });
    expect(decodeExploreUrl(links.logsAll).range).toEqual({
      from: 'now-6h',
      to: 'now',
    });
    expect(decodeExploreUrl(links.tracesSlow).query.query).toBe(
      `{ ${filter} && duration > 500ms }`,
    );
  });

  it('rejects bad trace ids, selectors and base URLs', () => {
    const links = telemetryLinks(openWebUi, grafana);
    expect(() => links.traceById('not-hex')).toThrow(InputError);
    expect(() => links.traceById('')).toThrow(InputError);
    expect(() =>
      telemetryLinks({ ...openWebUi, lokiSelector: '{a="b"} | json' }, grafana),
    ).toThrow(InputError);
    expect(() =>
      telemetryLinks(openWebUi, { ...grafana, baseUrl: 'https://g/?x=1' }),
    ).toThrow(InputError);
  });
});
