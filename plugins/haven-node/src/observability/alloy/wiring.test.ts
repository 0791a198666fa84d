import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse as parseYaml } from 'yaml';
import { GOOD } from './__testUtils__/alloyText';
import { readAlloy } from './reader';
import { checkAlloyWiring, type AlloyProblem } from './wiring';

describe('checkAlloyWiring', () => {
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
