import { InputError } from '@backstage/errors';
import { promSelector, promqlString, serviceRequestRate } from './promql';

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
