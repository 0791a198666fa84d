import {
  attr,
  batchProcessor,
  block,
  discoveryRelabel,
  exportOf,
  filterProcessor,
  kubernetesDiscovery,
  kubernetesLogSource,
  otlpGrpcExporter,
  otlpHttpExporter,
  otlpReceiver,
  ref,
  renderAlloy,
  type AlloyRefPath,
} from '..';
import { readBack } from '../__testUtils__/alloyText';
import { checkAlloyWiring } from '../wiring';

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
});
