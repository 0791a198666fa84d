import fc from 'fast-check';
import { InputError } from '@backstage/errors';
import type { TelemetryIdentity } from '../annotations';
import {
  logQueries,
  parseStreamSelector,
  serviceLogSelector,
  streamSelector,
} from './logql';
import { serviceRequestRate } from './promql';
import { serviceTraceFilter, traceQueries } from './traceql';

/*
 * Property tests: whatever unicode an annotation value holds, the built
 * queries tokenize to exactly the intended structure, one matcher per label
 * holding the original value. The tokenizer below is written for these tests
 * and shares no code with the builders.
 */

const RUNS = 300;

type Token =
  | { t: 'str'; v: string }
  | { t: 'id'; v: string }
  | { t: 'num'; v: string }
  | { t: 'op'; v: string };

const OPS = [
  '|=',
  '|~',
  '!=',
  '!~',
  '=~',
  '&&',
  '||',
  '>=',
  '<=',
  '==',
  '=',
  '>',
  '<',
  '|',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ',',
];

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

const HEX_DIGITS: Record<string, number> = { u: 4, U: 8, x: 2 };

/** Go-style double-quoted and backtick strings, idents with dots, numbers, operators. */
function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Error('unterminated string');
        const d = src[i];
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\n') throw new Error('raw newline in string');
        if (d !== '\\') {
          v += d;
          i++;
          continue;
        }
        const e = src[i + 1];
        i += 2;
        if (e in SIMPLE_ESCAPES) v += SIMPLE_ESCAPES[e];
        else if (e === 'u' || e === 'U' || e === 'x') {
          const n = HEX_DIGITS[e];
          const hex = src.slice(i, i + n);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n)
            throw new Error('bad hex escape');
          const cp = parseInt(hex, 16);
          if (cp >= 0xd800 && cp <= 0xdfff) throw new Error('surrogate escape');
          v += String.fromCodePoint(cp);
          i += n;
        } else throw new Error(`bad escape \\${e}`);
      }
      out.push({ t: 'str', v });
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) throw new Error('unterminated raw string');
      out.push({ t: 'str', v: src.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const id = /^[a-zA-Z_][a-zA-Z0-9_.]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const num = /^[0-9]+[a-zA-Z]*/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    let found: string | undefined;
    for (const o of OPS) {
      if (src.startsWith(o, i)) {
        found = o;
        break;
      }
    }
    if (!found) throw new Error(`unexpected character ${JSON.stringify(c)}`);
    out.push({ t: 'op', v: found });
    i += found.length;
  }
  return out;
}

const op = (v: string): Token => ({ t: 'op', v });
const id = (v: string): Token => ({ t: 'id', v });
const str = (v: string): Token => ({ t: 'str', v });
const num = (v: string): Token => ({ t: 'num', v });

/** Characters that end strings, selectors or stages, and awkward unicode. */
const nasty = fc.constantFrom(
  '"',
  '\\',
  '\n',
  '\r',
  '\t',
  '}',
  '{',
  '|',
  '`',
  ',',
  '=',
  '~',
  '!',
  '&',
  ' ',
  '\u0000',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u2028',
  'é',
  '😀',
  'a',
  '\\"',
  '"}',
  '\\u0041',
  '"} |= "" or {x=~".+"',
);
const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: nasty, maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const nonEmptyValue = value.filter(v => v.length > 0);
const identity: fc.Arbitrary<TelemetryIdentity> = fc.record({
  serviceName: nonEmptyValue,
  serviceNamespace: fc.option(nonEmptyValue, { nil: undefined }),
});

/** The result of `run`, or 'rejected' when it throws InputError. */
function outcome<T>(run: () => T): T | 'rejected' {
  try {
    return run();
  } catch (e) {
    if (e instanceof InputError) return 'rejected';
    throw e;
  }
}

/** `{` label op "string" (`,` label op "string")* `}` and nothing else. */
function isPureSelector(tokens: Token[]): boolean {
  const inner = tokens.slice(1, -1);
  if (tokens.length < 2 || (inner.length + 1) % 4 !== 0) return false;
  if (tokens[0].v !== '{' || tokens[tokens.length - 1].v !== '}') return false;
  return inner.every((token, k) => {
    switch (k % 4) {
      case 0:
        return token.t === 'id';
      case 1:
        return token.t === 'op' && ['=', '!=', '=~', '!~'].includes(token.v);
      case 2:
        return token.t === 'str';
      default:
        return token.t === 'op' && token.v === ',';
    }
  });
}

function selectorTokens(
  matchers: Array<[string, string, string]>,
  separator = ',',
): Token[] {
  const body = matchers.flatMap(([label, o, v], index) => [
    ...(index > 0 ? [op(separator)] : []),
    id(label),
    op(o),
    str(v),
  ]);
  return [op('{'), ...body, op('}')];
}

function serviceMatchers(
  who: TelemetryIdentity,
  name: string,
  namespace: string,
): Array<[string, string, string]> {
  return [
    [name, '=', who.serviceName],
    ...(who.serviceNamespace
      ? [[namespace, '=', who.serviceNamespace] as [string, string, string]]
      : []),
  ];
}

