import { InputError } from '@backstage/errors';
import { renderAlloy, type AlloyBody, type AlloyValue } from './alloy';
import { readAlloy, type AlloyConfig } from './alloy/reader';
import { checkAlloyWiring } from './alloy/wiring';
import { clusterAlloyPipeline } from './clusterPipeline';
import type { PerTeamTenancy } from './tenancy';

/*
 * Per-team tenancy, checked on the printed configuration as Alloy would run
 * it: the text is read back with readAlloy, and telemetry is pushed through
 * the parsed graph (references as edges, filters evaluated, relabel rules
 * applied) to see which exporter, with which X-Scope-OrgID, each namespace
 * reaches.
 */

const CLUSTER = {
  lokiUrl: 'http://loki-gateway.observability.svc.cluster.local',
  mimirUrl: 'http://mimir-gateway.observability.svc.cluster.local',
  tempoEndpoint: 'tempo.observability.svc.cluster.local:4317',
};

const TWO_TEAMS: PerTeamTenancy = {
  defaultTenant: 'platform',
  teams: [
    { tenant: 'team-a', namespaces: ['shop', 'shop-staging'] },
    { tenant: 'team-b', namespaces: ['billing'] },
  ],
};

function render(perTeam: PerTeamTenancy, collectPodLogs = true): string {
  return renderAlloy(
    clusterAlloyPipeline({ ...CLUSTER, perTeam, collectPodLogs }),
  );
}

// ---------------------------------------------------------------------------
// A small interpreter for the parsed graph.

type Signal = 'metrics' | 'logs' | 'traces';
interface Edge {
  to: string;
  signal?: Signal;
}

const attrOf = (body: AlloyBody, key: string): AlloyValue | undefined => {
  for (const item of body) {
    if (item.kind === 'attribute' && item.key === key) return item.value;
  }
  return undefined;
};
const blocksOf = (body: AlloyBody, name: string): AlloyBody[] =>
  body.flatMap(i => (i.kind === 'block' && i.name === name ? [i.body] : []));

