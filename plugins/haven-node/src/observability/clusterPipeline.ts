import { InputError } from '@backstage/errors';
import {
  batchProcessor,
  exportOf,
  kubernetesDiscovery,
  kubernetesLogSource,
  lokiWrite,
  otlpGrpcExporter,
  otlpHttpExporter,
  otlpReceiver,
  type AlloyComponent,
} from './alloy';

/*
 * The cluster's Alloy pipeline (contracts.md section 4, "Decision: use
 * otlphttp to /otlp for both Loki and Mimir"; Tempo over OTLP gRPC):
 *
 *   otelcol.receiver.otlp  (gRPC 0.0.0.0:4317, HTTP 0.0.0.0:4318)
 *     -> otelcol.processor.batch
 *        -> logs:    otelcol.exporter.otlphttp "loki"   <lokiUrl>/otlp
 *        -> metrics: otelcol.exporter.otlphttp "mimir"  <mimirUrl>/otlp
 *        -> traces:  otelcol.exporter.otlp "tempo"      <tempoEndpoint>
 *
 *   and, with collectPodLogs:
 *   discovery.kubernetes (pods) -> loki.source.kubernetes -> loki.write
 *                                                          <lokiUrl>/loki/api/v1/push
 *
 * service_name in Loki. OTLP logs carry the resource attribute
 * `service.name`, which Loki turns into the index label `service_name`
 * (dots become underscores; contracts.md section 4). Pod logs tailed by
 * loki.source.kubernetes carry no OTLP resource. The reference docs have no
 * discovery.relabel page, so this pipeline does not relabel: Loki derives
 * service_name itself when a stream has none (discover_service_name, whose
 * default list is service, app, application, app_name, name,
 * app_kubernetes_io_name, container, container_name, k8s_container_name,
 * component, workload, job, k8s_job_name; else "unknown_service";
 * contracts.md section 4). Which labels a pod-log stream has is therefore
 * what decides the name. discovery.kubernetes gives only `__meta_*` labels
 * (discovery.kubernetes.md, `pod` role) and loki.write drops every label
 * starting with `__` (loki.write.md, Technical details). Beyond the
 * reference: Alloy's source (loki/source/kubernetes/kubetail PrepareLabels)
 * sets `job` to the component's ID and `instance` to
 * <namespace>/<pod>:<container>, so discover_service_name will pick `job`
 * and every pod-log stream is named "loki.source.kubernetes.pods". Giving
 * each workload its own service_name needs a relabel step (discovery.relabel
 * mapping __meta_kubernetes_pod_label_app_kubernetes_io_name or the
 * container name to service_name) once its doc is in the reference.
 */

