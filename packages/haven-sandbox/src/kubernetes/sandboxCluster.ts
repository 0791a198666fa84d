/**
 * What the local sandbox's cluster `haven-sandbox` holds: the Flux and
 * External Secrets objects of the example components in
 * examples/entities.yaml, each in a different state, and the Kubernetes
 * Events the entity page reads for a failing ExternalSecret.
 *
 * Shapes, with their sources:
 * - Specs as @haven-plus/plugin-haven-node renders them (gitops/manifests.ts
 *   buildAppDelivery: SecretStore and ExternalSecret named `<app>-vault`,
 *   Kubernetes auth role `haven-<namespace>.<app>` with audience `vault`,
 *   secrets at `<kvPath>/<name>` property `value`, chart values
 *   `extraEnvVars`), for the cluster haven-sandbox of app-config.yaml
 *   (vaultServer, otlpEndpoint, environment sandbox, fluxPath/appsPath).
 *   Fields the API server defaults from the CRD schema are filled in, as a
 *   list call returns them (shared/reference/crds: HelmRelease
 *   `chart.spec.reconcileStrategy`, Kustomization `force`).
 * - ExternalSecret status: contracts.md 2.4 (no observedGeneration;
 *   `syncedResourceVersion` = `<generation>-<sha3-224 hex>`; Ready reasons
 *   SecretSynced / SecretSyncedError and their messages; `refreshTime`
 *   nullable) and crds/external-secrets.io_externalsecrets.yaml.
 * - SecretStore status: contracts.md 2.5 (Ready True Valid `store validated`,
 *   capabilities) and crds/external-secrets.io_secretstores.yaml.
 * - Kustomization status: contracts.md 3.3 (Ready ReconciliationSucceeded
 *   `Applied revision: main@sha1:<40 hex>`, inventory, history) and
 *   kustomize-controller's health-check messages for `wait: true`
 *   (`Running health checks for revision <rev> with a timeout of 5m0s`,
 *   `health check failed after <d>: failed early due to stalled resources:
 *   [...]`); crds/kustomize.toolkit.fluxcd.io_kustomizations.yaml.
 * - HelmRelease status: contracts.md 3.3 (no lastAppliedRevision in v2,
 *   history newest first, `Helm upgrade succeeded for release
 *   <ns>/<name>.v<n> with chart <chart>@<version>`, the failure variant
 *   Stalled RetriesExceeded + Ready/Released False UpgradeFailed, and while
 *   an action runs Reconciling True + Ready Unknown `Running 'upgrade'
 *   action with timeout of 5m0s`); crds/helm.toolkit.fluxcd.io_helmreleases.yaml.
 * - Events: core v1 Event as client-go's recorder writes it (name
 *   `<object>.<hex unix nanos>`, source.component, reportingComponent,
 *   eventTime null). ESO's Warning `UpdateFailed` carries the provider error
 *   (contracts.md 2.4), worded as ESO wraps it (`error processing
 *   spec.data[<i>] (key: <key>), err: <cause>`) around the Vault API
 *   client's error text (`Error making API request.\n\nURL: GET <url>\nCode:
 *   403. Errors:\n\n* 1 error occurred:\n\t* permission denied\n\n`, as
 *   quoted in hashicorp/vault issue 6554; the 403 `permission denied` body is
 *   contracts.md 1.1). ESO's Normal `Created` says `secret created` (ESO
 *   externalsecret_controller.go event messages).
 *
 * Every timestamp is relative to `now` (when the sandbox starts), so each
 * state holds whenever the sandbox is started. Events are not labelled (a
 * real Event carries no labels); everything else carries
 * `backstage.io/kubernetes-id: <app>` and lives in namespace `<app>`, but
 * the Flux Kustomization, which lives in `flux-system` as haven-node renders
 * it; the entities set no backstage.io/kubernetes-namespace, so the
 * Kubernetes backend selects by label in every namespace (contracts.md 6.2).
 */
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@haven-plus/haven-doubles';

const KUBERNETES_ID = 'backstage.io/kubernetes-id';

/** app-config.yaml haven.gitops.clusters[haven-sandbox] and haven.vault. */
const CLUSTER = {
  name: 'haven-sandbox',
  environment: 'sandbox',
  appsPath: 'apps/haven-sandbox',
  vaultServer: 'https://vault.haven-sandbox.example.nl',
  otlpEndpoint: 'http://alloy.observability.svc.cluster.local:4318',
  kvMount: 'kv-apps',
  pathPrefix: 'apps',
  kubernetesAuthMount: 'kubernetes',
} as const;

/** The chart the Haven+ service template proposes (templates/haven-service). */
const CHART = {
  name: 'open-webui',
  versionRange: '8.x',
  version: '8.3.0',
  appVersion: '0.7.2',
} as const;

