import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse as parseYaml } from 'yaml';
import { renderAlloy, type AlloyBlock } from './alloy';
import {
  AlloySyntaxError,
  checkAlloyWiring,
  readAlloy,
  type AlloyProblem,
} from './alloyWiring';
import { clusterAlloyPipeline } from './clusterPipeline';

const CLUSTER = {
  lokiUrl: 'http://loki-gateway.observability.svc.cluster.local',
  mimirUrl: 'http://mimir-gateway.observability.svc.cluster.local',
  tempoEndpoint: 'tempo.observability.svc.cluster.local:4317',
};

/** A small pipeline whose parts the broken-wiring cases change. */
const GOOD = `otelcol.receiver.otlp "default" {
  grpc {
    endpoint = "0.0.0.0:4317"
  }

  output {
    metrics = [otelcol.processor.batch.default.input]
    logs    = [otelcol.processor.batch.default.input]
  }
}

otelcol.processor.batch "default" {
  output {
    metrics = [otelcol.exporter.prometheus.mimir.input]
    logs    = [otelcol.exporter.otlphttp.loki.input]
  }
}

otelcol.exporter.prometheus "mimir" {
  forward_to = [prometheus.remote_write.mimir.receiver]
}

prometheus.remote_write "mimir" {
  endpoint {
    url = "http://mimir:9009/api/v1/push"
  }
}

otelcol.exporter.otlphttp "loki" {
  client {
    endpoint = "http://loki:3100/otlp"
  }
}
`;

