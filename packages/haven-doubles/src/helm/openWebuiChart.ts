import type { HelmChartSeed } from './helmRepositoryDouble';

/*
 * The open-webui chart as the Helm repository double serves it: the chart's
 * values keys and defaults, written out from the facts of
 * open-webui/helm-charts charts/open-webui (tag open-webui-16.0.0, commit
 * a6305e705ee18571c772687e1ffc3db6415a9226; tag open-webui-8.22.1, commit
 * 59b315c), not a copy of its files. Each block names the values.yaml lines
 * it stands for. Where the chart has a long block of its own (sso, route,
 * persistence backends), the double keeps the keys a Haven+ render can touch
 * and a few around them; the real-system suite (HAVEN_TEST_HELM_REPOSITORY_URL)
 * checks every key here against the real chart.
 */

const common = {
  // values.yaml 1-43: names and the Ollama subchart's switch.
  nameOverride: '',
  fullnameOverride: '',
  namespaceOverride: '',
  ollama: { enabled: true, fullnameOverride: '' },
  ollamaUrls: [],
  ollamaUrlsFromExtraEnv: false,
  // 46-64: the other subcharts (Chart.yaml dependencies).
  pipelines: { enabled: true, fullnameOverride: '', extraEnvVars: [] },
  tika: { enabled: false },
  // 66-156: websocket support with the chart's own Redis (not a subchart).
  websocket: {
    enabled: true,
    manager: 'redis',
    url: '',
    existingSecret: '',
    existingSecretKey: 'redis-url',
    nodeSelector: {},
    redis: {
      enabled: true,
      labels: {},
      annotations: {},
      pods: { labels: {}, annotations: {} },
      image: {
        repository: 'redis',
        tag: '7.4.2-alpine3.21',
        pullPolicy: 'IfNotPresent',
      },
      command: [],
      args: [],
      resources: {},
      service: {
        containerPort: 6379,
        type: 'ClusterIP',
        labels: {},
        annotations: {},
        portName: 'http',
        port: 6379,
        nodePort: '',
      },
      tolerations: [],
      affinity: {},
      containerSecurityContext: {},
      podSecurityContext: {},
    },
  },
  // 163-206: workload, labels, image.
  workload: { kind: '' },
  clusterDomain: 'cluster.local',
  extraLabels: {},
  annotations: {},
  podAnnotations: {},
  // workload-manager.yaml 41-45: podLabels go onto the pod template.
  podLabels: {},
  replicaCount: 1,
  revisionHistoryLimit: 10,
  priorityClassName: '',
  strategy: {},
  image: {
    repository: 'ghcr.io/open-webui/open-webui',
    tag: '',
    pullPolicy: 'IfNotPresent',
    useSlim: false,
  },
  imagePullSecrets: [],
  command: [],
  args: [],
  // 221-236: the chart's own service account (<fullname>-sa by default).
  serviceAccount: {
    enable: true,
    create: true,
    name: '',
    annotations: {},
    automountServiceAccountToken: false,
  },
  livenessProbe: {},
  readinessProbe: {},
  startupProbe: {},
  resources: {},
  copyAppData: { command: [], args: [], resources: {} },
  managedCertificate: {
    enabled: false,
    name: 'mydomain-chat-cert',
    domains: ['chat.example.com'],
  },
  // 295-330
  ingress: {
    enabled: false,
    class: '',
    annotations: {},
    host: 'chat.example.com',
    additionalHosts: [],
    tls: false,
    existingSecret: '',
    extraLabels: {},
  },
  // 391-482 (the s3/gcs/azure backends are left out here)
  persistence: {
    enabled: true,
    size: '2Gi',
    existingClaim: '',
    subPath: '',
    accessModes: ['ReadWriteOnce'],
    storageClass: '',
    selector: {},
    annotations: {},
    labels: {},
    provider: 'local',
  },
  nodeSelector: {},
  tolerations: [],
  affinity: {},
  topologySpreadConstraints: [],
  hostAliases: [],
  // 500-523
  service: {
    type: 'ClusterIP',
    annotations: {},
    port: 80,
    containerPort: 8080,
    nodePort: '',
    labels: {},
    loadBalancerClass: '',
    appProtocol: '',
  },
  // 527-559: the OpenAI connection (see OPEN_WEBUI_16 for the Secret keys).
  enableOpenaiApi: true,
  openaiBaseApiUrl: 'https://api.openai.com/v1',
  openaiBaseApiUrls: [],
  // 541: the chart's placeholder key, rendered unless told otherwise.
  openaiApiKey: '0p3n-w3bu!',
  databaseUrl: '',
  // 567: a list (or map) of EnvVar, rendered after the chart's own.
  extraEnvVars: [],
  commonEnvVars: [],
  extraEnvFrom: [],
  runtimeClassName: '',
  volumeMounts: { initContainer: [], container: [] },
  extraInitContainers: [],
  volumes: [],
  podSecurityContext: {},
  containerSecurityContext: {},
  sso: { enabled: false, enableSignup: false },
  extraResources: [],
};

const dependencies = [
  {
    name: 'ollama',
    repository: 'https://otwld.github.io/ollama-helm/',
    version: '>=0.24.0',
    condition: 'ollama.enabled',
  },
  {
    name: 'pipelines',
    repository: 'https://helm.openwebui.com',
    version: '>=0.10.1',
    condition: 'pipelines.enabled',
  },
  {
    name: 'tika',
    repository: 'https://apache.jfrog.io/artifactory/tika',
    version: '>=2.9.0',
    condition: 'tika.enabled',
  },
];

/**
 * open-webui 16.0.0 (appVersion 0.11.0): since chart 13.3.0 (CHANGELOG.md
 * 111-115) the OpenAI key can come from an existing Secret,
 * `openaiApiKeyExistingSecret` / `...Key` (values.yaml 544-559); the
 * terminals subchart and `logging` arrived after 8.x.
 */
export const OPEN_WEBUI_16: HelmChartSeed = {
  name: 'open-webui',
  version: '16.0.0',
  appVersion: '0.11.0',
  created: '2026-07-30T18:50:58-06:00',
  dependencies: [
    ...dependencies,
    {
      name: 'terminals',
      repository: 'https://helm.openwebui.com',
      version: '>=0.4.0',
      condition: 'terminals.enabled',
    },
  ],
  values: {
    ...common,
    terminals: { enabled: false },
    openaiApiKeyExistingSecret: '',
    openaiApiKeyExistingSecretKey: '',
    openaiApiKeys: [],
    openaiApiKeysExistingSecret: '',
    openaiApiKeysExistingSecretKey: '',
    logging: { level: '' },
  },
};

/**
 * open-webui 8.22.1 (appVersion 0.6.43), the newest 8.x: the OpenAI key is a
 * plain value only (templates/workload-manager.yaml 156-163 at that tag) and
 * `serviceAccount.name` defaults to "existing-sa" (values.yaml 204-219).
 */
export const OPEN_WEBUI_8: HelmChartSeed = {
  name: 'open-webui',
  version: '8.22.1',
  appVersion: '0.6.43',
  created: '2026-01-01T12:00:00Z',
  dependencies,
  values: {
    ...common,
    serviceAccount: { ...common.serviceAccount, name: 'existing-sa' },
  },
};

/** A development build the index lists too, which a range must not pick. */
export const OPEN_WEBUI_DEV: HelmChartSeed = {
  ...OPEN_WEBUI_16,
  version: '16.0.1-dev.142.1',
  appVersion: 'dev',
  created: '2026-08-05T09:00:00Z',
};