/** A state word the Delivery card shows (plugins/haven/src/status). @public */
export type SandboxDeliveryState =
  | 'Ready'
  | 'Failed'
  | 'Failed (stalled)'
  | 'Reconciling'
  | 'Pending'
  | 'Synced'
  | 'Stale'
  | 'Error'
  | 'Valid';

/** One row of the Delivery card, as the example should produce it. @public */
export interface SandboxDeliveryRow {
  kind: 'Kustomization' | 'HelmRelease' | 'SecretStore' | 'ExternalSecret';
  name: string;
  namespace: string;
  state: SandboxDeliveryState;
}

/**
 * One example component of the sandbox and what the entity page should show
 * for it.
 * @public
 */
export interface SandboxDeliveryExample {
  /** Component name in examples/entities.yaml (also its kubernetes-id and namespace). */
  app: string;
  entityRef: string;
  /**
   * - synced, failing, stale, reconciling: the cluster holds the app's
   *   objects; `rows` is the Delivery card's table.
   * - missing-annotation: no kubernetes-id (the card's MissingAnnotationEmptyState).
   * - no-objects: a kubernetes-id, no object in the cluster (and its
   *   telemetry tenant `storing` is the upstream-down example).
   */
  scenario:
    | 'synced'
    | 'failing'
    | 'stale'
    | 'reconciling'
    | 'missing-annotation'
    | 'no-objects';
  description: string;
  /** haven.plus/telemetry-tenant of the entity, when it has one. */
  telemetryTenant?: string;
  rows: SandboxDeliveryRow[];
  /**
   * The Vault KV v2 secrets the sandbox seeds under
   * `kv-apps/apps/<app>/<app>/<name>` (property `value`), with how many
   * versions each has (a later version was written at sandbox start too).
   */
  vaultSecrets: Array<{ name: string; key: string; versions: number }>;
  /** The newest Warning Event of its ExternalSecret, when it has one. */
  externalSecretWarning?: { reason: 'UpdateFailed'; message: string };
}

const ref = (app: string) => `component:default/${app}`;
const storeName = (app: string) => `${app}-vault`;

const rows = (
  app: string,
  states: [
    SandboxDeliveryState,
    SandboxDeliveryState,
    SandboxDeliveryState,
    SandboxDeliveryState,
  ],
): SandboxDeliveryRow[] => [
  {
    kind: 'Kustomization',
    name: app,
    namespace: 'flux-system',
    state: states[0],
  },
  { kind: 'HelmRelease', name: app, namespace: app, state: states[1] },
  {
    kind: 'SecretStore',
    name: storeName(app),
    namespace: app,
    state: states[2],
  },
  {
    kind: 'ExternalSecret',
    name: storeName(app),
    namespace: app,
    state: states[3],
  },
];

const OPEN_WEBUI_SECRETS = [
  { name: 'webui-secret-key', key: 'WEBUI_SECRET_KEY', versions: 1 },
  { name: 'openai-api-key', key: 'OPENAI_API_KEY', versions: 1 },
];

const kvPath = (app: string) => `${CLUSTER.pathPrefix}/${app}/${app}`;

/**
 * ESO's Warning Event for open-webui-acme: Vault refuses the read (403) of
 * the first key it processes.
 */
const ACME_UPDATE_FAILED = `error processing spec.data[0] (key: ${kvPath(
  'open-webui-acme',
)}/webui-secret-key), err: Error making API request.\n\nURL: GET ${
  CLUSTER.vaultServer
}/v1/${CLUSTER.kvMount}/data/${kvPath(
  'open-webui-acme',
)}/webui-secret-key\nCode: 403. Errors:\n\n* 1 error occurred:\n\t* permission denied\n\n`;

/**
 * The example components and the state each produces, for tests that walk
 * the sandbox (the e2e tests iterate it).
 * @public
 */
