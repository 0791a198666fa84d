import {
  attr,
  block,
  call,
  lokiWrite,
  obj,
  quoteAlloyString,
  ref,
  renderAlloy,
  type AlloyComponent,
  type AlloyValue,
} from '.';
import { readBack } from './__testUtils__/alloyText';

describe('renderAlloy: strings', () => {
  it.each([
    ['quote', 'a"b', '"a\\"b"'],
    ['backslash', 'C:\\dir\\', '"C:\\\\dir\\\\"'],
    ['newline', 'a\nb', '"a\\nb"'],
    ['carriage return and tab', '\r\t', '"\\r\\t"'],
    ['closing brace and comment', '} // x /* y */', '"} // x /* y */"'],
    ['Helm template', '{{ .Values.x }}', '"{\\u007b .Values.x }}"'],
    ['three braces', '{{{', '"{\\u007b{"'],
    ['NUL and escape', '\u0000\u001b', '"\\u0000\\u001b"'],
    ['BOM and line separator', '\ufeff\u2028', '"\\ufeff\\u2028"'],
    ['Unicode', 'métrica 😀', '"métrica 😀"'],
  ])('escapes a %s', (_what, value, literal) => {
    expect(quoteAlloyString(value)).toBe(literal);
    const c: AlloyComponent = {
      name: 'local.file',
      label: 'x',
      body: [attr('v', value)],
    };
    expect(readBack(renderAlloy([c]))).toEqual([c]);
  });

  it('refuses a lone surrogate, which UTF-8 cannot carry', () => {
    expect(() => quoteAlloyString('a\ud800b')).toThrow(/lone UTF-16 surrogate/);
  });

  /*
   * Property: any string survives renderAlloy -> readAlloy unchanged, as an
   * attribute, a list element and an object value, and never produces
   * "{{". fast-check is not a dependency of this package, so the strings
   * come from a seeded generator that favours the dangerous pieces.
   */
  it('round-trips arbitrary strings', () => {
    let seed = 0x5eed;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const int = (n: number) => Math.floor(rand() * n);
    const pieces = [
      '"',
      '\\',
      '\n',
      '\r',
      '\t',
      '}',
      '{',
      '{{',
      '}}',
      '//',
      '/*',
      '*/',
      '\\"',
      '"\n}\n',
      '${x}',
      '\u0000',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u2028',
      '\u2029',
      '\ufeff',
      '\ufffe',
      '\uffff',
      'é',
      '😀',
      '\u{10ffff}',
      '`',
      "'",
      '=',
      ',',
      '[',
      ']',
      '\\u007b',
      '\\n',
      'otelcol.exporter.otlp.x.input',
      'x'.repeat(90),
    ];
    const ranges: Array<[number, number]> = [
      [0x20, 0x7e],
      [0x00, 0x1f],
      [0x80, 0xd7ff],
      [0xe000, 0xffff],
      [0x10000, 0x10ffff],
    ];
    const arbitrary = () => {
      let s = '';
      const n = int(12);
      for (let i = 0; i < n; i++) {
        if (rand() < 0.5) {
          s += pieces[int(pieces.length)];
        } else {
          const [lo, hi] = ranges[int(ranges.length)];
          s += String.fromCodePoint(lo + int(hi - lo + 1));
        }
      }
      return s;
    };
    for (let i = 0; i < 500; i++) {
      const s = arbitrary();
      const c: AlloyComponent = {
        name: 'local.file',
        label: 'x',
        body: [
          attr('value', s),
          attr('list', [s, 'after', s]),
          block('nested', [attr('object', obj({ key: s, 'X-Other': [s] }))]),
        ],
      };
      const text = renderAlloy([c]);
      expect(text).not.toContain('{{');
      expect(readBack(text)).toEqual([c]);
    }
  });
});