/** @public */
export interface ClusterAlloyPipelineOptions {
  /** Loki base URL, e.g. http://loki-gateway.observability.svc.cluster.local (no /otlp, no path). */
  lokiUrl: string;
  /** Mimir base URL, e.g. http://mimir-gateway.observability.svc.cluster.local. */
  mimirUrl: string;
  /** Tempo's OTLP gRPC receiver, host:port (plaintext inside the cluster). */
  tempoEndpoint: string;
  /**
   * The one tenant all of this cluster's telemetry belongs to: sent as the
   * X-Scope-OrgID header to Loki, Mimir and Tempo and as loki.write's
   * tenant_id. Omit when the backends run without authentication.
   */
  tenant?: string;
  /** Also tail every pod's container logs through the Kubernetes API. */
  collectPodLogs: boolean;
  /** Namespaces whose pods are tailed; omit for all. */
  namespaces?: readonly string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A base URL without a trailing slash; refuses paths that already name an API. */
function baseUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`${what} ${JSON.stringify(value)} is not a URL`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    throw new InputError(
      `${what} must be an http(s) URL without query or fragment, got ${JSON.stringify(
        value,
      )}`,
    );
  }
  const base = value.replace(/\/+$/, '');
  if (/\/(otlp|v1|loki\/api|api\/v1)(\/|$)/.test(new URL(base).pathname)) {
    // contracts.md 4: configure the base http://<loki>/otlp; "Entering the
    // full endpoint will generate an error".
    throw new InputError(
      `${what} must be the service's base URL; the pipeline appends /otlp (and /loki/api/v1/push) itself, got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return base;
}

/**
 * The Alloy components of one cluster: OTLP in, batched, out to Loki and
 * Mimir over OTLP/HTTP and to Tempo over OTLP/gRPC, plus pod logs when
 * asked. Render with renderAlloy for the chart's alloy.configMap.content.
 * @public
 */
export function clusterAlloyPipeline(
  opts: ClusterAlloyPipelineOptions,
): AlloyComponent[] {
  const loki = baseUrl(opts.lokiUrl, 'lokiUrl');
  const mimir = baseUrl(opts.mimirUrl, 'mimirUrl');
  if (opts.tenant !== undefined && opts.tenant.trim() === '') {
    throw new InputError('tenant is empty; omit it for no X-Scope-OrgID');
  }
  for (const ns of opts.namespaces ?? []) {
    if (!DNS_LABEL.test(ns) || ns.length > 63) {
      throw new InputError(
        `namespace ${JSON.stringify(ns)} is not a Kubernetes namespace name`,
      );
    }
  }
  const headers =
    opts.tenant !== undefined ? { 'X-Scope-OrgID': opts.tenant } : undefined;

  const lokiOtlp = otlpHttpExporter({
    label: 'loki',
    endpoint: `${loki}/otlp`,
    headers,
    comment: [
      "Logs to Loki's native OTLP endpoint (POST /otlp/v1/logs). Loki indexes",
      'service.name as the label service_name (dots become underscores).',
    ].join('\n'),
  });
  const mimirOtlp = otlpHttpExporter({
    label: 'mimir',
    endpoint: `${mimir}/otlp`,
    headers,
    comment: "Metrics to Mimir's OTLP endpoint (POST /otlp/v1/metrics).",
  });
  const tempo = otlpGrpcExporter({
    label: 'tempo',
    endpoint: opts.tempoEndpoint,
    insecure: true,
    headers,
    comment: `Traces to Tempo over OTLP gRPC, plaintext inside the cluster.`,
  });
  const batch = batchProcessor({
    label: 'default',
    output: {
      metrics: [exportOf(mimirOtlp, 'input')],
      logs: [exportOf(lokiOtlp, 'input')],
      traces: [exportOf(tempo, 'input')],
    },
  });
  const receiver = otlpReceiver({
    label: 'default',
    grpcEndpoint: '0.0.0.0:4317',
    httpEndpoint: '0.0.0.0:4318',
    output: {
      metrics: [exportOf(batch, 'input')],
      logs: [exportOf(batch, 'input')],
      traces: [exportOf(batch, 'input')],
    },
    comment:
      "Receives OTLP from the cluster's workloads: gRPC on 4317, HTTP on 4318.",
  });
  const components: AlloyComponent[] = [
    receiver,
    batch,
    lokiOtlp,
    mimirOtlp,
    tempo,
  ];

  if (opts.collectPodLogs) {
    const pods = kubernetesDiscovery({
      label: 'pods',
      role: 'pod',
      namespaces: opts.namespaces,
      comment: `Finds the containers whose logs are tailed, in ${
        opts.namespaces
          ? `namespaces ${opts.namespaces.join(', ')}`
          : 'all namespaces'
      }.`,
    });
    const write = lokiWrite({
      label: 'pod_logs',
      url: `${loki}/loki/api/v1/push`,
      tenantId: opts.tenant,
      comment: `Pushes pod logs to Loki's push API${
        opts.tenant !== undefined ? ' with the tenant in X-Scope-OrgID' : ''
      }.`,
    });
    const tail = kubernetesLogSource({
      label: 'pods',
      targets: exportOf(pods, 'targets'),
      forwardTo: [exportOf(write, 'receiver')],
      comment: [
        'Tails container logs through the Kubernetes API (no host mounts).',
        'No relabelling: discovery.relabel is not in our reference docs. Loki names',
        'these streams itself (discover_service_name), from the job label Alloy',
        "sets to this component's ID; see clusterPipeline.ts.",
      ].join('\n'),
    });
    components.push(pods, tail, write);
  }
  return components;
}