export const SANDBOX_DELIVERY_EXAMPLES: readonly SandboxDeliveryExample[] = [
  {
    app: 'open-webui-voorbeeld',
    entityRef: ref('open-webui-voorbeeld'),
    scenario: 'synced',
    description:
      'Delivered and in sync: Flux applied the fleet revision, the Helm upgrade succeeded, the store is valid and the Secret was synced after the Vault secrets were written.',
    telemetryTenant: 'voorbeeld',
    rows: rows('open-webui-voorbeeld', ['Ready', 'Ready', 'Valid', 'Synced']),
    vaultSecrets: OPEN_WEBUI_SECRETS,
  },
  {
    app: 'open-webui-acme',
    entityRef: ref('open-webui-acme'),
    scenario: 'failing',
    description:
      'A second secret was added (generation 2) while Vault refuses the app’s reads: ESO fails with 403, the Secret lacks OPENAI_API_KEY, the Helm upgrade times out until its retries are spent, and the Kustomization health check fails on the stalled HelmRelease.',
    telemetryTenant: 'voorbeeld',
    rows: rows('open-webui-acme', [
      'Failed',
      'Failed (stalled)',
      'Valid',
      'Error',
    ]),
    vaultSecrets: OPEN_WEBUI_SECRETS,
    externalSecretWarning: {
      reason: 'UpdateFailed',
      message: ACME_UPDATE_FAILED,
    },
  },
  {
    app: 'open-webui-gemeente',
    entityRef: ref('open-webui-gemeente'),
    scenario: 'stale',
    description:
      'Healthy, but ESO last synced three hours ago (refresh interval 1h) and openai-api-key was rotated in Vault since: the Secret is behind Vault.',
    telemetryTenant: 'voorbeeld',
    rows: rows('open-webui-gemeente', ['Ready', 'Ready', 'Valid', 'Stale']),
    vaultSecrets: [
      OPEN_WEBUI_SECRETS[0],
      { ...OPEN_WEBUI_SECRETS[1], versions: 2 },
    ],
  },
  {
    app: 'open-webui-pilot',
    entityRef: ref('open-webui-pilot'),
    scenario: 'reconciling',
    description:
      'A fleet change that adds its Vault secrets is being applied: Flux runs its health checks, the Helm upgrade is running, and ESO has not reconciled the new SecretStore and ExternalSecret yet.',
    telemetryTenant: 'voorbeeld',
    rows: rows('open-webui-pilot', [
      'Reconciling',
      'Reconciling',
      'Pending',
      'Reconciling',
    ]),
    vaultSecrets: OPEN_WEBUI_SECRETS,
  },
  {
    app: 'open-webui-zonder-annotaties',
    entityRef: ref('open-webui-zonder-annotaties'),
    scenario: 'missing-annotation',
    description:
      'No backstage.io/kubernetes-id, vault.io or telemetry annotations: the cards ask for the annotation.',
    rows: [],
    vaultSecrets: [],
  },
  {
    app: 'open-webui-storing',
    entityRef: ref('open-webui-storing'),
    scenario: 'no-objects',
    description:
      'A kubernetes-id the cluster holds nothing for, and telemetry tenant `storing`, whose Loki and Tempo answer 503.',
    telemetryTenant: 'storing',
    rows: [],
    vaultSecrets: [],
  },
];

// ---------------------------------------------------------------------------
// Values that look like the real ones, derived from fixed text so every
// sandbox start serves the same names, digests and uids.

const hex = (algorithm: string, text: string) =>
  createHash(algorithm).update(text).digest('hex');

/** A git commit id in Flux's revision form, `main@sha1:<40 hex>`. */
const revision = (seed: string) => `main@sha1:${hex('sha1', seed)}`;

const sha256 = (seed: string) => `sha256:${hex('sha256', seed)}`;

