import { InputError } from '@backstage/errors';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import {
  attr,
  batchProcessor,
  block,
  call,
  discoveryRelabel,
  exportOf,
  filterProcessor,
  kubernetesDiscovery,
  kubernetesLogSource,
  lokiWrite,
  obj,
  otlpGrpcExporter,
  otlpHttpExporter,
  otlpReceiver,
  quoteAlloyString,
  ref,
  renderAlloy,
  type AlloyComponent,
  type AlloyRefPath,
  type AlloyValue,
} from './alloy';
import { checkAlloyWiring, readAlloy } from './alloyWiring';
import { clusterAlloyPipeline, podLabelMeta } from './clusterPipeline';

const CLUSTER = {
  lokiUrl: 'http://loki-gateway.observability.svc.cluster.local',
  mimirUrl: 'http://mimir-gateway.observability.svc.cluster.local',
  tempoEndpoint: 'tempo-distributor.observability.svc.cluster.local:4317',
};

/** Components as read back, without the positions readAlloy adds. */
function readBack(text: string): AlloyComponent[] {
  return readAlloy(text).components.map(
    ({ line: _line, column: _column, ...c }) => c,
  );
}

describe('renderAlloy: the cluster pipeline', () => {
  it('renders the full pipeline like the docs examples', () => {
    const text = renderAlloy(
      clusterAlloyPipeline({
        ...CLUSTER,
        tenant: 'team-a',
        collectPodLogs: true,
        namespaces: ['team-a', 'team-b'],
      }),
    );
    expect(text).toMatchSnapshot();
  });

  it('renders the OTLP-only pipeline for a single-tenant cluster', () => {
    const text = renderAlloy(
      clusterAlloyPipeline({ ...CLUSTER, collectPodLogs: false }),
    );
    expect(text).toMatchSnapshot();
    expect(text).not.toContain('X-Scope-OrgID');
    expect(text).not.toContain('loki.source.kubernetes');
  });

  it('writes the output block exactly as otelcol.receiver.otlp.md does', () => {
    const text = renderAlloy(
      clusterAlloyPipeline({ ...CLUSTER, collectPodLogs: false }),
    );
    expect(text).toContain(
      [
        '  output {',
        '    metrics = [otelcol.processor.batch.default.input]',
        '    logs    = [otelcol.processor.batch.default.input]',
        '    traces  = [otelcol.processor.batch.default.input]',
        '  }',
      ].join('\n'),
    );
    // contracts.md 4: otlphttp to <loki>/otlp and <mimir>/otlp, Tempo over gRPC.
    expect(text).toContain(
      'endpoint = "http://loki-gateway.observability.svc.cluster.local/otlp"',
    );
    expect(text).toContain(
      'endpoint = "http://mimir-gateway.observability.svc.cluster.local/otlp"',
    );
    expect(text).toContain(
      [
        'otelcol.exporter.otlp "tempo" {',
        '  client {',
        '    endpoint = "tempo-distributor.observability.svc.cluster.local:4317"',
        '',
        '    tls {',
        '      insecure = true',
        '    }',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  it('reads back to the same components', () => {
    const components = clusterAlloyPipeline({
      ...CLUSTER,
      tenant: 'team-a',
      collectPodLogs: true,
    });
    expect(readBack(renderAlloy(components))).toEqual(components);
  });

  it('survives the trip through Helm values YAML unchanged', () => {
    const text = renderAlloy(
      clusterAlloyPipeline({
        ...CLUSTER,
        tenant: 'a"b\\c',
        collectPodLogs: true,
      }),
    );
    const values = stringifyYaml({ alloy: { configMap: { content: text } } });
    expect(parseYaml(values).alloy.configMap.content).toBe(text);
  });

  it('refuses base URLs that already carry an API path, and schemes on the gRPC endpoint', () => {
    expect(() =>
      clusterAlloyPipeline({
        ...CLUSTER,
        lokiUrl: `${CLUSTER.lokiUrl}/otlp`,
        collectPodLogs: false,
      }),
    ).toThrow(/lokiUrl must be the service's base URL/);
    expect(() =>
      clusterAlloyPipeline({
        ...CLUSTER,
        tempoEndpoint: 'http://tempo:4317',
        collectPodLogs: false,
      }),
    ).toThrow(/must be host:port, without a scheme/);
    expect(() =>
      clusterAlloyPipeline({
        ...CLUSTER,
        collectPodLogs: true,
        namespaces: ['Team A'],
      }),
    ).toThrow(InputError);
    const text = renderAlloy(
      clusterAlloyPipeline({
        ...CLUSTER,
        lokiUrl: `${CLUSTER.lokiUrl}/`,
        collectPodLogs: true,
      }),
    );
    expect(text).toContain(`url = "${CLUSTER.lokiUrl}/loki/api/v1/push"`);
  });
});

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

describe('typed builders', () => {
  it('refuses references to exports a component does not have', () => {
    expect(() =>
      ref('otelcol.receiver.otlp.default.input' as AlloyRefPath),
    ).toThrow(
      'otelcol.receiver.otlp has no export "input" (otelcol.receiver.otlp.md: exports nothing)',
    );
    expect(() => ref('loki.write.default.input' as AlloyRefPath)).toThrow(
      'loki.write has no export "input" (loki.write.md: exports receiver)',
    );
  });

  it('refuses to send logs to a metrics-only exporter', () => {
    expect(() =>
      batchProcessor({
        label: 'default',
        output: { logs: [ref('otelcol.exporter.prometheus.mimir.input')] },
      }),
    ).toThrow(
      'otelcol.processor.batch "default": output.logs cannot go to otelcol.exporter.prometheus "mimir" (otelcol.exporter.prometheus.md: "input accepts otelcol.Consumer data for metrics. Other telemetry signals are ignored.")',
    );
  });

  it('checks endpoints and required parts', () => {
    expect(() =>
      otlpReceiver({
        label: 'a',
        output: { logs: [ref('otelcol.processor.batch.b.input')] },
      }),
    ).toThrow(/listens nowhere/);
    expect(() =>
      otlpReceiver({ label: 'a', grpcEndpoint: '0.0.0.0:4317', output: {} }),
    ).toThrow(/output block is required/);
    expect(() =>
      otlpHttpExporter({ label: 'a', endpoint: 'loki:3100' }),
    ).toThrow(/http\(s\) base URL/);
    expect(() =>
      otlpGrpcExporter({ label: 'a', endpoint: 'tempo', insecure: true }),
    ).toThrow(/host:port/);
    expect(
      otlpGrpcExporter({ label: 'a', endpoint: '[::1]:4317', insecure: false })
        .body,
    ).toEqual([block('client', [attr('endpoint', '[::1]:4317')])]);
    expect(() =>
      batchProcessor({
        label: 'a',
        sendBatchSize: 1000,
        sendBatchMaxSize: 10,
        output: { traces: [ref('otelcol.exporter.otlp.t.input')] },
      }),
    ).toThrow(/send_batch_max_size must be 0 or at least send_batch_size/);
  });

  it('writes discovery.relabel rule blocks like the discovery.relabel.md example', () => {
    const relabel = discoveryRelabel({
      label: 'keep_backend_only',
      targets: ref('discovery.kubernetes.pods.targets'),
      rules: [
        {
          sourceLabels: ['__address__', 'instance'],
          separator: '/',
          targetLabel: 'destination',
          action: 'replace',
        },
        { sourceLabels: ['app'], action: 'keep', regex: 'backend' },
      ],
      comment: 'Keeps the backend.',
    });
    expect(renderAlloy([relabel])).toBe(
      [
        '// Keeps the backend.',
        'discovery.relabel "keep_backend_only" {',
        '  targets = discovery.kubernetes.pods.targets',
        '',
        '  rule {',
        '    source_labels = ["__address__", "instance"]',
        '    separator     = "/"',
        '    target_label  = "destination"',
        '    action        = "replace"',
        '  }',
        '',
        '  rule {',
        '    source_labels = ["app"]',
        '    regex         = "backend"',
        '    action        = "keep"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(readBack(renderAlloy([relabel]))).toEqual([relabel]);
  });

  it('refuses relabel rules Alloy would refuse, and meta labels discovery never sets', () => {
    const targets = ref('discovery.kubernetes.pods.targets');
    const relabel =
      (rule: Parameters<typeof discoveryRelabel>[0]['rules'][0]) => () =>
        discoveryRelabel({ label: 'r', targets, rules: [rule] });
    expect(relabel({ sourceLabels: ['a'] })).toThrow(
      'discovery.relabel "r": rule with action "replace" needs targetLabel',
    );
    expect(relabel({ sourceLabels: ['a'], targetLabel: 'app.name' })).toThrow(
      /targetLabel "app.name", which is not a label name/,
    );
    expect(
      relabel({ sourceLabels: ['a'], targetLabel: 'x', action: 'hashmod' }),
    ).toThrow(/needs a positive integer modulus/);
    expect(
      relabel({ sourceLabels: ['a'], regex: 'tmp_.*', action: 'labeldrop' }),
    ).toThrow(/takes only regex/);
    expect(
      relabel({
        sourceLabels: ['__meta_kubernetes_pod_label_app.kubernetes.io/name'],
        targetLabel: 'app',
      }),
    ).toThrow(/which service discovery never sets/);
    expect(
      relabel({
        action: 'labelmap',
        regex: '__meta_kubernetes_pod_label_(.+)',
      }),
    ).not.toThrow();
    expect(
      relabel({
        sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'],
        targetLabel: '${1}_app',
      }),
    ).not.toThrow();
    expect(() =>
      discoveryRelabel({
        label: 'r',
        targets: ref('discovery.relabel.other.rules') as never,
        rules: [],
      }),
    ).toThrow(
      'discovery.relabel "r": targets must come from a Targets export (list(map(string))); discovery.relabel.other.rules is not one',
    );
  });

  it('lets loki.source.kubernetes take relabelled targets', () => {
    const pods = kubernetesDiscovery({ label: 'pods', role: 'pod' });
    const relabel = discoveryRelabel({
      label: 'pod_logs',
      targets: exportOf(pods, 'targets'),
      rules: [],
    });
    const tail = kubernetesLogSource({
      label: 'pods',
      targets: exportOf(relabel, 'output'),
      forwardTo: [ref('loki.write.default.receiver')],
    });
    expect(renderAlloy([tail])).toContain(
      'targets    = discovery.relabel.pod_logs.output',
    );
  });

  it('names pod labels as discovery.kubernetes sanitises them', () => {
    expect(podLabelMeta('app.kubernetes.io/name')).toBe(
      '__meta_kubernetes_pod_label_app_kubernetes_io_name',
    );
    expect(podLabelMeta('backstage.io/kubernetes-id')).toBe(
      '__meta_kubernetes_pod_label_backstage_io_kubernetes_id',
    );
  });

  it('writes the tenant as X-Scope-OrgID and tenant_id', () => {
    const text = renderAlloy(
      clusterAlloyPipeline({
        ...CLUSTER,
        tenant: 'team-a',
        collectPodLogs: true,
      }),
    );
    expect(
      text.match(/headers {2}= \{ "X-Scope-OrgID" = "team-a" \}/g),
    ).toHaveLength(3);
    expect(text).toContain('tenant_id = "team-a"');
  });

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

  it('writes otelcol.processor.filter condition blocks as the filter docs describe them', () => {
    const conditions = ['resource.attributes["service.namespace"] == "shop"'];
    const filter = filterProcessor({
      label: 'shop',
      errorMode: 'ignore',
      traces: [{ conditions }],
      metrics: [{ context: 'resource', conditions }],
      logs: [{ conditions }],
      output: { logs: [ref('otelcol.exporter.otlphttp.loki.input')] },
    });
    const text = renderAlloy([filter]);
    expect(text).toContain(
      [
        'otelcol.processor.filter "shop" {',
        '  error_mode = "ignore"',
        '',
        '  trace_conditions {',
        '    conditions = [`resource.attributes["service.namespace"] == "shop"`]',
        '  }',
        '',
        '  metric_conditions {',
        '    context    = "resource"',
        '    conditions = [`resource.attributes["service.namespace"] == "shop"`]',
        '  }',
      ].join('\n'),
    );
    expect(readBack(text)).toEqual([filter]);
    // Its input is an otelcol.Consumer for every signal (catalog entry).
    const batch = batchProcessor({
      label: 'b',
      output: { traces: [exportOf(filter, 'input')] },
    });
    expect(batch.body).toHaveLength(1);
  });

  it('refuses a filter that drops nothing, an empty condition and a context its signal lacks', () => {
    const output = { logs: [ref('otelcol.exporter.otlphttp.loki.input')] };
    expect(() => filterProcessor({ label: 'f', output })).toThrow(
      /no conditions, so it would drop nothing/,
    );
    expect(() =>
      filterProcessor({ label: 'f', logs: [{ conditions: [' '] }], output }),
    ).toThrow(/needs at least one non-empty condition/);
    expect(() =>
      filterProcessor({
        label: 'f',
        logs: [{ context: 'span', conditions: ['true'] }],
        output,
      }),
    ).toThrow('log_conditions takes context resource, log, not "span"');
  });

  it('lets checkAlloyWiring know the filter: a filter nothing sends to is a dead end', () => {
    const text = renderAlloy([
      filterProcessor({
        label: 'orphan',
        traces: [{ conditions: ['true'] }],
        output: { traces: [ref('otelcol.exporter.otlp.tempo.input')] },
      }),
      otlpGrpcExporter({
        label: 'tempo',
        endpoint: 'tempo:4317',
        insecure: true,
      }),
    ]);
    expect(checkAlloyWiring(text).map(p => [p.kind, p.message])).toEqual([
      [
        'dead-end',
        expect.stringContaining(
          'otelcol.processor.filter "orphan" (line 2) is a dead end',
        ),
      ],
    ]);
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