describe('checkAlloyWiring', () => {
  it.each([
    [
      'with pod logs and a tenant',
      { tenant: 'team-a', collectPodLogs: true, namespaces: ['apps'] },
    ],
    ['OTLP only', { collectPodLogs: false }],
  ])(
    'finds nothing wrong in the rendered cluster pipeline (%s)',
    (_what, extra) => {
      const text = renderAlloy(clusterAlloyPipeline({ ...CLUSTER, ...extra }));
      expect(checkAlloyWiring(text)).toEqual([]);
    },
  );

  it('finds nothing wrong in the small pipeline', () => {
    expect(checkAlloyWiring(GOOD)).toEqual([]);
  });

  it.each<[string, string, string, AlloyProblem[]]>([
    [
      'a reference to an undeclared component',
      'logs    = [otelcol.exporter.otlphttp.loki.input]',
      'logs    = [otelcol.exporter.otlphttp.lokii.input]',
      [
        {
          kind: 'undeclared-component',
          severity: 'error',
          message:
            'otelcol.processor.batch "default" output.logs[0] (line 15) references otelcol.exporter.otlphttp.lokii.input, but no otelcol.exporter.otlphttp "lokii" is declared (declared otelcol.exporter.otlphttp labels: "loki")',
          line: 15,
          column: 16,
        },
        {
          kind: 'dead-end',
          severity: 'warning',
          message:
            'otelcol.exporter.otlphttp "loki" (line 29) is a dead end: no component references its input, so it never receives data',
          line: 29,
          column: 1,
        },
      ],
    ],
    [
      'a reference to an export the component does not have',
      'forward_to = [prometheus.remote_write.mimir.receiver]',
      'forward_to = [prometheus.remote_write.mimir.input]',
      [
        {
          kind: 'unknown-export',
          severity: 'error',
          message:
            'otelcol.exporter.prometheus "mimir" forward_to[0] (line 20) references prometheus.remote_write.mimir.input, but prometheus.remote_write exports only receiver (prometheus.remote_write.md)',
          line: 20,
          column: 17,
        },
      ],
    ],
    [
      'logs sent to a metrics-only exporter',
      'logs    = [otelcol.exporter.otlphttp.loki.input]',
      'logs    = [otelcol.exporter.prometheus.mimir.input, otelcol.exporter.otlphttp.loki.input]',
      [
        {
          kind: 'signal-mismatch',
          severity: 'error',
          message:
            'otelcol.processor.batch "default" output.logs[0] (line 15) sends logs to otelcol.exporter.prometheus "mimir", which takes metrics only (otelcol.exporter.prometheus.md: "input accepts otelcol.Consumer data for metrics. Other telemetry signals are ignored.")',
          line: 15,
          column: 16,
        },
      ],
    ],
    [
      'a dead-end exporter',
      'logs    = [otelcol.exporter.otlphttp.loki.input]\n',
      '',
      [
        {
          kind: 'signal-dropped',
          severity: 'warning',
          message:
            'otelcol.processor.batch "default" (line 12) receives logs from otelcol.receiver.otlp "default" but its output block sends no logs: they are dropped',
          line: 12,
          column: 1,
        },
        {
          kind: 'dead-end',
          severity: 'warning',
          message:
            'otelcol.exporter.otlphttp "loki" (line 28) is a dead end: no component references its input, so it never receives data',
          line: 28,
          column: 1,
        },
      ],
    ],
    [
      'a duplicate label',
      'otelcol.exporter.otlphttp "loki" {',
      'otelcol.exporter.otlphttp "loki" {\n  client {\n    endpoint = "http://a/otlp"\n  }\n}\n\notelcol.exporter.otlphttp "loki" {',
      [
        {
          kind: 'duplicate-label',
          severity: 'error',
          message:
            'otelcol.exporter.otlphttp "loki" at line 35 repeats the label of line 29; labels must be unique per component type (syntax.md)',
          line: 35,
          column: 1,
        },
      ],
    ],
    [
      'a logs receiver where metrics are expected',
      'forward_to = [prometheus.remote_write.mimir.receiver]',
      'forward_to = [loki.write.default.receiver]\n}\n\nloki.write "default" {\n  endpoint {\n    url = "http://loki:3100/loki/api/v1/push"\n  }',
      [
        {
          kind: 'type-mismatch',
          severity: 'error',
          message:
            'otelcol.exporter.prometheus "mimir" forward_to[0] (line 20) takes MetricsReceiver, but loki.write.default.receiver is a LogsReceiver (otelcol.exporter.prometheus.md, loki.write.md)',
          line: 20,
          column: 17,
        },
        {
          kind: 'dead-end',
          severity: 'warning',
          message:
            'prometheus.remote_write "mimir" (line 29) is a dead end: no component references its receiver, so it never receives data',
          line: 29,
          column: 1,
        },
      ],
    ],
    [
      'a syntax error',
      'url = "http://mimir:9009/api/v1/push"',
      'url = "http://mimir:9009/api/v1/push',
      [
        {
          kind: 'syntax',
          severity: 'error',
          message: 'line 25, column 11: string literal not terminated',
          line: 25,
          column: 11,
        },
      ],
    ],
    [
      'a missing required argument',
      '  forward_to = [prometheus.remote_write.mimir.receiver]\n',
      '',
      [
        {
          kind: 'missing-required',
          severity: 'error',
          message:
            'otelcol.exporter.prometheus "mimir" (line 19) lacks forward_to, which otelcol.exporter.prometheus.md marks required',
          line: 19,
          column: 1,
        },
        {
          kind: 'dead-end',
          severity: 'warning',
          message:
            'prometheus.remote_write "mimir" (line 22) is a dead end: no component references its receiver, so it never receives data',
          line: 22,
          column: 1,
        },
      ],
    ],
  ])('reports %s', (_what, from, to, problems) => {
    expect(GOOD).toContain(from);
    expect(checkAlloyWiring(GOOD.replace(from, to))).toEqual(problems);
  });

  it('reports a reference into a receiver, which exports nothing', () => {
    const text = GOOD.replace(
      'logs    = [otelcol.exporter.otlphttp.loki.input]',
      'logs    = [otelcol.exporter.otlphttp.loki.input, otelcol.receiver.otlp.default.input]',
    );
    expect(checkAlloyWiring(text)).toEqual([
      expect.objectContaining({
        kind: 'unknown-export',
        message:
          'otelcol.processor.batch "default" output.logs[1] (line 15) references otelcol.receiver.otlp.default.input, but otelcol.receiver.otlp exports nothing (otelcol.receiver.otlp.md)',
      }),
    ]);
  });

  it('warns about gRPC endpoints with a scheme and otlphttp endpoints with a signal path', () => {
    const text = `otelcol.receiver.otlp "in" {
  http {}

  output {
    traces = [otelcol.exporter.otlp.tempo.input]
    logs   = [otelcol.exporter.otlphttp.loki.input]
  }
}

otelcol.exporter.otlp "tempo" {
  client {
    endpoint = "http://tempo:4317"
  }
}

otelcol.exporter.otlphttp "loki" {
  client {
    endpoint = "http://loki:3100/otlp/v1/logs"
  }
}
`;
    expect(checkAlloyWiring(text).map(p => [p.kind, p.line])).toEqual([
      ['endpoint-format', 10],
      ['endpoint-format', 16],
    ]);
  });

  it('flags components the reference docs do not cover, but reads them', () => {
    // otelcol.exporter.otlphttp.md, "Grafana Cloud" example: a raw string and
    // an auth handler from otelcol.auth.basic, which has no doc in our reference.
    const text = `otelcol.exporter.otlphttp "default" {
  client {
    endpoint = \`https://otlp-gateway-prod-gb-south-0.grafana.net/otlp\`
    auth     = otelcol.auth.basic.creds.handler
  }
}

otelcol.auth.basic "creds" {
  client_auth {
    username = sys.env("OTLP_USERNAME")
    password = sys.env("OTLP_API_KEY")
  }
}
`;
    expect(checkAlloyWiring(text)).toEqual([
      expect.objectContaining({
        kind: 'dead-end',
        message:
          'otelcol.exporter.otlphttp "default" (line 1) is a dead end: no component references its input, so it never receives data',
      }),
      expect.objectContaining({
        kind: 'unknown-component',
        message:
          'otelcol.auth.basic "creds" (line 8) is not in the reference docs (shared/reference/alloy/); its exports and arguments are not checked',
      }),
    ]);
  });

  it('accepts the docs example with empty blocks and sys.env', () => {
    // otelcol.receiver.otlp.md, "Example".
    const text = `otelcol.receiver.otlp "default" {
  http {}
  grpc {}

  output {
    metrics = [otelcol.processor.batch.default.input]
    logs    = [otelcol.processor.batch.default.input]
    traces  = [otelcol.processor.batch.default.input]
  }
}

otelcol.processor.batch "default" {
  output {
    metrics = [otelcol.exporter.otlphttp.default.input]
    logs    = [otelcol.exporter.otlphttp.default.input]
    traces  = [otelcol.exporter.otlphttp.default.input]
  }
}

otelcol.exporter.otlphttp "default" {
  client {
    endpoint = sys.env("<OTLP_ENDPOINT>")
  }
}
`;
    expect(checkAlloyWiring(text)).toEqual([]);
  });
});