/** A v4-shaped UID (metadata.uid). */
function uid(seed: string): string {
  const h = hex('sha256', `uid:${seed}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** metav1.Time: RFC 3339 in whole seconds, UTC. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000)
    .toISOString()
    .replace('.000Z', 'Z');
}

interface Clock {
  /** `now - ago`, as metav1.Time. */
  ago(ms: number): string;
  now: number;
}

function meta(
  kind: string,
  app: string,
  name: string,
  clock: Clock,
  options: { generation: number; createdAgo: number },
) {
  return {
    name,
    // Flux Kustomizations live in flux-system, as haven-node renders them
    // (clusters/<cluster>/apps/<app>.yaml); the app's own objects in its namespace.
    namespace: kind === 'Kustomization' ? 'flux-system' : app,
    labels: { [KUBERNETES_ID]: app },
    uid: uid(`${kind}/${app}/${name}`),
    generation: options.generation,
    creationTimestamp: clock.ago(options.createdAgo),
  };
}

/** ESO's syncedResourceVersion: `<generation>-<sha3-224 of labels+annotations>`. */
function syncedResourceVersion(app: string, generation: number): string {
  const metadata = { labels: { [KUBERNETES_ID]: app }, annotations: {} };
  return `${generation}-${hex('sha3-224', JSON.stringify(metadata))}`;
}

// ---------------------------------------------------------------------------
// Specs, as buildAppDelivery renders them for the sandbox cluster.

function kustomizationSpec(app: string) {
  return {
    interval: '10m',
    retryInterval: '2m',
    timeout: '5m',
    path: `./${CLUSTER.appsPath}/${app}`,
    prune: true,
    wait: true,
    force: false,
    sourceRef: {
      kind: 'GitRepository',
      name: 'flux-system',
      namespace: 'flux-system',
    },
    dependsOn: [{ name: 'infrastructure', namespace: 'flux-system' }],
  };
}

function helmReleaseSpec(app: string, secrets: Array<{ key: string }>) {
  return {
    interval: '30m',
    chart: {
      spec: {
        chart: CHART.name,
        version: CHART.versionRange,
        sourceRef: { kind: 'HelmRepository', name: app, namespace: app },
        interval: '12h',
        reconcileStrategy: 'ChartVersion',
      },
    },
    releaseName: app,
    install: { remediation: { retries: 3 } },
    upgrade: { remediation: { retries: 3, remediateLastFailure: true } },
    commonMetadata: { labels: { [KUBERNETES_ID]: app } },
    values: {
      extraEnvVars: [
        ...secrets.map(s => ({
          name: s.key,
          valueFrom: { secretKeyRef: { name: storeName(app), key: s.key } },
        })),
        { name: 'OTEL_SERVICE_NAME', value: app },
        { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: CLUSTER.otlpEndpoint },
        { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' },
        {
          name: 'OTEL_RESOURCE_ATTRIBUTES',
          value: [
            `service.namespace=${app}`,
            `deployment.environment.name=${CLUSTER.environment}`,
            `deployment.environment=${CLUSTER.environment}`,
            `k8s.cluster.name=${CLUSTER.name}`,
          ].join(','),
        },
      ],
    },
  };
}

function secretStoreSpec(app: string) {
  return {
    provider: {
      vault: {
        server: CLUSTER.vaultServer,
        path: CLUSTER.kvMount,
        version: 'v2',
        auth: {
          kubernetes: {
            mountPath: CLUSTER.kubernetesAuthMount,
            role: `haven-${app}.${app}`,
            serviceAccountRef: { name: app, audiences: ['vault'] },
          },
        },
      },
    },
  };
}

function externalSecretSpec(
  app: string,
  secrets: Array<{ name: string; key: string }>,
) {
  return {
    refreshInterval: '1h',
    secretStoreRef: { kind: 'SecretStore', name: storeName(app) },
    target: {
      name: storeName(app),
      creationPolicy: 'Owner',
      deletionPolicy: 'Retain',
    },
    data: secrets.map(s => ({
      secretKey: s.key,
      remoteRef: { key: `${kvPath(app)}/${s.name}`, property: 'value' },
    })),
  };
}

// ---------------------------------------------------------------------------
// Statuses.

/** Flux inventory ids: `<namespace>_<name>_<group>_<kind>` (contracts.md 3.3). */
function inventory(app: string) {
  const kindVersion: Record<string, string> = {
    SecretStore: 'v1',
    ExternalSecret: 'v1',
    HelmRepository: 'v1',
    HelmRelease: 'v2',
  };
  const entry = (ns: string, name: string, group: string, kind: string) => ({
    id: `${ns}_${name}_${group}_${kind}`,
    v: group === '' ? 'v1' : kindVersion[kind],
  });
  return {
    entries: [
      entry('', app, '', 'Namespace'),
      entry(app, app, '', 'ServiceAccount'),
      entry(app, storeName(app), 'external-secrets.io', 'ExternalSecret'),
      entry(app, storeName(app), 'external-secrets.io', 'SecretStore'),
      entry(app, app, 'helm.toolkit.fluxcd.io', 'HelmRelease'),
      entry(app, app, 'source.toolkit.fluxcd.io', 'HelmRepository'),
    ],
  };
}

function kustomizationReady(
  app: string,
  clock: Clock,
  rev: string,
  appliedAgo: number,
  reconciledAgo: number,
  total: number,
) {
  const applied = `Applied revision: ${rev}`;
  return {
    observedGeneration: 1,
    lastAppliedRevision: rev,
    lastAttemptedRevision: rev,
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        observedGeneration: 1,
        reason: 'ReconciliationSucceeded',
        message: applied,
        lastTransitionTime: clock.ago(appliedAgo),
      },
      {
        type: 'Healthy',
        status: 'True',
        observedGeneration: 1,
        reason: 'Succeeded',
        message: 'Health check passed in 18.472039521s',
        lastTransitionTime: clock.ago(appliedAgo),
      },
    ],
    inventory: inventory(app),
    history: [
      {
        digest: sha256(`${app}/${rev}/manifests`),
        firstReconciled: clock.ago(appliedAgo + 20_000),
        lastReconciled: clock.ago(reconciledAgo),
        lastReconciledDuration: '1.873412204s',
        lastReconciledStatus: 'ReconciliationSucceeded',
        totalReconciliations: total,
        metadata: { revision: rev },
      },
    ],
  };
}

interface Release {
  version: number;
  status: 'deployed' | 'failed' | 'superseded';
  action: 'install' | 'upgrade';
  firstDeployedAgo: number;
  lastDeployedAgo: number;
}

function helmHistory(app: string, clock: Clock, releases: Release[]) {
  return releases.map(r => ({
    apiVersion: 'v2',
    name: app,
    namespace: app,
    version: r.version,
    status: r.status,
    action: r.action,
    chartName: CHART.name,
    chartVersion: CHART.version,
    appVersion: CHART.appVersion,
    configDigest: sha256(`${app}/values/v${r.version}`),
    digest: sha256(`${app}/release/v${r.version}`),
    firstDeployed: clock.ago(r.firstDeployedAgo),
    lastDeployed: clock.ago(r.lastDeployedAgo),
  }));
}

const helmSucceeded = (app: string, version: number, action: string) =>
  `Helm ${action} succeeded for release ${app}/${app}.v${version} with chart ${CHART.name}@${CHART.version}`;

function helmReady(
  app: string,
  clock: Clock,
  generation: number,
  releases: Release[],
  readyAgo: number,
) {
  const current = releases[0];
  const message = helmSucceeded(app, current.version, current.action);
  const reason =
    current.action === 'install' ? 'InstallSucceeded' : 'UpgradeSucceeded';
  return {
    observedGeneration: generation,
    lastAttemptedGeneration: generation,
    lastAttemptedRevision: CHART.version,
    lastAttemptedReleaseAction: current.action,
    lastAttemptedConfigDigest: sha256(`${app}/values/v${current.version}`),
    helmChart: `${app}/${app}-${app}`,
    storageNamespace: app,
    history: helmHistory(app, clock, releases),
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        observedGeneration: generation,
        reason,
        message,
        lastTransitionTime: clock.ago(readyAgo),
      },
      {
        type: 'Released',
        status: 'True',
        observedGeneration: generation,
        reason,
        message,
        lastTransitionTime: clock.ago(readyAgo),
      },
    ],
  };
}

function storeValid(clock: Clock, validAgo: number) {
  return {
    capabilities: 'ReadWrite',
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Valid',
        message: 'store validated',
        lastTransitionTime: clock.ago(validAgo),
      },
    ],
  };
}

function externalSecretSynced(
  app: string,
  generation: number,
  refreshTime: string,
  syncedSince: string,
) {
  return {
    refreshTime,
    syncedResourceVersion: syncedResourceVersion(app, generation),
    binding: { name: storeName(app) },
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'SecretSynced',
        message: 'secret synced',
        lastTransitionTime: syncedSince,
      },
    ],
  };
}

/** A core v1 Event as client-go's EventRecorder writes it. */
function event(
  clock: Clock,
  options: {
    namespace: string;
    involved: {
      apiVersion: string;
      kind: string;
      name: string;
      resourceVersion: string;
      fieldPath?: string;
    };
    type: 'Normal' | 'Warning';
    reason: string;
    message: string;
    count: number;
    firstAgo: number;
    lastAgo: number;
    component: string;
    host?: string;
  },
): KubernetesObject {
  // client-go names an Event `<object>.<unix nanos in hex>`.
  const first = clock.now - options.firstAgo;
  const name = `${options.involved.name}.${(
    BigInt(first) * BigInt(1_000_000)
  ).toString(16)}`;
  const { fieldPath, ...involved } = options.involved;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name,
      namespace: options.namespace,
      uid: uid(`${options.namespace}/${name}`),
      creationTimestamp: clock.ago(options.firstAgo),
    },
    involvedObject: {
      ...involved,
      namespace: options.namespace,
      uid: uid(
        `${options.involved.kind}/${options.namespace}/${options.involved.name}`,
      ),
      ...(fieldPath ? { fieldPath } : {}),
    },
    reason: options.reason,
    message: options.message,
    source: {
      component: options.component,
      ...(options.host ? { host: options.host } : {}),
    },
    firstTimestamp: clock.ago(options.firstAgo),
    lastTimestamp: clock.ago(options.lastAgo),
    count: options.count,
    type: options.type,
    eventTime: null,
    reportingComponent: options.component,
    reportingInstance: options.host ?? '',
  };
}

// ---------------------------------------------------------------------------
// The apps.

function voorbeeld(clock: Clock): KubernetesObject[] {
  const app = 'open-webui-voorbeeld';
  const rev = revision(`haven-fleet/fleet:${app}:2`);
  const releases: Release[] = [
    {
      version: 2,
      status: 'deployed',
      action: 'upgrade',
      firstDeployedAgo: 3 * DAY,
      lastDeployedAgo: 2 * DAY,
    },
  ];
  return [
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: meta('Kustomization', app, app, clock, {
        generation: 1,
        createdAgo: 3 * DAY,
      }),
      spec: kustomizationSpec(app),
      status: kustomizationReady(app, clock, rev, 2 * DAY, 4 * MINUTE, 433),
    },
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: meta('HelmRelease', app, app, clock, {
        generation: 2,
        createdAgo: 3 * DAY,
      }),
      spec: helmReleaseSpec(app, OPEN_WEBUI_SECRETS),
      status: helmReady(app, clock, 2, releases, 2 * DAY),
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: meta('SecretStore', app, storeName(app), clock, {
        generation: 1,
        createdAgo: 3 * DAY,
      }),
      spec: secretStoreSpec(app),
      status: storeValid(clock, 3 * DAY),
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: meta('ExternalSecret', app, storeName(app), clock, {
        generation: 1,
        createdAgo: 3 * DAY,
      }),
      spec: externalSecretSpec(app, OPEN_WEBUI_SECRETS),
      // The Vault double writes the sandbox's secrets when it starts, just
      // before `now`: the last sync is the next whole second, at or after
      // every Vault updated_time, so "Synced" holds from the first look on
      // (the card calls a sync Stale only when Vault was written after it).
      status: externalSecretSynced(
        app,
        1,
        rfc3339(Math.ceil(clock.now / 1000) * 1000),
        clock.ago(3 * DAY),
      ),
    },
  ];
}

function acme(clock: Clock): KubernetesObject[] {
  const app = 'open-webui-acme';
  const applied = revision(`haven-fleet/fleet:${app}:1`);
  // The fleet commit of haven:gitops:add-secret (openai-api-key).
  const attempted = revision(`haven-fleet/fleet:${app}:2`);
  const stalled = `failed early due to stalled resources: [HelmRelease/${app}/${app} status: 'Failed']`;
  const upgradeFailed = `Helm upgrade failed for release ${app}/${app}.v5 with chart ${CHART.name}@${CHART.version}: timeout waiting for: [StatefulSet/${app}/${app} status: 'InProgress']`;
  const es = storeName(app);
  return [
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: meta('Kustomization', app, app, clock, {
        generation: 1,
        createdAgo: 55 * MINUTE,
      }),
      spec: kustomizationSpec(app),
      status: {
        observedGeneration: 1,
        lastAppliedRevision: applied,
        lastAttemptedRevision: attempted,
        conditions: [
          {
            type: 'Reconciling',
            status: 'True',
            observedGeneration: 1,
            reason: 'ProgressingWithRetry',
            message: `Running health checks for revision ${attempted} with a timeout of 5m0s`,
            lastTransitionTime: clock.ago(30 * MINUTE),
          },
          {
            type: 'Ready',
            status: 'False',
            observedGeneration: 1,
            reason: 'HealthCheckFailed',
            message: `health check failed after 5.004192813s: ${stalled}`,
            lastTransitionTime: clock.ago(9 * MINUTE),
          },
          {
            type: 'Healthy',
            status: 'False',
            observedGeneration: 1,
            reason: 'HealthCheckFailed',
            message: stalled,
            lastTransitionTime: clock.ago(9 * MINUTE),
          },
        ],
        inventory: inventory(app),
        history: [
          {
            digest: sha256(`${app}/${attempted}/manifests`),
            firstReconciled: clock.ago(30 * MINUTE),
            lastReconciled: clock.ago(1 * MINUTE),
            lastReconciledDuration: '5.004192813s',
            lastReconciledStatus: 'HealthCheckFailed',
            totalReconciliations: 9,
            metadata: { revision: attempted },
          },
          {
            digest: sha256(`${app}/${applied}/manifests`),
            firstReconciled: clock.ago(55 * MINUTE),
            lastReconciled: clock.ago(35 * MINUTE),
            lastReconciledDuration: '21.339401772s',
            lastReconciledStatus: 'ReconciliationSucceeded',
            totalReconciliations: 3,
            metadata: { revision: applied },
          },
        ],
      },
    },
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: meta('HelmRelease', app, app, clock, {
        generation: 2,
        createdAgo: 55 * MINUTE,
      }),
      spec: helmReleaseSpec(app, OPEN_WEBUI_SECRETS),
      // contracts.md 3.3 failure variant: upgrade retries (3) spent after
      // four attempts of 5 minutes each.
      status: {
        observedGeneration: 2,
        lastAttemptedGeneration: 2,
        lastAttemptedRevision: CHART.version,
        lastAttemptedReleaseAction: 'upgrade',
        lastAttemptedConfigDigest: sha256(`${app}/values/v5`),
        helmChart: `${app}/${app}-${app}`,
        storageNamespace: app,
        failures: 4,
        upgradeFailures: 4,
        history: helmHistory(app, clock, [
          {
            version: 5,
            status: 'failed',
            action: 'upgrade',
            firstDeployedAgo: 55 * MINUTE,
            lastDeployedAgo: 14 * MINUTE,
          },
          {
            version: 1,
            status: 'deployed',
            action: 'install',
            firstDeployedAgo: 55 * MINUTE,
            lastDeployedAgo: 55 * MINUTE,
          },
        ]),
        conditions: [
          {
            type: 'Stalled',
            status: 'True',
            observedGeneration: 2,
            reason: 'RetriesExceeded',
            message: 'Failed to upgrade after 4 attempt(s)',
            lastTransitionTime: clock.ago(9 * MINUTE),
          },
          {
            type: 'Ready',
            status: 'False',
            observedGeneration: 2,
            reason: 'UpgradeFailed',
            message: upgradeFailed,
            lastTransitionTime: clock.ago(25 * MINUTE),
          },
          {
            type: 'Released',
            status: 'False',
            observedGeneration: 2,
            reason: 'UpgradeFailed',
            message: upgradeFailed,
            lastTransitionTime: clock.ago(25 * MINUTE),
          },
        ],
      },
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: meta('SecretStore', app, es, clock, {
        generation: 1,
        createdAgo: 55 * MINUTE,
      }),
      spec: secretStoreSpec(app),
      status: storeValid(clock, 55 * MINUTE),
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: meta('ExternalSecret', app, es, clock, {
        generation: 2,
        createdAgo: 55 * MINUTE,
      }),
      spec: externalSecretSpec(app, OPEN_WEBUI_SECRETS),
      // The last good sync was generation 1 (one key); generation 2 fails.
      status: {
        refreshTime: clock.ago(53 * MINUTE),
        syncedResourceVersion: syncedResourceVersion(app, 1),
        binding: { name: es },
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'SecretSyncedError',
            message: 'could not get secret data from provider',
            lastTransitionTime: clock.ago(30 * MINUTE),
          },
        ],
      },
    },
    event(clock, {
      namespace: app,
      involved: {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        name: es,
        resourceVersion: '48113',
      },
      type: 'Normal',
      reason: 'Created',
      message: 'secret created',
      count: 1,
      firstAgo: 53 * MINUTE,
      lastAgo: 53 * MINUTE,
      component: 'external-secrets',
    }),
    event(clock, {
      namespace: app,
      involved: {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        name: es,
        resourceVersion: '51872',
      },
      type: 'Warning',
      reason: 'UpdateFailed',
      message: ACME_UPDATE_FAILED,
      count: 14,
      firstAgo: 30 * MINUTE,
      lastAgo: 2 * MINUTE,
      component: 'external-secrets',
    }),
    // Why the upgrade times out: the new pod needs a key ESO could not sync.
    event(clock, {
      namespace: app,
      involved: {
        apiVersion: 'v1',
        kind: 'Pod',
        name: `${app}-0`,
        resourceVersion: '51904',
        fieldPath: `spec.containers{${CHART.name}}`,
      },
      type: 'Warning',
      reason: 'Failed',
      message: `Error: couldn't find key OPENAI_API_KEY in Secret ${app}/${es}`,
      count: 97,
      firstAgo: 29 * MINUTE,
      lastAgo: 40_000,
      component: 'kubelet',
      host: 'haven-sandbox-worker-2',
    }),
  ];
}

