import type { ObservabilityStackInput } from './input';

/** Service addresses inside the cluster, as the charts name their services. @public */
export function observabilityEndpoints(input: {
  namespace: string;
  modes: ObservabilityStackInput['modes'];
}) {
  const svc = (name: string) => `${name}.${input.namespace}.svc.cluster.local`;
  return {
    // The Loki chart fronts every mode with its gateway (values: gateway.enabled).
    loki: `http://${svc('loki-gateway')}`,
    // mimir-distributed serves through its gateway (nginx in older releases).
    mimir: `http://${svc('mimir-gateway')}`,
    tempoOtlpGrpc:
      input.modes.tempo === 'monolithic'
        ? `${svc('tempo')}:4317`
        : `${svc('tempo-distributor')}:4317`,
    tempoQuery:
      input.modes.tempo === 'monolithic'
        ? `http://${svc('tempo')}:3200`
        : `http://${svc('tempo-query-frontend')}:3200`,
    alloyOtlpHttp: `http://${svc('alloy')}:4318`,
  };
}