describe('pod logs through discovery.relabel', () => {
  const podLogs = () =>
    renderAlloy(
      clusterAlloyPipeline({
        ...CLUSTER,
        tenant: 'team-a',
        collectPodLogs: true,
        namespaces: ['apps'],
      }),
    );

  /** The rule blocks of a component as read back, one record per rule. */
  function rulesOf(text: string, name: string, label: string) {
    const component = readAlloy(text).components.find(
      c => c.name === name && c.label === label,
    );
    expect(component).toBeDefined();
    return component!.body
      .filter((item): item is AlloyBlock => item.kind === 'block')
      .map(b => {
        expect(b.name).toBe('rule');
        return Object.fromEntries(
          b.body.map(a => {
            if (a.kind !== 'attribute') throw new Error('nested block in rule');
            return [a.key, a.value];
          }),
        );
      });
  }

  it('wires discovery.kubernetes -> discovery.relabel -> loki.source.kubernetes', () => {
    const text = podLogs();
    expect(checkAlloyWiring(text)).toEqual([]);
    const { references } = readAlloy(text);
    expect(
      references
        .filter(r => r.at === 'targets')
        .map(r => [`${r.from.component} "${r.from.label}"`, r.path]),
    ).toEqual([
      ['discovery.relabel "pod_logs"', 'discovery.kubernetes.pods.targets'],
      ['loki.source.kubernetes "pods"', 'discovery.relabel.pod_logs.output'],
    ]);
  });

  it('reads back exactly the rules that label pod logs, service_name lowest priority first', () => {
    expect(rulesOf(podLogs(), 'discovery.relabel', 'pod_logs')).toEqual([
      {
        source_labels: ['__meta_kubernetes_namespace'],
        target_label: 'namespace',
        action: 'replace',
      },
      {
        source_labels: ['__meta_kubernetes_pod_name'],
        target_label: 'pod',
        action: 'replace',
      },
      {
        source_labels: ['__meta_kubernetes_pod_container_name'],
        target_label: 'container',
        action: 'replace',
      },
      {
        source_labels: ['__meta_kubernetes_namespace'],
        target_label: 'service_namespace',
        action: 'replace',
      },
      // service_name: the fallback first, the preferred value last.
      {
        source_labels: ['__meta_kubernetes_pod_container_name'],
        target_label: 'service_name',
        action: 'replace',
      },
      {
        source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'],
        regex: '(.+)',
        target_label: 'service_name',
        action: 'replace',
      },
      {
        source_labels: [
          '__meta_kubernetes_pod_label_backstage_io_kubernetes_id',
        ],
        regex: '(.+)',
        target_label: 'service_name',
        action: 'replace',
      },
    ]);
  });

  /**
   * The `replace` action as Alloy runs it (grafana/alloy
   * internal/component/common/relabel/process.go): join the source values
   * (a missing label reads as ""), match the regex anchored at both ends,
   * skip on no match, expand the replacement, and delete the target label
   * when the result is empty. Only what these rules use.
   */
  function applyReplaceRules(
    rules: Array<Record<string, unknown>>,
    target: Record<string, string>,
  ): Record<string, string> {
    const labels = { ...target };
    for (const rule of rules) {
      expect(rule.action ?? 'replace').toBe('replace');
      const value = (rule.source_labels as string[])
        .map(l => labels[l] ?? '')
        .join((rule.separator as string | undefined) ?? ';');
      const re = new RegExp(`^(?:${(rule.regex as string) ?? '(.*)'})$`);
      const m = re.exec(value);
      if (!m) continue;
      const res = ((rule.replacement as string) ?? '$1').replace(
        /\$\{?(\d+)\}?/g,
        (_all, n) => m[Number(n)] ?? '',
      );
      if (res === '') delete labels[rule.target_label as string];
      else labels[rule.target_label as string] = res;
    }
    return labels;
  }

  it.each([
    [
      'backstage.io/kubernetes-id first (the OTLP service.name of template apps)',
      {
        __meta_kubernetes_pod_label_app_kubernetes_io_name: 'open-webui',
        __meta_kubernetes_pod_label_backstage_io_kubernetes_id: 'voorbeeld',
      },
      'voorbeeld',
    ],
    [
      'then app.kubernetes.io/name',
      { __meta_kubernetes_pod_label_app_kubernetes_io_name: 'open-webui' },
      'open-webui',
    ],
    [
      'an empty kubernetes-id falls through',
      {
        __meta_kubernetes_pod_label_app_kubernetes_io_name: 'open-webui',
        __meta_kubernetes_pod_label_backstage_io_kubernetes_id: '',
      },
      'open-webui',
    ],
    ['then the container name', {}, 'web'],
  ])('names the service: %s', (_what, podLabels, serviceName) => {
    const rules = rulesOf(podLogs(), 'discovery.relabel', 'pod_logs');
    const labels = applyReplaceRules(rules, {
      __meta_kubernetes_namespace: 'apps',
      __meta_kubernetes_pod_name: 'web-7d9f-abcde',
      __meta_kubernetes_pod_container_name: 'web',
      __meta_kubernetes_pod_uid: '0c1d',
      ...podLabels,
    });
    expect(labels).toMatchObject({
      namespace: 'apps',
      pod: 'web-7d9f-abcde',
      container: 'web',
      service_namespace: 'apps',
      service_name: serviceName,
    });
    // What loki.source.kubernetes needs to find the container is still there.
    expect(labels.__meta_kubernetes_pod_uid).toBe('0c1d');
  });

  it('would lose the fallback with the default regex, which is why the rules set "(.+)"', () => {
    const rules = rulesOf(podLogs(), 'discovery.relabel', 'pod_logs').map(
      ({ regex: _regex, ...rule }) => rule,
    );
    const labels = applyReplaceRules(rules, {
      __meta_kubernetes_namespace: 'apps',
      __meta_kubernetes_pod_name: 'web-1',
      __meta_kubernetes_pod_container_name: 'web',
    });
    expect(labels.service_name).toBeUndefined();
  });

  const RELABELLED = `discovery.kubernetes "pods" {
  role = "pod"
}

discovery.relabel "pod_logs" {
  targets = discovery.kubernetes.pods.targets

  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
}

loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pod_logs.output
  forward_to = [loki.write.default.receiver]
}

loki.write "default" {
  endpoint {
    url = "http://loki:3100/loki/api/v1/push"
  }
}
`;

  it('finds nothing wrong in a small relabelled pipeline', () => {
    expect(checkAlloyWiring(RELABELLED)).toEqual([]);
  });

  it('reports targets taken from a discovery.relabel that is not declared', () => {
    const text = RELABELLED.replace(
      'targets    = discovery.relabel.pod_logs.output',
      'targets    = discovery.relabel.podlogs.output',
    );
    expect(checkAlloyWiring(text)).toEqual([
      {
        kind: 'dead-end',
        severity: 'warning',
        message:
          'discovery.relabel "pod_logs" (line 5) is a dead end: nothing uses its output, rules',
        line: 5,
        column: 1,
      },
      {
        kind: 'undeclared-component',
        severity: 'error',
        message:
          'loki.source.kubernetes "pods" targets (line 15) references discovery.relabel.podlogs.output, but no discovery.relabel "podlogs" is declared (declared discovery.relabel labels: "pod_logs")',
        line: 15,
        column: 16,
      },
    ]);
  });

  it('reports the cluster pipeline with its discovery.relabel left out', () => {
    const components = clusterAlloyPipeline({
      ...CLUSTER,
      collectPodLogs: true,
    }).filter(c => c.name !== 'discovery.relabel');
    expect(
      checkAlloyWiring(renderAlloy(components)).map(p => [p.kind, p.message]),
    ).toEqual([
      [
        'dead-end',
        expect.stringMatching(
          /^discovery\.kubernetes "pods" \(line \d+\) is a dead end: nothing uses its targets$/,
        ),
      ],
      [
        'undeclared-component',
        expect.stringMatching(
          /^loki\.source\.kubernetes "pods" targets \(line \d+\) references discovery\.relabel\.pod_logs\.output, but no discovery\.relabel "pod_logs" is declared$/,
        ),
      ],
    ]);
  });

  it('reports the rules export where targets are expected, and a missing targets argument', () => {
    const text = RELABELLED.replace(
      'targets    = discovery.relabel.pod_logs.output',
      'targets    = discovery.relabel.pod_logs.rules',
    ).replace('  targets = discovery.kubernetes.pods.targets\n', '');
    expect(checkAlloyWiring(text)).toEqual([
      {
        kind: 'dead-end',
        severity: 'warning',
        message:
          'discovery.kubernetes "pods" (line 1) is a dead end: nothing uses its targets',
        line: 1,
        column: 1,
      },
      {
        kind: 'missing-required',
        severity: 'error',
        message:
          'discovery.relabel "pod_logs" (line 5) lacks targets, which discovery.relabel.md marks required',
        line: 5,
        column: 1,
      },
      {
        kind: 'type-mismatch',
        severity: 'error',
        message:
          'loki.source.kubernetes "pods" targets (line 14) takes Targets, but discovery.relabel.pod_logs.rules is a RelabelRules (loki.source.kubernetes.md, discovery.relabel.md)',
        line: 14,
        column: 16,
      },
    ]);
  });
});