function graph(config: AlloyConfig) {
  const bodies = new Map(
    config.components.map(c => [`${c.name}.${c.label}`, c.body]),
  );
  const edges = new Map<string, Edge[]>();
  const add = (from: string, edge: Edge) =>
    edges.set(from, [...(edges.get(from) ?? []), edge]);
  for (const r of config.references) {
    const from = `${r.from.component}.${r.from.label}`;
    const to = `${r.ref.component}.${r.ref.label}`;
    const signal = r.at.match(/^output\.(metrics|logs|traces)\[/)?.[1] as
      | Signal
      | undefined;
    if (signal) add(from, { to, signal });
    else if (r.at.startsWith('forward_to[')) add(from, { to });
    // `targets` is taken from the referenced component: data flows to the referrer.
    else if (r.at === 'targets') add(to, { to: from });
    else throw new Error(`unexpected reference at ${r.at}`);
  }
  return { bodies, edges };
}

/**
 * Evaluates the OTTL the pipeline writes: `not`, `and`, `or`, parentheses,
 * and `resource.attributes["k"] == "v"` (a missing attribute is nil, which
 * equals no string). Anything else throws, so a change of form fails here.
 */
function ottl(condition: string, resource: Record<string, string>): boolean {
  const tokens =
    condition.match(
      /resource\.attributes\["[^"]*"\]|"[^"]*"|==|\(|\)|\bnot\b|\band\b|\bor\b|\S+/g,
    ) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (t?: string) => {
    const tok = tokens[i++];
    if (t !== undefined && tok !== t)
      throw new Error(`expected ${t}, got ${tok}`);
    return tok;
  };
  function unary(): boolean {
    if (peek() === 'not') {
      take();
      return !unary();
    }
    if (peek() === '(') {
      take('(');
      // eslint-disable-next-line @typescript-eslint/no-use-before-define
      const v = or();
      take(')');
      return v;
    }
    const path = take().match(/^resource\.attributes\["([^"]*)"\]$/);
    if (!path) throw new Error(`unsupported OTTL in ${condition}`);
    take('==');
    const literal = take().match(/^"([^"]*)"$/);
    if (!literal) throw new Error(`unsupported OTTL in ${condition}`);
    return resource[path[1]] === literal[1];
  }
  function and(): boolean {
    let v = unary();
    while (peek() === 'and') {
      take();
      v = unary() && v;
    }
    return v;
  }
  function or(): boolean {
    let v = and();
    while (peek() === 'or') {
      take();
      v = and() || v;
    }
    return v;
  }
  const result = or();
  if (i !== tokens.length) throw new Error(`trailing OTTL in ${condition}`);
  return result;
}

const CONDITION_BLOCK: Record<Signal, string> = {
  traces: 'trace_conditions',
  metrics: 'metric_conditions',
  logs: 'log_conditions',
};

/** Where OTLP of one signal from a resource ends up: exporter and tenant. */
function routeOtlp(
  text: string,
  signal: Signal,
  resource: Record<string, string>,
): string[] {
  const { bodies, edges } = graph(readAlloy(text));
  const reached: string[] = [];
  const visit = (node: string) => {
    const body = bodies.get(node)!;
    if (node.startsWith('otelcol.processor.filter.')) {
      const conditions = blocksOf(body, CONDITION_BLOCK[signal]).flatMap(
        b => attrOf(b, 'conditions') as string[],
      );
      if (conditions.some(c => ottl(c, resource))) return; // dropped
    }
    if (node.startsWith('otelcol.exporter.')) {
      const client = blocksOf(body, 'client')[0];
      const headers = attrOf(client, 'headers') as any;
      const tenant = headers?.entries.find(
        ([k]: [string]) => k === 'X-Scope-OrgID',
      )?.[1];
      reached.push(`${node} ${tenant}`);
      return;
    }
    for (const e of edges.get(node) ?? []) {
      if (e.signal === signal) visit(e.to);
    }
  };
  visit('otelcol.receiver.otlp.default');
  return reached.sort();
}

/** Where a container's logs in a namespace end up: loki.write and its tenant_id. */
function routePodLogs(text: string, namespace: string): string[] {
  const { bodies, edges } = graph(readAlloy(text));
  const reached: string[] = [];
  const visit = (node: string, labels: Record<string, string>) => {
    const body = bodies.get(node)!;
    if (node.startsWith('discovery.relabel.')) {
      for (const rule of blocksOf(body, 'rule')) {
        const action = (attrOf(rule, 'action') as string) ?? 'replace';
        if (action !== 'keep' && action !== 'drop') continue;
        const value = ((attrOf(rule, 'source_labels') as string[]) ?? [])
          .map(l => labels[l] ?? '')
          .join((attrOf(rule, 'separator') as string) ?? ';');
        const re = new RegExp(
          `^(?:${(attrOf(rule, 'regex') as string) ?? '(.*)'})$`,
        );
        if (re.test(value) !== (action === 'keep')) return; // dropped
      }
    }
    if (node.startsWith('loki.write.')) {
      const endpoint = blocksOf(body, 'endpoint')[0];
      reached.push(`${node} ${attrOf(endpoint, 'tenant_id')}`);
      return;
    }
    for (const e of edges.get(node) ?? []) visit(e.to, labels);
  };
  visit('discovery.kubernetes.pods', {
    __meta_kubernetes_namespace: namespace,
  });
  return reached.sort();
}

/** Every signal of a namespace, as "<signal>: <exporter> <tenant>". */
function everywhere(text: string, resource: Record<string, string>) {
  return (['metrics', 'logs', 'traces'] as const).flatMap(signal =>
    routeOtlp(text, signal, resource).map(r => `${signal}: ${r}`),
  );
}

const expectedFor = (slug: string, tenant: string) => [
  `metrics: otelcol.exporter.otlphttp.mimir_${slug} ${tenant}`,
  `logs: otelcol.exporter.otlphttp.loki_${slug} ${tenant}`,
  `traces: otelcol.exporter.otlp.tempo_${slug} ${tenant}`,
];

describe('clusterAlloyPipeline with per-team tenancy', () => {
  const text = render(TWO_TEAMS);

  it('prints a configuration readAlloy reads and checkAlloyWiring passes', () => {
    expect(checkAlloyWiring(text)).toEqual([]);
  });

  it('builds one chain per tenant: filter, batch and three exporters, and one pod-log route', () => {
    expect(
      readAlloy(text).components.map(c => `${c.name} "${c.label}"`),
    ).toEqual([
      'otelcol.receiver.otlp "default"',
      ...['platform', 'team_a', 'team_b'].flatMap(t => [
        `otelcol.processor.filter "tenant_${t}"`,
        `otelcol.processor.batch "tenant_${t}"`,
        `otelcol.exporter.otlphttp "loki_${t}"`,
        `otelcol.exporter.otlphttp "mimir_${t}"`,
        `otelcol.exporter.otlp "tempo_${t}"`,
      ]),
      'discovery.kubernetes "pods"',
      'discovery.relabel "pod_logs"',
      ...['platform', 'team_a', 'team_b'].flatMap(t => [
        `discovery.relabel "pod_logs_${t}"`,
        `loki.source.kubernetes "pods_${t}"`,
        `loki.write "pod_logs_${t}"`,
      ]),
    ]);
  });

  it.each([
    ['shop', 'team_a', 'team-a'],
    ['shop-staging', 'team_a', 'team-a'],
    ['billing', 'team_b', 'team-b'],
  ])(
    "sends OTLP from namespace %s to exactly its team's tenant, for every signal",
    (namespace, slug, tenant) => {
      expect(everywhere(text, { 'service.namespace': namespace })).toEqual(
        expectedFor(slug, tenant),
      );
    },
  );

  it.each([
    ['shop', 'team_a', 'team-a'],
    ['shop-staging', 'team_a', 'team-a'],
    ['billing', 'team_b', 'team-b'],
  ])(
    "sends pod logs of namespace %s to exactly its team's tenant",
    (namespace, slug, tenant) => {
      expect(routePodLogs(text, namespace)).toEqual([
        `loki.write.pod_logs_${slug} ${tenant}`,
      ]);
    },
  );

  it('sends unlisted namespaces, and OTLP without service.namespace, to the default tenant only', () => {
    const resources: Array<Record<string, string>> = [
      { 'service.namespace': 'kube-system' },
      { 'service.namespace': 'shop-prod' }, // a prefix of nothing: matched whole
      { 'service.name': 'no-namespace' },
    ];
    for (const resource of resources) {
      expect(everywhere(text, resource)).toEqual(
        expectedFor('platform', 'platform'),
      );
    }
    expect(routePodLogs(text, 'kube-system')).toEqual([
      'loki.write.pod_logs_platform platform',
    ]);
    expect(routePodLogs(text, 'shopping')).toEqual([
      'loki.write.pod_logs_platform platform',
    ]);
  });

  it('gives the default tenant its own namespaces too when a team shares it', () => {
    const shared = render({
      defaultTenant: 'platform',
      teams: [
        { tenant: 'platform', namespaces: ['kube-system'] },
        { tenant: 'team-a', namespaces: ['shop'] },
      ],
    });
    expect(checkAlloyWiring(shared)).toEqual([]);
    for (const ns of ['kube-system', 'anything-else']) {
      expect(everywhere(shared, { 'service.namespace': ns })).toEqual(
        expectedFor('platform', 'platform'),
      );
      expect(routePodLogs(shared, ns)).toEqual([
        'loki.write.pod_logs_platform platform',
      ]);
    }
    expect(everywhere(shared, { 'service.namespace': 'shop' })).toEqual(
      expectedFor('team_a', 'team-a'),
    );
  });

  it('leaves the filter and relabel out when one tenant takes everything', () => {
    const one = render({
      defaultTenant: 'platform',
      teams: [{ tenant: 'platform', namespaces: ['kube-system'] }],
    });
    expect(checkAlloyWiring(one)).toEqual([]);
    const names = readAlloy(one).components.map(c => c.name);
    expect(names).not.toContain('otelcol.processor.filter');
    expect(names.filter(n => n === 'discovery.relabel')).toHaveLength(1);
    expect(everywhere(one, { 'service.namespace': 'x' })).toEqual(
      expectedFor('platform', 'platform'),
    );
  });

  it('keeps tenants with characters Alloy labels cannot hold apart, and sends them verbatim', () => {
    const odd = render({
      defaultTenant: 'team_a',
      teams: [
        { tenant: 'team.a', namespaces: ['a'] },
        { tenant: "team-a'(x)*", namespaces: ['b'] },
      ],
    });
    expect(checkAlloyWiring(odd)).toEqual([]);
    expect(everywhere(odd, { 'service.namespace': 'a' })).toEqual(
      expectedFor('team_a_2', 'team.a'),
    );
    expect(everywhere(odd, { 'service.namespace': 'b' })).toEqual(
      expectedFor('team_a__x__', "team-a'(x)*"),
    );
    expect(routePodLogs(odd, 'c')).toEqual([
      'loki.write.pod_logs_team_a team_a',
    ]);
  });

  it('writes OTTL as raw strings, as the filter docs do', () => {
    expect(text).toContain(
      '`not (resource.attributes["service.namespace"] == "shop" or resource.attributes["service.namespace"] == "shop-staging")`',
    );
  });

  it('without pod logs, has only the OTLP chains', () => {
    const otlpOnly = render(TWO_TEAMS, false);
    expect(checkAlloyWiring(otlpOnly)).toEqual([]);
    expect(otlpOnly).not.toContain('loki.source.kubernetes');
  });

  it('refuses per-team tenancy together with a single tenant, and bad teams, before building', () => {
    expect(() =>
      clusterAlloyPipeline({
        ...CLUSTER,
        tenant: 'x',
        perTeam: TWO_TEAMS,
        collectPodLogs: false,
      }),
    ).toThrow(InputError);
    expect(() =>
      clusterAlloyPipeline({
        ...CLUSTER,
        perTeam: {
          defaultTenant: 'platform',
          teams: [
            { tenant: 'team-a', namespaces: ['shop'] },
            { tenant: 'team-b', namespaces: ['shop'] },
          ],
        },
        collectPodLogs: false,
      }),
    ).toThrow(/"shop" is listed by two teams: "team-a" .* and "team-b"/);
  });
});

describe('clusterAlloyPipeline without per-team tenancy', () => {
  it.each([
    ['single tenant (auth off)', undefined],
    ['one shared tenant', 'platform'],
  ])('%s: the same graph as before, no filter', (_what, tenant) => {
    const text = renderAlloy(
      clusterAlloyPipeline({ ...CLUSTER, tenant, collectPodLogs: true }),
    );
    expect(checkAlloyWiring(text)).toEqual([]);
    expect(
      readAlloy(text).components.map(c => `${c.name} "${c.label}"`),
    ).toEqual([
      'otelcol.receiver.otlp "default"',
      'otelcol.processor.batch "default"',
      'otelcol.exporter.otlphttp "loki"',
      'otelcol.exporter.otlphttp "mimir"',
      'otelcol.exporter.otlp "tempo"',
      'discovery.kubernetes "pods"',
      'discovery.relabel "pod_logs"',
      'loki.source.kubernetes "pods"',
      'loki.write "pod_logs"',
    ]);
    expect(everywhere(text, { 'service.namespace': 'shop' })).toEqual([
      `metrics: otelcol.exporter.otlphttp.mimir ${tenant}`,
      `logs: otelcol.exporter.otlphttp.loki ${tenant}`,
      `traces: otelcol.exporter.otlp.tempo ${tenant}`,
    ]);
    expect(routePodLogs(text, 'shop')).toEqual([
      `loki.write.pod_logs ${tenant}`,
    ]);
  });
});