describe('renderAlloy: structure', () => {
  it('prints lists, objects, calls, numbers and booleans', () => {
    const c: AlloyComponent = {
      name: 'loki.write',
      label: 'x',
      comment: 'Two lines\nof comment.',
      body: [
        attr('external_labels', obj({ cluster: 'a', 'k8s.cluster': 'b' })),
        attr('max_streams', 0),
        block('endpoint', [
          attr('url', call('sys.env', 'LOKI_URL')),
          attr('enable_http2', false),
          attr('min_shards', -1.5),
          attr('nothing', null),
        ]),
        block('wal', []),
      ],
    };
    const text = renderAlloy([c]);
    expect(text).toBe(
      [
        '// Two lines',
        '// of comment.',
        'loki.write "x" {',
        '  external_labels = { "cluster" = "a", "k8s.cluster" = "b" }',
        '  max_streams     = 0',
        '',
        '  endpoint {',
        '    url          = sys.env("LOKI_URL")',
        '    enable_http2 = false',
        '    min_shards   = -1.5',
        '    nothing      = null',
        '  }',
        '',
        '  wal {}',
        '}',
        '',
      ].join('\n'),
    );
    expect(readBack(text)).toEqual([c]);
  });

  it('puts long lists one element a line, each followed by a comma', () => {
    const long = Array.from({ length: 6 }, (_, i) => `namespace-number-${i}`);
    const c: AlloyComponent = {
      name: 'discovery.kubernetes',
      label: 'pods',
      body: [
        attr('role', 'pod'),
        block('namespaces', [attr('names', long)]),
        attr('nested', [obj({ a: [1, 2] }), obj({})]),
      ],
    };
    const text = renderAlloy([c]);
    expect(text).toContain(
      '    names = [\n      "namespace-number-0",\n      "namespace-number-1",',
    );
    expect(text).toContain('"namespace-number-5",\n    ]');
    expect(text).toContain(
      '  nested = [\n    {\n      "a" = [1, 2],\n    },\n    {},\n  ]',
    );
    expect(readBack(text)).toEqual([c]);
  });

  it('separates components by one blank line', () => {
    const text = renderAlloy([
      lokiWrite({ label: 'a', url: 'http://a', comment: 'A.' }),
      lokiWrite({ label: 'b', url: 'http://b', comment: 'B.' }),
    ]);
    expect(text).toBe(
      [
        '// A.',
        'loki.write "a" {',
        '  endpoint {',
        '    url = "http://a"',
        '  }',
        '}',
        '',
        '// B.',
        'loki.write "b" {',
        '  endpoint {',
        '    url = "http://b"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it.each<[string, AlloyComponent[], RegExp]>([
    [
      'a label that is not an identifier',
      [{ name: 'loki.write', label: 'my-logs', body: [] }],
      /Label "my-logs" is not an Alloy identifier/,
    ],
    [
      'a component name part starting with a digit',
      [{ name: 'loki.2write', label: 'a', body: [] }],
      /Component name part of "2write"/,
    ],
    [
      'an attribute named like a keyword',
      [{ name: 'loki.write', label: 'a', body: [attr('true', 1)] }],
      /Attribute name "true"/,
    ],
    [
      'a duplicate label',
      [
        lokiWrite({ label: 'a', url: 'http://a' }),
        lokiWrite({ label: 'a', url: 'http://b' }),
      ],
      /loki.write "a" is declared twice/,
    ],
    [
      'an object key with a quote',
      [
        {
          name: 'loki.write',
          label: 'a',
          body: [attr('external_labels', obj({ 'a"b': 'x' }))],
        },
      ],
      /Object key "a\\"b" must be/,
    ],
    [
      'a comment holding a Helm template',
      [
        {
          name: 'loki.write',
          label: 'a',
          body: [],
          comment: 'see {{ .Values }}',
        },
      ],
      /holds "\{\{", which Helm's tpl would run/,
    ],
    [
      'a number Alloy cannot write',
      [{ name: 'loki.write', label: 'a', body: [attr('x', NaN)] }],
      /NaN cannot be written/,
    ],
  ])('refuses %s', (_what, components, message) => {
    expect(() => renderAlloy(components)).toThrow(message);
  });
});

describe('renderAlloy: values', () => {
  it('keeps values of every kind intact', () => {
    const values: AlloyValue[] = [
      '',
      0,
      1e21,
      -0.25,
      true,
      null,
      [],
      obj({}),
      call('sys.env', 'A', 1),
      [ref('loki.write.a.receiver')],
    ];
    const c: AlloyComponent = {
      name: 'x.y',
      label: 'z',
      body: values.map((v, i) => attr(`v${i}`, v)),
    };
    expect(readBack(renderAlloy([c]))).toEqual([c]);
  });

  it('prints strings holding quotes as raw strings only when that is exact', () => {
    const c: AlloyComponent = {
      name: 'x.y',
      label: 'z',
      body: [
        attr('a', 'say "hi"'),
        attr('b', 'say "hi" `now`'),
        attr('c', 'say "hi"\n'),
        attr('d', '"{{ .Values }}"'),
      ],
    };
    const text = renderAlloy([c]);
    expect(text).toContain('a = `say "hi"`');
    expect(text).toContain('b = "say \\"hi\\" `now`"');
    expect(text).toContain('c = "say \\"hi\\"\\n"');
    expect(text).not.toContain('{{');
    expect(readBack(text)).toEqual([c]);
  });
});
