import { InputError } from '@backstage/errors';
import {
  batchProcessor,
  discoveryRelabel,
  exportOf,
  filterProcessor,
  kubernetesDiscovery,
  kubernetesLogSource,
  lokiWrite,
  otlpGrpcExporter,
  otlpHttpExporter,
  otlpReceiver,
  renderAlloy,
  type AlloyComponent,
  type AlloyRef,
  type AlloyRelabelRule,
  type AlloyTargetsRef,
} from './alloy';
import {
  planTenantRoutes,
  type PerTeamTenancy,
  type TenantRoute,
} from './tenancy';

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
 *   discovery.kubernetes (pods) -> discovery.relabel "pod_logs"
 *     -> loki.source.kubernetes -> loki.write   <lokiUrl>/loki/api/v1/push
 *
 * service_name in Loki. OTLP logs carry the resource attribute
 * `service.name`, which Loki turns into the index label `service_name`
 * (dots become underscores; contracts.md section 4); apps made by the
 * Haven+ template also send `service.namespace`, their Kubernetes namespace
 * (README, "How the entity page finds the data"), indexed as
 * `service_namespace`. Pod logs tailed by loki.source.kubernetes carry no
 * OTLP resource, only the labels of their target. discovery.kubernetes gives
 * only `__meta_*` labels (discovery.kubernetes.md, `pod` role), and
 * loki.source.kubernetes drops them after reading which container to tail
 * (grafana/alloy loki/source/kubernetes/kubetail PrepareLabels; loki.write
 * drops `__` labels too, loki.write.md, Technical details). Without
 * relabelling a stream has only `job` (the component's ID,
 * "loki.source.kubernetes.pods") and `instance` (<namespace>/<pod>:<container>),
 * and Loki's discover_service_name (contracts.md section 4) names every
 * stream after `job`.
 *
 * So discovery.relabel "pod_logs" copies what we want into labels of their
 * own. Read upstream, since shared/reference/alloy/ lacks it:
 * https://grafana.com/docs/alloy/latest/reference/components/discovery/discovery.relabel/
 * (grafana/alloy docs/sources/reference/components/discovery/discovery.relabel.md)
 * and its `rule` block, docs/sources/shared/reference/components/rule-block.md.
 * The rules run top-down on each target; `replace` (the default action)
 * joins source_labels, matches the anchored RE2 `regex` (default "(.*)")
 * and, on a match, writes `replacement` (default "$1") to target_label.
 * It sets namespace, pod, container, service_namespace (= namespace, to
 * line up with the OTLP service.namespace above) and service_name, which
 * Loki then keeps instead of deriving one. `pod` adds no streams: `instance`
 * already names the pod and container.
 *
 * service_name is the pod label backstage.io/kubernetes-id, else the pod
 * label app.kubernetes.io/name, else the container name. discovery.kubernetes
 * names pod labels __meta_kubernetes_pod_label_<labelname> with "any
 * unsupported characters converted to an underscore" (Prometheus
 * kubernetes_sd_config docs; prometheus/prometheus discovery/kubernetes
 * addObjectMetaLabels, strutil.SanitizeLabelName: [^a-zA-Z0-9_] -> "_"),
 * hence podLabelMeta below. The fallback is three replace rules into the
 * same target_label, lowest priority FIRST, because a later rule overwrites
 * an earlier one whenever it fires:
 *   1. container name (always set: loki.source.kubernetes needs it);
 *   2. app.kubernetes.io/name, regex "(.+)";
 *   3. kubernetes-id, regex "(.+)" (the OTLP service.name of template apps).
 * The "(.+)" is what makes 2 and 3 fall through. A label the pod lacks is
 * read as "" (the rule's source value is the label's value or empty); "(.+)"
 * does not match "", and without a match "no replacement must take place"
 * (grafana/alloy internal/component/common/relabel/process.go, Replace).
 * With the default "(.*)" the empty value would match, "$1" would expand
 * to "", and an empty result DELETES target_label (same code), wiping the
 * fallback already written. So the last rule whose label is non-empty wins:
 * kubernetes-id if set, else app.kubernetes.io/name, else the container.
 * Apps made by the Haven+ template send the OTLP service.name = their
 * kubernetes-id and get it as a pod label through their profile's pod-label
 * value (gitops/appProfiles.ts, podLabelsPath), so pod logs and OTLP logs
 * share one service_name even where the chart sets app.kubernetes.io/name
 * to its own name (Open WebUI's chart: "open-webui").
 *
 * Per-team tenancy (tenancy.ts) gives every tenant its own chain, and the
 * receiver and the pod-log relabelling fan out to all of them:
 *
 *   otelcol.receiver.otlp "default"
 *     -> otelcol.processor.filter "tenant_<t>"   drops other teams' data
 *        -> otelcol.processor.batch "tenant_<t>"
 *           -> otelcol.exporter.otlphttp "loki_<t>" / "mimir_<t>", otelcol.exporter.otlp "tempo_<t>"
 *              each with X-Scope-OrgID = <tenant>
 *
 *   discovery.relabel "pod_logs"
 *     -> discovery.relabel "pod_logs_<t>"        keeps the team's namespaces
 *        -> loki.source.kubernetes "pods_<t>" -> loki.write "pod_logs_<t>" (tenant_id)
 *
 * Routing OTLP. The namespace must come from the telemetry itself: the
 * filter sees only resource attributes. otelcol.processor.k8sattributes
 * (which would add k8s.namespace.name from the sending pod's IP) is not in
 * shared/reference/alloy/, so we route on `service.namespace`, which apps
 * made by the Haven+ template set to their Kubernetes namespace
 * (gitops/manifests.ts, OTEL_RESOURCE_ATTRIBUTES). It is self-reported: an
 * app can claim another namespace, so this separates teams' data for
 * convenience and limits, not against a hostile workload. Telemetry without
 * service.namespace, or with an unlisted one, goes to the default tenant.
 *
 * otelcol.processor.filter DROPS what its conditions match, so a team's
 * filter drops every resource whose service.namespace is not one of the
 * team's, and the default tenant's drops those of the other teams. The
 * conditions use the `resource.` path prefix, from which the processor
 * infers the resource context, dropping a resource with all its spans,
 * metrics or log records (opentelemetry.io blog "OTTL context inference
 * comes to the Filter Processor", collector-contrib v0.146.0+; Alloy v1.18.1
 * ships v0.153.0). Fanning out to several filters is safe: Alloy hands a
 * consumer that mutates data (filter does) its own copy (grafana/alloy
 * internal/component/otelcol/internal/fanoutconsumer). Batching comes after
 * the filter, as otelcol.processor.batch.md advises for sampling processors.
 *
 * Routing pod logs needs no new component: the team's discovery.relabel
 * keeps (or, for the default tenant, drops) targets by
 * __meta_kubernetes_namespace before loki.source.kubernetes tails them, so
 * each container is tailed once, by its tenant's source. `keep` and `drop`
 * match the anchored RE2 regex (rule-block.md); namespaces are DNS labels,
 * so "a|b" needs no escaping.
 */

/** What one cluster's Alloy pipeline sends where. @public */
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
  /**
   * Per-team tenancy: each team's namespaces go to the team's tenant, the
   * rest to defaultTenant (see the top of this file). Excludes `tenant`.
   */
  perTeam?: PerTeamTenancy;
  /** Also tail every pod's container logs through the Kubernetes API. */
  collectPodLogs: boolean;
  /** Namespaces whose pods are tailed; omit for all. */
  namespaces?: readonly string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The meta label discovery.kubernetes (role pod) sets for a Kubernetes pod
 * label: __meta_kubernetes_pod_label_ plus the name with every character
 * outside [a-zA-Z0-9_] replaced by "_" (see the top of this file), e.g.
 * app.kubernetes.io/name -> __meta_kubernetes_pod_label_app_kubernetes_io_name.
 * @public
 */
export function podLabelMeta(kubernetesLabel: string): string {
  return `__meta_kubernetes_pod_label_${kubernetesLabel.replace(
    /[^a-zA-Z0-9_]/g,
    '_',
  )}`;
}

/**
 * The rules of discovery.relabel "pod_logs"; see the top of this file for
 * why the service_name rules run lowest priority first.
 */
function podLogRules(): AlloyRelabelRule[] {
  const copy = (from: string, to: string): AlloyRelabelRule => ({
    sourceLabels: [from],
    targetLabel: to,
    action: 'replace',
  });
  /** Writes the label only when `from` is non-empty, keeping what an earlier rule wrote. */
  const copyIfSet = (from: string, to: string): AlloyRelabelRule => ({
    ...copy(from, to),
    regex: '(.+)',
  });
  return [
    copy('__meta_kubernetes_namespace', 'namespace'),
    copy('__meta_kubernetes_pod_name', 'pod'),
    copy('__meta_kubernetes_pod_container_name', 'container'),
    copy('__meta_kubernetes_namespace', 'service_namespace'),
    copy('__meta_kubernetes_pod_container_name', 'service_name'),
    copyIfSet(podLabelMeta('app.kubernetes.io/name'), 'service_name'),
    // Highest priority last: the kubernetes-id is what apps from the service
    // template also send as their OTLP service.name, so both log paths share
    // one service_name even when a chart names its pods after itself.
    copyIfSet(podLabelMeta('backstage.io/kubernetes-id'), 'service_name'),
  ];
}

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

/** discovery.kubernetes "pods" and the discovery.relabel "pod_logs" that labels its targets. */
function podLogDiscovery(opts: ClusterAlloyPipelineOptions) {
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
  const relabel = discoveryRelabel({
    label: 'pod_logs',
    targets: exportOf(pods, 'targets'),
    rules: podLogRules(),
    comment: [
      "Labels each container's logs with namespace, pod, container, service_namespace",
      'and service_name. service_name is the pod label backstage.io/kubernetes-id, else',
      'app.kubernetes.io/name, else the container name: the rules run top-down and',
      'a later one overwrites, so the lowest priority comes first, and regex "(.+)"',
      'skips a rule whose pod label is missing or empty.',
    ].join('\n'),
  });
  return { pods, relabel };
}

/**
 * The Alloy components of one cluster: OTLP in, batched, out to Loki and
 * Mimir over OTLP/HTTP and to Tempo over OTLP/gRPC, plus pod logs when
 * asked. With perTeam, one such chain per tenant (see the top of this
 * file). Render with renderAlloy for the chart's alloy.configMap.content.
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
  if (opts.tenant !== undefined && opts.perTeam !== undefined) {
    throw new InputError(
      'give either tenant (one tenant for all) or perTeam (a tenant per team), not both',
    );
  }
  for (const ns of opts.namespaces ?? []) {
    if (!DNS_LABEL.test(ns) || ns.length > 63) {
      throw new InputError(
        `namespace ${JSON.stringify(ns)} is not a Kubernetes namespace name`,
      );
    }
  }
  if (opts.perTeam) {
    return perTeamPipeline(
      opts,
      loki,
      mimir,
      planTenantRoutes(opts.perTeam, 'perTeam'),
    );
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
    const { pods, relabel } = podLogDiscovery(opts);
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
      targets: exportOf(relabel, 'output'),
      forwardTo: [exportOf(write, 'receiver')],
      comment: [
        'Tails container logs through the Kubernetes API (no host mounts), with the',
        "labels set above; it adds job (this component's ID) and instance",
        '(<namespace>/<pod>:<container>).',
      ].join('\n'),
    });
    components.push(pods, relabel, tail, write);
  }
  return components;
}

/** `resource.attributes["service.namespace"] == "<ns>"`, in OTTL. */
const serviceNamespaceIs = (ns: string) =>
  `resource.attributes["service.namespace"] == "${ns}"`;

/**
 * The OTTL conditions of a tenant's filter: what it DROPS. A team drops every
 * resource outside its namespaces (including those without
 * service.namespace); the default tenant drops the other teams' namespaces.
 * Undefined when there is nothing to drop.
 */
function tenantFilterConditions(route: TenantRoute): string[] | undefined {
  if (route.isDefault) {
    return route.excluded.length > 0
      ? route.excluded.map(serviceNamespaceIs)
      : undefined;
  }
  return [`not (${route.namespaces.map(serviceNamespaceIs).join(' or ')})`];
}

/** The rule of a tenant's discovery.relabel: keep its namespaces, or drop the other teams'. */
function tenantNamespaceRule(route: TenantRoute): AlloyRelabelRule | undefined {
  const list = route.isDefault ? route.excluded : route.namespaces;
  if (list.length === 0) return undefined;
  return {
    sourceLabels: ['__meta_kubernetes_namespace'],
    regex: list.join('|'),
    action: route.isDefault ? 'drop' : 'keep',
  };
}

function describeRoute(route: TenantRoute): string {
  const n = route.namespaces.length;
  const own =
    n > 0 ? `namespace${n > 1 ? 's' : ''} ${route.namespaces.join(', ')}` : '';
  if (!route.isDefault) return own;
  return `${own}${own ? ' and ' : ''}every namespace no team lists`;
}

function perTeamPipeline(
  opts: ClusterAlloyPipelineOptions,
  loki: string,
  mimir: string,
  routes: readonly TenantRoute[],
): AlloyComponent[] {
  const chains: AlloyComponent[] = [];
  const entries: Array<AlloyRef<'input'>> = [];
  for (const route of routes) {
    const { tenant, slug } = route;
    const headers = { 'X-Scope-OrgID': tenant };
    const lokiOtlp = otlpHttpExporter({
      label: `loki_${slug}`,
      endpoint: `${loki}/otlp`,
      headers,
      comment: `Logs of tenant ${tenant} to Loki's OTLP endpoint (POST /otlp/v1/logs).`,
    });
    const mimirOtlp = otlpHttpExporter({
      label: `mimir_${slug}`,
      endpoint: `${mimir}/otlp`,
      headers,
      comment: `Metrics of tenant ${tenant} to Mimir's OTLP endpoint (POST /otlp/v1/metrics).`,
    });
    const tempo = otlpGrpcExporter({
      label: `tempo_${slug}`,
      endpoint: opts.tempoEndpoint,
      insecure: true,
      headers,
      comment: `Traces of tenant ${tenant} to Tempo over OTLP gRPC, plaintext inside the cluster.`,
    });
    const batch = batchProcessor({
      label: `tenant_${slug}`,
      output: {
        metrics: [exportOf(mimirOtlp, 'input')],
        logs: [exportOf(lokiOtlp, 'input')],
        traces: [exportOf(tempo, 'input')],
      },
      comment: `Batches tenant ${tenant}'s telemetry before export.`,
    });
    const conditions = tenantFilterConditions(route);
    if (conditions) {
      const filter = filterProcessor({
        label: `tenant_${slug}`,
        traces: [{ conditions }],
        metrics: [{ conditions }],
        logs: [{ conditions }],
        output: {
          metrics: [exportOf(batch, 'input')],
          logs: [exportOf(batch, 'input')],
          traces: [exportOf(batch, 'input')],
        },
        comment: [
          `Tenant ${tenant}${
            route.isDefault ? ' (the default)' : ''
          }: ${describeRoute(route)}.`,
          route.isDefault
            ? 'Drops the resources whose service.namespace another team lists (a filter drops what matches).'
            : 'Drops every resource whose service.namespace is not one of these (a filter drops what matches).',
        ].join('\n'),
      });
      chains.push(filter);
      entries.push(exportOf(filter, 'input'));
    } else {
      entries.push(exportOf(batch, 'input'));
    }
    chains.push(batch, lokiOtlp, mimirOtlp, tempo);
  }
  const receiver = otlpReceiver({
    label: 'default',
    grpcEndpoint: '0.0.0.0:4317',
    httpEndpoint: '0.0.0.0:4318',
    output: { metrics: entries, logs: entries, traces: entries },
    comment: [
      "Receives OTLP from the cluster's workloads: gRPC on 4317, HTTP on 4318.",
      "Every tenant's filter gets a copy and keeps only its own namespaces,",
      'read from the resource attribute service.namespace.',
    ].join('\n'),
  });
  const components: AlloyComponent[] = [receiver, ...chains];

  if (opts.collectPodLogs) {
    const { pods, relabel } = podLogDiscovery(opts);
    components.push(pods, relabel);
    for (const route of routes) {
      const { tenant, slug } = route;
      const write = lokiWrite({
        label: `pod_logs_${slug}`,
        url: `${loki}/loki/api/v1/push`,
        tenantId: tenant,
        comment: `Pushes tenant ${tenant}'s pod logs to Loki's push API (tenant_id sets X-Scope-OrgID).`,
      });
      let targets: AlloyTargetsRef = exportOf(relabel, 'output');
      const rule = tenantNamespaceRule(route);
      if (rule) {
        const only = discoveryRelabel({
          label: `pod_logs_${slug}`,
          targets,
          rules: [rule],
          comment: `Tenant ${tenant}${
            route.isDefault ? ' (the default)' : ''
          }: ${describeRoute(route)}; ${
            route.isDefault
              ? 'drops the containers of namespaces other teams list'
              : 'keeps only the containers of these namespaces'
          }.`,
        });
        components.push(only);
        targets = exportOf(only, 'output');
      }
      const tail = kubernetesLogSource({
        label: `pods_${slug}`,
        targets,
        forwardTo: [exportOf(write, 'receiver')],
        comment: `Tails the containers of tenant ${tenant} through the Kubernetes API (job "loki.source.kubernetes.pods_${slug}").`,
      });
      components.push(tail, write);
    }
  }
  return components;
}

/**
 * One cluster's Alloy configuration text (clusterAlloyPipeline rendered with
 * renderAlloy), for the Alloy chart's `alloy.configMap.content`.
 * @public
 */
export function clusterAlloyConfig(opts: ClusterAlloyPipelineOptions): string {
  return renderAlloy(clusterAlloyPipeline(opts));
}
