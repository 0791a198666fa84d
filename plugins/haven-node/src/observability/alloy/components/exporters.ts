import { InputError } from '@backstage/errors';
import {
  attr,
  block,
  obj,
  type AlloyAttribute,
  type AlloyBlock,
  type AlloyComponent,
} from '../model';

/** @public */
export interface OtlpHttpExporterOptions {
  label: string;
  /** client > endpoint: base URL; the exporter appends /v1/logs, /v1/metrics, /v1/traces (otelcol.exporter.otlphttp.md, Arguments). */
  endpoint: string;
  /**
   * client > headers, map(string), e.g. X-Scope-OrgID. The otlphttp page
   * pulls its client table from a shared file we do not have; contracts.md
   * section 4 documents client.headers for otlphttp, and
   * otelcol.exporter.otlp.md lists the same `headers` for its client.
   */
  headers?: Readonly<Record<string, string>>;
  /** client > tls > insecure / insecure_skip_verify (otelcol.exporter.otlphttp.md, "Local Tempo database" example). */
  tls?: { insecure?: boolean; insecureSkipVerify?: boolean };
  comment?: string;
}

/** client > tls, as both OTLP exporters take it. */
interface ClientTls {
  insecure?: boolean;
  insecureSkipVerify?: boolean;
}

/**
 * The `client` block of both OTLP exporters: endpoint, then headers and a
 * tls block when they hold anything.
 */
function clientBlock(client: {
  endpoint: string;
  headers?: Readonly<Record<string, string>>;
  tls?: ClientTls;
}): AlloyBlock {
  const { endpoint, headers, tls = {} } = client;
  const tlsBody: AlloyAttribute[] = [];
  if (tls.insecure !== undefined) tlsBody.push(attr('insecure', tls.insecure));
  if (tls.insecureSkipVerify !== undefined) {
    tlsBody.push(attr('insecure_skip_verify', tls.insecureSkipVerify));
  }
  return block('client', [
    attr('endpoint', endpoint),
    ...(headers && Object.keys(headers).length > 0
      ? [attr('headers', obj(headers))]
      : []),
    ...(tlsBody.length > 0 ? [block('tls', tlsBody)] : []),
  ]);
}

/** otelcol.exporter.otlphttp: sends OTLP over HTTP. @public */
export function otlpHttpExporter(
  opts: OtlpHttpExporterOptions,
): AlloyComponent<'otelcol.exporter.otlphttp'> {
  let url: URL;
  try {
    url = new URL(opts.endpoint);
  } catch {
    throw new InputError(
      `otelcol.exporter.otlphttp "${opts.label}": endpoint ${JSON.stringify(
        opts.endpoint,
      )} is not a URL`,
    );
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    throw new InputError(
      `otelcol.exporter.otlphttp "${opts.label}": endpoint must be an http(s) base URL without query or fragment, since the exporter appends /v1/<signal>`,
    );
  }
  return {
    name: 'otelcol.exporter.otlphttp',
    label: opts.label,
    // otelcol.exporter.otlphttp.md: `client` block, required.
    body: [
      clientBlock({
        endpoint: opts.endpoint,
        headers: opts.headers,
        tls: opts.tls,
      }),
    ],
    comment:
      opts.comment ?? `Sends OTLP over HTTP to ${opts.endpoint}/v1/<signal>.`,
  };
}

/** @public */
export interface OtlpGrpcExporterOptions {
  label: string;
  /** client > endpoint, `host:port` (otelcol.exporter.otlp.md, `client`: "host:port to send telemetry data to"). */
  endpoint: string;
  /** client > tls > insecure: plaintext gRPC (otelcol.exporter.otlp.md, "Send data to a local Tempo instance"). */
  insecure: boolean;
  /** client > headers, map(string) (otelcol.exporter.otlp.md, `client`). */
  headers?: Readonly<Record<string, string>>;
  comment?: string;
}

/** otelcol.exporter.otlp: sends OTLP over gRPC. @public */
export function otlpGrpcExporter(
  opts: OtlpGrpcExporterOptions,
): AlloyComponent<'otelcol.exporter.otlp'> {
  if (!/^(\[[0-9A-Fa-f:.]+\]|[^\s/:[\]]+):\d{1,5}$/.test(opts.endpoint)) {
    throw new InputError(
      `otelcol.exporter.otlp "${opts.label}": endpoint ${JSON.stringify(
        opts.endpoint,
      )} must be host:port, without a scheme (otelcol.exporter.otlp.md)`,
    );
  }
  return {
    name: 'otelcol.exporter.otlp',
    label: opts.label,
    // otelcol.exporter.otlp.md: `client` block and its `endpoint`, required.
    body: [
      clientBlock({
        endpoint: opts.endpoint,
        headers: opts.headers,
        tls: opts.insecure ? { insecure: true } : {},
      }),
    ],
    comment:
      opts.comment ??
      `Sends OTLP over gRPC to ${opts.endpoint}${
        opts.insecure ? ' (plaintext)' : ''
      }.`,
  };
}
