import { InputError } from '@backstage/errors';
import {
  HTTP_SERVER_REQUEST_COUNT_METRIC,
  prometheusCountSeries,
  promSelector,
  promqlString,
  serviceRequestRate,
} from './promql';

describe('PromQL builders', () => {
  it('builds the Open WebUI request rate exactly', () => {
    expect(serviceRequestRate({ serviceName: 'open-webui-voorbeeld' })).toBe(
      'sum(rate(http_server_request_duration_seconds_count{service_name="open-webui-voorbeeld"}[5m]))',
    );
    expect(
      serviceRequestRate(
        { serviceName: 'open-webui-voorbeeld', serviceNamespace: 'voorbeeld' },
        '1m',
      ),
    ).toBe(
      'sum(rate(http_server_request_duration_seconds_count{service_name="open-webui-voorbeeld", service_namespace="voorbeeld"}[1m]))',
    );
  });

  it('builds selectors and escapes values', () => {
    expect(promSelector([{ label: 'service_name', op: '=', value: 'x' }])).toBe(
      '{service_name="x"}',
    );
    expect(promSelector([], 'up')).toBe('up{}');
    expect(promqlString('"}) or vector(1) #')).toBe('"\\"}) or vector(1) #"');
  });

  it('rejects bad names, empty selectors and ranges', () => {
    expect(() => promSelector([{ label: 'a.b', op: '=', value: 'x' }])).toThrow(
      InputError,
    );
    expect(() => promSelector([], 'a-b')).toThrow(InputError);
    expect(() => promSelector([])).toThrow(InputError);
    expect(() => serviceRequestRate({ serviceName: 'x' }, '5m]')).toThrow(
      InputError,
    );
  });
});

describe('prometheusCountSeries', () => {
  it('names the series as Mimir stores them with suffixes on (the stack)', () => {
    // Open WebUI utils/telemetry/metrics.py: counter http.server.requests, unit "1".
    expect(
      prometheusCountSeries({
        name: 'http.server.requests',
        type: 'counter',
        unit: '1',
      }),
    ).toBe('http_server_requests_total');
    // Stable HTTP semantic conventions: histogram, unit s.
    expect(
      prometheusCountSeries({
        name: 'http.server.request.duration',
        type: 'histogram',
        unit: 's',
      }),
    ).toBe(HTTP_SERVER_REQUEST_COUNT_METRIC);
    // Open WebUI's histogram in ms; a braced unit adds nothing; no double _total.
    expect(
      prometheusCountSeries({
        name: 'http.server.duration',
        type: 'histogram',
        unit: 'ms',
      }),
    ).toBe('http_server_duration_milliseconds_count');
    expect(
      prometheusCountSeries({
        name: 'app.requests.total',
        type: 'counter',
        unit: '{request}',
      }),
    ).toBe('app_requests_total');
  });

  it("names them as Mimir's default (no suffixes) does", () => {
    expect(
      prometheusCountSeries(
        { name: 'http.server.requests', type: 'counter', unit: '1' },
        false,
      ),
    ).toBe('http_server_requests');
    expect(
      prometheusCountSeries(
        { name: 'http.server.request.duration', type: 'histogram', unit: 's' },
        false,
      ),
    ).toBe('http_server_request_duration_count');
  });

  it('refuses a gauge, which has no rate', () => {
    expect(() =>
      prometheusCountSeries({
        name: 'webui.users.active',
        type: 'gauge',
        unit: 'users',
      }),
    ).toThrow('gauge');
  });

  it("uses the entity's request metric in the request rate", () => {
    expect(
      serviceRequestRate({
        serviceName: 'open-webui-voorbeeld',
        requestMetric: 'http_server_requests_total',
      }),
    ).toBe(
      'sum(rate(http_server_requests_total{service_name="open-webui-voorbeeld"}[5m]))',
    );
  });
});
