import {
  observabilityDatasources,
  type TenantDatasources,
} from './datasources';
import { observabilityEndpoints } from './endpoints';
import { GRAFANA_SECRET, type ObservabilityStackInput } from './input';

/**
 * One tenant's Loki, Tempo and Mimir datasources, linked to each other only:
 * logs -> trace, trace -> logs, service map and exemplars stay inside the
 * tenant. With a tenant, every datasource sends it as X-Scope-OrgID (Grafana
 * provisioning: jsonData.httpHeaderName1 + secureJsonData.httpHeaderValue1).
 */
function tenantDatasources(
  set: TenantDatasources,
  e: ReturnType<typeof observabilityEndpoints>,
): Array<Record<string, unknown>> {
  const { uids } = set;
  const ds = (
    name: string,
    type: string,
    uid: string,
    url: string,
    jsonData: Record<string, unknown>,
  ) => ({
    name: `${name}${set.nameSuffix ?? ''}`,
    type,
    uid,
    url,
    access: 'proxy',
    editable: false,
    jsonData: {
      ...(set.tenant !== undefined ? { httpHeaderName1: 'X-Scope-OrgID' } : {}),
      ...jsonData,
    },
    ...(set.tenant !== undefined
      ? { secureJsonData: { httpHeaderValue1: set.tenant } }
      : {}),
  });
  return [
    ds('Loki', 'loki', uids.loki, e.loki, {
      // Logs -> trace: the trace id Loki keeps as structured metadata.
      derivedFields: [
        {
          name: 'TraceID',
          matcherType: 'label',
          matcherRegex: 'trace_id',
          datasourceUid: uids.tempo,
          url: '$${__value.raw}',
          urlDisplayLabel: 'Trace',
        },
      ],
    }),
    ds('Tempo', 'tempo', uids.tempo, e.tempoQuery, {
      // Trace -> logs of the same service.
      tracesToLogsV2: {
        datasourceUid: uids.loki,
        spanStartTimeShift: '-5m',
        spanEndTimeShift: '5m',
        filterByTraceID: true,
        customQuery: false,
        tags: [{ key: 'service.name', value: 'service_name' }],
      },
      serviceMap: { datasourceUid: uids.mimir },
      nodeGraph: { enabled: true },
    }),
    ds('Mimir', 'prometheus', uids.mimir, `${e.mimir}/prometheus`, {
      exemplarTraceIdDestinations: [
        { name: 'trace_id', datasourceUid: uids.tempo },
      ],
    }),
  ];
}

/** Grafana: datasources with fixed UIDs and trace <-> log links, per tenant. */
export function grafanaValues(
  input: ObservabilityStackInput,
): Record<string, unknown> {
  const e = observabilityEndpoints(input);
  const datasources = observabilityDatasources(
    input.tenancy,
    input.datasourceUids,
  ).flatMap(set => tenantDatasources(set, e));
  const g = input.grafana;
  return {
    admin: {
      existingSecret: GRAFANA_SECRET,
      userKey: 'admin-user',
      passwordKey: 'admin-password',
    },
    datasources: {
      'datasources.yaml': { apiVersion: 1, datasources },
    },
    ...(g.hostname
      ? {
          ingress: {
            enabled: true,
            ...(g.ingressClassName
              ? { ingressClassName: g.ingressClassName }
              : {}),
            ...(g.clusterIssuer
              ? {
                  annotations: {
                    'cert-manager.io/cluster-issuer': g.clusterIssuer,
                  },
                }
              : {}),
            hosts: [g.hostname],
            tls: [{ secretName: 'grafana-tls', hosts: [g.hostname] }],
          },
        }
      : {}),
  };
}
