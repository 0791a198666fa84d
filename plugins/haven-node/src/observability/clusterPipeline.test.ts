import { InputError } from '@backstage/errors';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { renderAlloy, type AlloyBlock } from './alloy';
import { readBack } from './alloy/__testUtils__/alloyText';
import { readAlloy } from './alloy/reader';
import { checkAlloyWiring } from './alloy/wiring';
import { clusterAlloyPipeline, podLabelMeta } from './clusterPipeline';

const CLUSTER = {
  lokiUrl: 'http://loki-gateway.observability.svc.cluster.local',
  mimirUrl: 'http://mimir-gateway.observability.svc.cluster.local',
  tempoEndpoint: 'tempo-distributor.observability.svc.cluster.local:4317',
};

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