describe('readAlloy', () => {
  it('lists every reference with the component and argument holding it', () => {
    const { components, references } = readAlloy(GOOD);
    expect(components.map(c => [c.name, c.label, c.line])).toEqual([
      ['otelcol.receiver.otlp', 'default', 1],
      ['otelcol.processor.batch', 'default', 12],
      ['otelcol.exporter.prometheus', 'mimir', 19],
      ['prometheus.remote_write', 'mimir', 23],
      ['otelcol.exporter.otlphttp', 'loki', 29],
    ]);
    expect(
      references.map(r => [
        `${r.from.component} "${r.from.label}"`,
        r.at,
        r.path,
        r.line,
      ]),
    ).toEqual([
      [
        'otelcol.receiver.otlp "default"',
        'output.metrics[0]',
        'otelcol.processor.batch.default.input',
        7,
      ],
      [
        'otelcol.receiver.otlp "default"',
        'output.logs[0]',
        'otelcol.processor.batch.default.input',
        8,
      ],
      [
        'otelcol.processor.batch "default"',
        'output.metrics[0]',
        'otelcol.exporter.prometheus.mimir.input',
        14,
      ],
      [
        'otelcol.processor.batch "default"',
        'output.logs[0]',
        'otelcol.exporter.otlphttp.loki.input',
        15,
      ],
      [
        'otelcol.exporter.prometheus "mimir"',
        'forward_to[0]',
        'prometheus.remote_write.mimir.receiver',
        20,
      ],
    ]);
    expect(references[4].ref).toEqual({
      kind: 'ref',
      component: 'prometheus.remote_write',
      label: 'mimir',
      export: 'receiver',
    });
  });

  it.each([
    [
      // syntax.md's own "Expressions can span multiple lines" example has no
      // comma after the last element; Alloy's parser inserts a terminator
      // there and reports a missing comma.
      'a multi-line list without a final comma',
      'x "y" {\n  targets = [\n    { "__address__" = "server1:9090" },\n    { "__address__" = "server2:9090" }\n  ]\n}\n',
      'line 4, column 39: missing "," before the newline: in Alloy every element of a multi-line list ends with a comma',
    ],
    [
      // contracts.md section 4 writes `client { endpoint = "tempo:4317"  tls { insecure = true } }`.
      'two statements on one line',
      'otelcol.exporter.otlp "tempo" {\n  client { endpoint = "tempo:4317"  tls { insecure = true } }\n}\n',
      'line 2, column 37: expected a newline after the statement, got identifier tls (one attribute or block per line)',
    ],
    [
      'a label that is not an identifier',
      'loki.write "my-logs" {\n}\n',
      'line 1, column 12: expected block label to be a valid identifier, but got "my-logs"',
    ],
    [
      'a single-quoted string',
      'a "b" {\n  x = \'y\'\n}\n',
      'line 2, column 7: illegal single-quoted string; use double quotes',
    ],
    [
      'an unknown escape',
      'a "b" {\n  x = "\\q"\n}\n',
      'line 2, column 8: unknown escape sequence \\q',
    ],
    [
      'an unclosed block',
      'a "b" {\n  x = 1\n',
      'line 3, column 1: expected "}" to close the block, got the end of the text',
    ],
    [
      'an operator',
      'a "b" {\n  x = 1 + 2\n}\n',
      'line 2, column 9: operator + is outside the subset readAlloy reads (no expressions with operators)',
    ],
    [
      'a NUL byte',
      'a "b" {\n  x = "\u0000"\n}\n',
      'line 2, column 8: illegal character NUL',
    ],
  ])('reports %s with its line', (_what, text, message) => {
    expect(() => readAlloy(text)).toThrow(AlloySyntaxError);
    expect(() => readAlloy(text)).toThrow(message);
  });

  it('keeps the comment lines right above a component, not others', () => {
    const { components } = readAlloy(
      '// file header\n\n// What a does.\n// Second line.\nloki.write "a" { // trailing\n  // inside\n}\n',
    );
    expect(components[0].comment).toBe('What a does.\nSecond line.');
  });
});

