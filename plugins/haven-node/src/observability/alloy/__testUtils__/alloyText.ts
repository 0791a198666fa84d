import type { AlloyComponent } from '../model';
import { readAlloy } from '../reader';

/** Components as read back, without the positions readAlloy adds. */
export function readBack(text: string): AlloyComponent[] {
  return readAlloy(text).components.map(
    ({ line: _line, column: _column, ...c }) => c,
  );
}

/** A small pipeline whose parts the broken-wiring cases change. */
export const GOOD = `otelcol.receiver.otlp "default" {
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