function gemeente(clock: Clock): KubernetesObject[] {
  const app = 'open-webui-gemeente';
  const rev = revision(`haven-fleet/fleet:${app}:1`);
  const releases: Release[] = [
    {
      version: 1,
      status: 'deployed',
      action: 'install',
      firstDeployedAgo: 9 * DAY,
      lastDeployedAgo: 9 * DAY,
    },
  ];
  return [
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: meta('Kustomization', app, app, clock, {
        generation: 1,
        createdAgo: 9 * DAY,
      }),
      spec: kustomizationSpec(app),
      status: kustomizationReady(app, clock, rev, 9 * DAY, 7 * MINUTE, 1296),
    },
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: meta('HelmRelease', app, app, clock, {
        generation: 1,
        createdAgo: 9 * DAY,
      }),
      spec: helmReleaseSpec(app, OPEN_WEBUI_SECRETS),
      status: helmReady(app, clock, 1, releases, 9 * DAY),
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: meta('SecretStore', app, storeName(app), clock, {
        generation: 1,
        createdAgo: 9 * DAY,
      }),
      spec: secretStoreSpec(app),
      status: storeValid(clock, 9 * DAY),
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: meta('ExternalSecret', app, storeName(app), clock, {
        generation: 1,
        createdAgo: 9 * DAY,
      }),
      spec: externalSecretSpec(app, OPEN_WEBUI_SECRETS),
      // Three hours since the last sync with a 1h interval, and the sandbox
      // rotates openai-api-key (version 2) in Vault at start: Stale.
      status: externalSecretSynced(
        app,
        1,
        clock.ago(3 * HOUR),
        clock.ago(9 * DAY),
      ),
    },
  ];
}

