import { InputError } from '@backstage/errors';
import {
  serviceTraceFilter,
  traceIdOrThrow,
  traceQueries,
  traceqlString,
} from './traceql';

const openWebUi = {
  serviceName: 'open-webui-voorbeeld',
  serviceNamespace: 'voorbeeld',
};

describe('TraceQL builders', () => {
  it('builds the Open WebUI queries exactly', () => {
    const filter =
      'resource.service.name = "open-webui-voorbeeld" && resource.service.namespace = "voorbeeld"';
    expect(serviceTraceFilter(openWebUi)).toBe(`{ ${filter} }`);
    const q = traceQueries(openWebUi);
    expect(q.all).toBe(`{ ${filter} }`);
    expect(q.errors).toBe(`{ ${filter} && status = error }`);
    expect(q.allWithStatus).toBe(`{ ${filter} } | select(status)`);
    expect(q.slow('1s')).toBe(`{ ${filter} && duration > 1s }`);
    expect(q.slow('250ms')).toBe(`{ ${filter} && duration > 250ms }`);
    expect(serviceTraceFilter({ serviceName: 'open-webui-voorbeeld' })).toBe(
      '{ resource.service.name = "open-webui-voorbeeld" }',
    );
  });

  it('escapes strings', () => {
    expect(traceqlString('a" } || { true')).toBe('"a\\" } || { true"');
    expect(traceqlString('\\\n')).toBe('"\\\\\\n"');
  });

  it.each(['', '1', 's', '1 s', '1.5s', '-1s', '0s', '1d', '1s }', '1S'])(
    'rejects slow threshold %j',
    threshold => {
      expect(() => traceQueries(openWebUi).slow(threshold)).toThrow(InputError);
    },
  );

  it.each(['0', 'a', '2f3e0cee77ae5dc9c17ade3689eb2e54', 'ABCDEF0123456789'])(
    'accepts trace id %j',
    traceId => {
      expect(traceIdOrThrow(traceId)).toBe(traceId);
    },
  );

  it.each([
    '',
    '2f3e0cee77ae5dc9c17ade3689eb2e54a',
    'xyz',
    '12 34',
    '1234-5678',
    '0x1234',
    '1234\n',
    '"} || {',
  ])('rejects trace id %j', traceId => {
    expect(() => traceIdOrThrow(traceId)).toThrow(InputError);
  });
});