describe('LogQL builders keep every value inside its own string', () => {
  it('serviceLogSelector has exactly one matcher per label', () => {
    fc.assert(
      fc.property(identity, who => {
        const expected = selectorTokens(
          serviceMatchers(who, 'service_name', 'service_namespace'),
        );
        expect(tokenize(serviceLogSelector(who))).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('errors, volumeByLevel and errorCount add only their own stages', () => {
    fc.assert(
      fc.property(identity, who => {
        const sel = selectorTokens(
          serviceMatchers(who, 'service_name', 'service_namespace'),
        );
        const filter = [op('|~'), str('(?i)error')];
        const q = logQueries(who);
        expect(tokenize(q.all)).toEqual(sel);
        expect(tokenize(q.errors)).toEqual([...sel, ...filter]);
        expect(tokenize(q.volumeByLevel('5m'))).toEqual([
          id('sum'),
          id('by'),
          op('('),
          id('detected_level'),
          op(')'),
          op('('),
          id('count_over_time'),
          op('('),
          ...sel,
          op('['),
          num('5m'),
          op(']'),
          op(')'),
          op(')'),
        ]);
        expect(tokenize(q.errorCount('1h'))).toEqual([
          id('sum'),
          op('('),
          id('count_over_time'),
          op('('),
          ...sel,
          ...filter,
          op('['),
          num('1h'),
          op(']'),
          op(')'),
          op(')'),
        ]);
      }),
      { numRuns: RUNS },
    );
  });

  it('streamSelector output parses back (both parsers) to the same matchers', () => {
    const matcher = fc.record({
      label: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/),
      op: fc.constantFrom(
        '=' as const,
        '!=' as const,
        '=~' as const,
        '!~' as const,
      ),
      value,
    });
    fc.assert(
      fc.property(fc.array(matcher, { minLength: 1, maxLength: 5 }), ms => {
        const printed = streamSelector(ms);
        expect(tokenize(printed)).toEqual(
          selectorTokens(ms.map(m => [m.label, m.op, m.value])),
        );
        // parseStreamSelector also demands one = or =~ matcher with a value.
        const positive = ms.some(
          m => (m.op === '=' || m.op === '=~') && m.value !== '',
        );
        expect(outcome(() => parseStreamSelector(printed))).toEqual(
          positive ? ms : 'rejected',
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('a lokiSelector override is either rejected or printed as a pure selector', () => {
    const text = fc.oneof(
      fc.string({ unit: nasty, maxLength: 30 }).map(s => `{a="${s}"}`),
      fc
        .tuple(fc.string({ unit: nasty, maxLength: 15 }), value)
        .map(([a, b]) => `{service_name=${a}${b}}`),
      fc.string({ unit: nasty, maxLength: 40 }),
    );
    fc.assert(
      fc.property(text, lokiSelector => {
        const printed = outcome(() =>
          serviceLogSelector({ serviceName: 'x', lokiSelector }),
        );
        expect(
          printed === 'rejected' || isPureSelector(tokenize(printed)),
        ).toBe(true);
        // Printing again from the parsed form keeps the same matchers.
        expect(
          printed === 'rejected' ? 'rejected' : parseStreamSelector(printed),
        ).toEqual(outcome(() => parseStreamSelector(lokiSelector)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('TraceQL builders keep every value inside its own string', () => {
  it('filters, errors and slow have one condition per attribute', () => {
    fc.assert(
      fc.property(identity, who => {
        const conditions = serviceMatchers(
          who,
          'resource.service.name',
          'resource.service.namespace',
        ).flatMap(([attr, o, v], index) => [
          ...(index > 0 ? [op('&&')] : []),
          id(attr),
          op(o),
          str(v),
        ]);
        const q = traceQueries(who);
        expect(tokenize(serviceTraceFilter(who))).toEqual([
          op('{'),
          ...conditions,
          op('}'),
        ]);
        expect(tokenize(q.all)).toEqual([op('{'), ...conditions, op('}')]);
        expect(tokenize(q.allWithStatus)).toEqual([
          op('{'),
          ...conditions,
          op('}'),
          op('|'),
          id('select'),
          op('('),
          id('status'),
          op(')'),
        ]);
        expect(tokenize(q.errors)).toEqual([
          op('{'),
          ...conditions,
          op('&&'),
          id('status'),
          op('='),
          id('error'),
          op('}'),
        ]);
        expect(tokenize(q.slow('1s'))).toEqual([
          op('{'),
          ...conditions,
          op('&&'),
          id('duration'),
          op('>'),
          num('1s'),
          op('}'),
        ]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('PromQL builder keeps every value inside its own string', () => {
  it('serviceRequestRate has one matcher per label', () => {
    fc.assert(
      fc.property(identity, who => {
        const sel = selectorTokens(
          serviceMatchers(who, 'service_name', 'service_namespace'),
        );
        expect(tokenize(serviceRequestRate(who))).toEqual([
          id('sum'),
          op('('),
          id('rate'),
          op('('),
          id('http_server_request_duration_seconds_count'),
          ...sel,
          op('['),
          num('5m'),
          op(']'),
          op(')'),
          op(')'),
        ]);
      }),
      { numRuns: RUNS },
    );
  });
});
