import { InputError } from '@backstage/errors';
import {
  isErrorLevel,
  logQueries,
  logqlString,
  parseStreamSelector,
  serviceLogSelector,
  streamSelector,
} from './logql';

const openWebUi = {
  serviceName: 'open-webui-voorbeeld',
  serviceNamespace: 'voorbeeld',
};

describe('logqlString', () => {
  it('escapes backslash, quote and control characters', () => {
    expect(logqlString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(logqlString('x\ny\rz\t')).toBe('"x\\ny\\rz\\t"');
    expect(logqlString('\u0000\u001b\u007f\u2028')).toBe(
      '"\\u0000\\u001b\\u007f\\u2028"',
    );
    expect(logqlString('é😀`}|')).toBe('"é😀`}|"');
  });

  it('rejects a lone surrogate', () => {
    expect(() => logqlString('a\ud800b')).toThrow(InputError);
  });
});

describe('streamSelector', () => {
  it('prints matchers', () => {
    expect(
      streamSelector([
        { label: 'a', op: '=', value: 'x' },
        { label: '_b2', op: '!~', value: 'y.*' },
      ]),
    ).toBe('{a="x", _b2!~"y.*"}');
  });

  it.each(['', '1a', 'a-b', 'a.b', 'a b', 'a"', 'a}'])(
    'rejects label name %j',
    label => {
      expect(() => streamSelector([{ label, op: '=', value: 'x' }])).toThrow(
        InputError,
      );
    },
  );

  it('rejects an unknown operator and no matchers', () => {
    expect(() =>
      streamSelector([{ label: 'a', op: '==' as '=', value: 'x' }]),
    ).toThrow(InputError);
    expect(() => streamSelector([])).toThrow(InputError);
  });
});

describe('serviceLogSelector', () => {
  it('builds the Open WebUI example exactly', () => {
    expect(serviceLogSelector(openWebUi)).toBe(
      '{service_name="open-webui-voorbeeld", service_namespace="voorbeeld"}',
    );
    expect(serviceLogSelector({ serviceName: 'open-webui-voorbeeld' })).toBe(
      '{service_name="open-webui-voorbeeld"}',
    );
  });

  it('rejects an empty service name', () => {
    expect(() => serviceLogSelector({ serviceName: '' })).toThrow(InputError);
  });

  it('re-prints a valid override from its parsed form', () => {
    expect(
      serviceLogSelector({
        ...openWebUi,
        lokiSelector:
          ' {k8s_namespace_name="voorbeeld",app=~`open-.*` ,  x!="a\\"b\\u00e9"}\n',
      }),
    ).toBe('{k8s_namespace_name="voorbeeld", app=~"open-.*", x!="a\\"bé"}');
  });

  it.each([
    '{service_name="a"} |= "" or {x=~".+"}',
    '{a="b"} | json',
    '{a="b"} |= "x"',
    '{a="b"} or {c="d"}',
    'sum(count_over_time({a="b"}[5m]))',
    '{a="b"}}',
    '{a="b"',
    '{a="b",}',
    '{}',
    '{a=b}',
    '{a="b" c="d"}',
    '{a-b="c"}',
    '{a="b\nc"}',
    '{a="\\x41"}',
    '{a="\\q"}',
    '{a="\\ud800"}',
    '{a!="b"}',
    '{a=""}',
    'a="b"',
    '',
  ])('rejects the override %j', lokiSelector => {
    expect(() => serviceLogSelector({ ...openWebUi, lokiSelector })).toThrow(
      InputError,
    );
  });

  it('explains why an override is rejected', () => {
    expect(() => parseStreamSelector('{a="b"} | json')).toThrow(
      /not a pure stream selector.*after the closing '}'/,
    );
  });
});

describe('logQueries', () => {
  it('builds the Open WebUI queries exactly', () => {
    const q = logQueries(openWebUi);
    const sel =
      '{service_name="open-webui-voorbeeld", service_namespace="voorbeeld"}';
    expect(q.all).toBe(sel);
    expect(q.errors).toBe(`${sel} |~ "(?i)error"`);
    expect(q.volumeByLevel('5m')).toBe(
      `sum by (detected_level) (count_over_time(${sel} [5m]))`,
    );
    expect(q.errorCount('1h')).toBe(
      `sum(count_over_time(${sel} |~ "(?i)error" [1h]))`,
    );
  });

  it.each([
    '',
    '5',
    'm',
    '5 m',
    '5M',
    '1w',
    '1.5h',
    '-5m',
    '0m',
    '5m]',
    '5m) or vector(1)',
  ])('rejects range %j', range => {
    const q = logQueries(openWebUi);
    expect(() => q.volumeByLevel(range)).toThrow(InputError);
    expect(() => q.errorCount(range)).toThrow(InputError);
  });

  it('counts error, fatal and critical as errors, in any case, and nothing else', () => {
    for (const level of ['error', 'fatal', 'critical', 'ERROR', 'Fatal']) {
      expect(isErrorLevel(level)).toBe(true);
    }
    for (const level of [
      'trace',
      'debug',
      'info',
      'warn',
      'unknown',
      '',
      'errors',
      undefined,
    ]) {
      expect(isErrorLevel(level)).toBe(false);
    }
  });

  it.each(['100ms', '30s', '5m', '1h', '7d'])('accepts range %j', range => {
    expect(logQueries(openWebUi).errorCount(range)).toContain(`[${range}]`);
  });
});
