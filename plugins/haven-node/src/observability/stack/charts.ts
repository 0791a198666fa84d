/** Chart sources and pinned versions. @public */
export const OBSERVABILITY_CHARTS = {
  // grafana-community/helm-charts, OCI preferred (reference README).
  loki: {
    url: 'oci://ghcr.io/grafana-community/helm-charts/loki',
    version: '18.11.0',
  },
  tempo: {
    url: 'oci://ghcr.io/grafana-community/helm-charts/tempo',
    version: '2.2.4',
  },
  'tempo-distributed': {
    url: 'oci://ghcr.io/grafana-community/helm-charts/tempo-distributed',
    version: '3.3.0',
  },
  grafana: {
    url: 'oci://ghcr.io/grafana-community/helm-charts/grafana',
    version: '12.11.1',
  },
  // Still published to grafana.github.io (reference README).
  alloy: {
    repository: 'https://grafana.github.io/helm-charts',
    version: '1.11.1',
  },
  'mimir-distributed': {
    repository: 'https://grafana.github.io/helm-charts',
    // 6.x needs kubeVersion >= 1.29 (reference README); no exact release is
    // in the reference data, so the range follows the major version.
    version: '>=6.0.0 <7.0.0',
  },
} as const;