function pilot(clock: Clock): KubernetesObject[] {
  const app = 'open-webui-pilot';
  const applied = revision(`haven-fleet/fleet:${app}:1`);
  // The fleet commit adding its SecretStore, ExternalSecret and secret env.
  const attempted = revision(`haven-fleet/fleet:${app}:2`);
  const health = `Running health checks for revision ${attempted} with a timeout of 5m0s`;
  const upgrading = "Running 'upgrade' action with timeout of 5m0s";
  const previous = helmSucceeded(app, 1, 'install');
  return [
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: meta('Kustomization', app, app, clock, {
        generation: 1,
        createdAgo: 2 * DAY,
      }),
      spec: kustomizationSpec(app),
      status: {
        observedGeneration: 1,
        lastAppliedRevision: applied,
        lastAttemptedRevision: attempted,
        conditions: [
          {
            type: 'Reconciling',
            status: 'True',
            observedGeneration: 1,
            reason: 'Progressing',
            message: health,
            lastTransitionTime: clock.ago(70_000),
          },
          {
            type: 'Ready',
            status: 'Unknown',
            observedGeneration: 1,
            reason: 'Progressing',
            message: 'Reconciliation in progress',
            lastTransitionTime: clock.ago(75_000),
          },
          {
            type: 'Healthy',
            status: 'Unknown',
            observedGeneration: 1,
            reason: 'Progressing',
            message: health,
            lastTransitionTime: clock.ago(70_000),
          },
        ],
        inventory: inventory(app),
        history: [
          {
            digest: sha256(`${app}/${applied}/manifests`),
            firstReconciled: clock.ago(2 * DAY),
            lastReconciled: clock.ago(6 * MINUTE),
            lastReconciledDuration: '1.204977185s',
            lastReconciledStatus: 'ReconciliationSucceeded',
            totalReconciliations: 288,
            metadata: { revision: applied },
          },
        ],
      },
    },
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: meta('HelmRelease', app, app, clock, {
        generation: 2,
        createdAgo: 2 * DAY,
      }),
      spec: helmReleaseSpec(app, OPEN_WEBUI_SECRETS),
      status: {
        observedGeneration: 1,
        lastAttemptedGeneration: 2,
        lastAttemptedRevision: CHART.version,
        lastAttemptedReleaseAction: 'upgrade',
        lastAttemptedConfigDigest: sha256(`${app}/values/v2`),
        helmChart: `${app}/${app}-${app}`,
        storageNamespace: app,
        history: helmHistory(app, clock, [
          {
            version: 1,
            status: 'deployed',
            action: 'install',
            firstDeployedAgo: 2 * DAY,
            lastDeployedAgo: 2 * DAY,
          },
        ]),
        conditions: [
          {
            type: 'Reconciling',
            status: 'True',
            observedGeneration: 2,
            reason: 'Progressing',
            message: upgrading,
            lastTransitionTime: clock.ago(65_000),
          },
          {
            type: 'Ready',
            status: 'Unknown',
            observedGeneration: 2,
            reason: 'Progressing',
            message: upgrading,
            lastTransitionTime: clock.ago(65_000),
          },
          {
            type: 'Released',
            status: 'True',
            observedGeneration: 1,
            reason: 'InstallSucceeded',
            message: previous,
            lastTransitionTime: clock.ago(2 * DAY),
          },
        ],
      },
    },
    // Applied a minute ago; ESO has reconciled neither yet (no status).
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: meta('SecretStore', app, storeName(app), clock, {
        generation: 1,
        createdAgo: 72_000,
      }),
      spec: secretStoreSpec(app),
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: meta('ExternalSecret', app, storeName(app), clock, {
        generation: 1,
        createdAgo: 72_000,
      }),
      spec: externalSecretSpec(app, OPEN_WEBUI_SECRETS),
    },
  ];
}

/**
 * The objects of cluster `haven-sandbox` as of `now` (the sandbox's start):
 * see SANDBOX_DELIVERY_EXAMPLES for what each app shows. Vault's seeded
 * secrets must have been written at or before `now`.
 * @public
 */
export function sandboxClusterObjects(now: Date): KubernetesObject[] {
  const clock: Clock = {
    now: now.getTime(),
    ago: ms => rfc3339(now.getTime() - ms),
  };
  return [
    ...voorbeeld(clock),
    ...acme(clock),
    ...gemeente(clock),
    ...pilot(clock),
  ];
}