describe("the research note's Alloy configuration", () => {
  const fixture = join(__dirname, '__fixtures__', 'seed-alloy-values.yaml');
  const content: string = parseYaml(readFileSync(fixture, 'utf8')).alloy
    .configMap.content;

  it('is read: nine components, ten references', () => {
    const { components, references } = readAlloy(content);
    expect(components.map(c => `${c.name} "${c.label}"`)).toEqual([
      'otelcol.receiver.otlp "default"',
      'otelcol.processor.batch "default"',
      'otelcol.exporter.prometheus "mimir"',
      'prometheus.remote_write "mimir"',
      'otelcol.exporter.loki "default"',
      'loki.write "default"',
      'otelcol.exporter.otlp "tempo"',
      'discovery.kubernetes "pods"',
      'loki.source.kubernetes "pods"',
    ]);
    expect(references).toHaveLength(10);
    expect(components[0].comment).toBe('Receive OTLP telemetry');
  });

  it('is wired correctly; its only finding is the scheme on the Tempo gRPC endpoint', () => {
    expect(checkAlloyWiring(content)).toEqual([
      {
        kind: 'endpoint-format',
        severity: 'warning',
        message:
          'otelcol.exporter.otlp "tempo" (line 48) has client.endpoint "http://tempo.observability.svc:4317"; otelcol.exporter.otlp.md documents "host:port" for the gRPC client, without a scheme',
        line: 48,
        column: 1,
      },
    ]);
  });

  const note = '/work/shared/seed-research.md';
  it('matches the note it was copied from, where the note is present', () => {
    if (!existsSync(note)) return;
    const text = readFileSync(note, 'utf8');
    const section = text.slice(
      text.indexOf('#### Alloy Configuration for OTLP Ingestion'),
    );
    const start = section.indexOf('```yaml\n') + 8;
    const yaml = section.slice(start, section.indexOf('```', start));
    expect(parseYaml(yaml).alloy.configMap.content).toBe(content);
  });
});
