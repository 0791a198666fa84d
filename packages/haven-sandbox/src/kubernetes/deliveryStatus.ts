/**
 * The statuses the controllers write on an app's Flux and External Secrets
 * objects, one function per state the Delivery card shows
 * (plugins/haven/src/status), and the Events they record. Each returns the
 * state word the card should show for it beside the status that produces it.
 *
 * Sources:
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
 * Every time is relative to the clock's `now` (when the sandbox starts), so
 * each state holds whenever the sandbox is started.
 */
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@haven-plus/haven-doubles';
import type { DeliveryObject } from '@haven-plus/plugin-haven-node';

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

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

// Values that look like the real ones, derived from fixed text so every
// sandbox start serves the same names, digests and uids.

const hex = (algorithm: string, text: string) =>
  createHash(algorithm).update(text).digest('hex');

const sha256 = (seed: string) => `sha256:${hex('sha256', seed)}`;

/** A v4-shaped UID (metadata.uid). */
export function uid(seed: string): string {
  const h = hex('sha256', `uid:${seed}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

/** metav1.Time: RFC 3339 in whole seconds, UTC. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000)
    .toISOString()
    .replace('.000Z', 'Z');
}

export interface Clock {
  /** `now - ago`, as metav1.Time. */
  ago(ms: number): string;
  now: number;
}

export function clockAt(now: Date): Clock {
  return { now: now.getTime(), ago: ms => rfc3339(now.getTime() - ms) };
}

/** The chart release Flux installed: name, version and appVersion of Chart.yaml. */
export interface InstalledChart {
  name: string;
  version: string;
  appVersion?: string;
}

/** What a status is made from: the app, its rendered objects and the clock. */
export interface StatusContext {
  app: string;
  clock: Clock;
  chart: InstalledChart;
  /** The objects of the app's folder as haven:gitops:render builds them. */
  folder: DeliveryObject[];
  /** The generation of the object the status is for. */
  generation: number;
  /** How long ago the object was created. */
  createdAgo: number;
  /** The synced Secret's name (also the SecretStore's and ExternalSecret's). */
  secretName: string;
}

/** One object's state on the Delivery card and the status that shows it. */
export interface ShownState {
  state: SandboxDeliveryState;
  /** metadata.generation; 1 unless a later spec was applied. */
  generation?: number;
  /** Created later than the app's other objects, e.g. by the change being applied. */
  createdAgo?: number;
  /** The controller's status; none when the controller has not seen the object yet. */
  status?: (c: StatusContext) => Record<string, unknown>;
}

/** A git commit id of the fleet repository in Flux's form, `main@sha1:<40 hex>`. */
const revision = (app: string, commit: number) =>
  `main@sha1:${hex('sha1', `haven-fleet/fleet:${app}:${commit}`)}`;

// ---------------------------------------------------------------------------
// Flux Kustomization (kustomize-controller).

/** Flux inventory of the app folder: `<namespace>_<name>_<group>_<kind>` (contracts.md 3.3). */
function inventory(folder: DeliveryObject[]) {
  return {
    entries: folder
      .filter(o => o.apiVersion !== 'kustomize.config.k8s.io/v1beta1')
      .map(o => {
        const { metadata } = o as KubernetesObject;
        const [group, version] = o.apiVersion.includes('/')
          ? o.apiVersion.split('/')
          : ['', o.apiVersion];
        return {
          id: `${metadata.namespace ?? ''}_${metadata.name}_${group}_${o.kind}`,
          v: version,
        };
      })
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}

interface Reconciliation {
  commit: number;
  firstAgo: number;
  lastAgo: number;
  duration: string;
  status: 'ReconciliationSucceeded' | 'HealthCheckFailed';
  total: number;
}

function kustomizationHistory(c: StatusContext, runs: Reconciliation[]) {
  return runs.map(r => ({
    digest: sha256(`${c.app}/${revision(c.app, r.commit)}/manifests`),
    firstReconciled: c.clock.ago(r.firstAgo),
    lastReconciled: c.clock.ago(r.lastAgo),
    lastReconciledDuration: r.duration,
    lastReconciledStatus: r.status,
    totalReconciliations: r.total,
    metadata: { revision: revision(c.app, r.commit) },
  }));
}

const condition = (
  c: StatusContext,
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  ago: number,
  observedGeneration = c.generation,
) => ({
  type,
  status,
  observedGeneration,
  reason,
  message,
  lastTransitionTime: c.clock.ago(ago),
});

/** The last good reconciliation of a Kustomization's history: how long ago, and how many so far. */
interface LastGood {
  reconciledAgo: number;
  reconciliations: number;
}

/** Ready: Flux applied fleet commit `commit` and its health checks passed. */
export function kustomizationApplied(
  o: LastGood & { commit: number; appliedAgo: number },
): ShownState {
  return {
    state: 'Ready',
    status: c => {
      const rev = revision(c.app, o.commit);
      return {
        observedGeneration: c.generation,
        lastAppliedRevision: rev,
        lastAttemptedRevision: rev,
        conditions: [
          condition(
            c,
            'Ready',
            'True',
            'ReconciliationSucceeded',
            `Applied revision: ${rev}`,
            o.appliedAgo,
          ),
          condition(
            c,
            'Healthy',
            'True',
            'Succeeded',
            'Health check passed in 18.472039521s',
            o.appliedAgo,
          ),
        ],
        inventory: inventory(c.folder),
        history: kustomizationHistory(c, [
          {
            commit: o.commit,
            firstAgo: o.appliedAgo + 20_000,
            lastAgo: o.reconciledAgo,
            duration: '1.873412204s',
            status: 'ReconciliationSucceeded',
            total: o.reconciliations,
          },
        ]),
      };
    },
  };
}

/**
 * Failed: commit `attempted` was applied 30 minutes ago and its health check
 * fails on the stalled HelmRelease, retried every 2m; `applied` is the last
 * good commit.
 */
export function kustomizationHealthCheckFailed(o: {
  applied: number;
  attempted: number;
}): ShownState {
  return {
    state: 'Failed',
    status: c => {
      const stalled = `failed early due to stalled resources: [HelmRelease/${c.app}/${c.app} status: 'Failed']`;
      const attempted = revision(c.app, o.attempted);
      return {
        observedGeneration: c.generation,
        lastAppliedRevision: revision(c.app, o.applied),
        lastAttemptedRevision: attempted,
        conditions: [
          condition(
            c,
            'Reconciling',
            'True',
            'ProgressingWithRetry',
            `Running health checks for revision ${attempted} with a timeout of 5m0s`,
            30 * MINUTE,
          ),
          condition(
            c,
            'Ready',
            'False',
            'HealthCheckFailed',
            `health check failed after 5.004192813s: ${stalled}`,
            9 * MINUTE,
          ),
          condition(
            c,
            'Healthy',
            'False',
            'HealthCheckFailed',
            stalled,
            9 * MINUTE,
          ),
        ],
        inventory: inventory(c.folder),
        history: kustomizationHistory(c, [
          {
            commit: o.attempted,
            firstAgo: 30 * MINUTE,
            lastAgo: 1 * MINUTE,
            duration: '5.004192813s',
            status: 'HealthCheckFailed',
            total: 9,
          },
          {
            commit: o.applied,
            firstAgo: c.createdAgo,
            lastAgo: 35 * MINUTE,
            duration: '21.339401772s',
            status: 'ReconciliationSucceeded',
            total: 3,
          },
        ]),
      };
    },
  };
}

/** Reconciling: commit `attempted` was applied 75 s ago and its health checks run. */
export function kustomizationRunningHealthChecks(
  o: LastGood & { applied: number; attempted: number },
): ShownState {
  return {
    state: 'Reconciling',
    status: c => {
      const attempted = revision(c.app, o.attempted);
      const health = `Running health checks for revision ${attempted} with a timeout of 5m0s`;
      return {
        observedGeneration: c.generation,
        lastAppliedRevision: revision(c.app, o.applied),
        lastAttemptedRevision: attempted,
        conditions: [
          condition(c, 'Reconciling', 'True', 'Progressing', health, 70_000),
          condition(
            c,
            'Ready',
            'Unknown',
            'Progressing',
            'Reconciliation in progress',
            75_000,
          ),
          condition(c, 'Healthy', 'Unknown', 'Progressing', health, 70_000),
        ],
        inventory: inventory(c.folder),
        history: kustomizationHistory(c, [
          {
            commit: o.applied,
            firstAgo: c.createdAgo,
            lastAgo: o.reconciledAgo,
            duration: '1.204977185s',
            status: 'ReconciliationSucceeded',
            total: o.reconciliations,
          },
        ]),
      };
    },
  };
}

// ---------------------------------------------------------------------------
// HelmRelease (helm-controller).

/** One Helm release version in the HelmRelease's history. */
export interface Release {
  version: number;
  status: 'deployed' | 'failed' | 'superseded';
  action: 'install' | 'upgrade';
  firstDeployedAgo: number;
  lastDeployedAgo: number;
}

function helmStatus(
  c: StatusContext,
  o: { observedGeneration: number; attempted: Release; releases: Release[] },
) {
  return {
    observedGeneration: o.observedGeneration,
    lastAttemptedGeneration: c.generation,
    lastAttemptedRevision: c.chart.version,
    lastAttemptedReleaseAction: o.attempted.action,
    lastAttemptedConfigDigest: sha256(
      `${c.app}/values/v${o.attempted.version}`,
    ),
    helmChart: `${c.app}/${c.app}-${c.app}`,
    storageNamespace: c.app,
    history: o.releases.map(r => ({
      apiVersion: 'v2',
      name: c.app,
      namespace: c.app,
      version: r.version,
      status: r.status,
      action: r.action,
      chartName: c.chart.name,
      chartVersion: c.chart.version,
      ...(c.chart.appVersion ? { appVersion: c.chart.appVersion } : {}),
      configDigest: sha256(`${c.app}/values/v${r.version}`),
      digest: sha256(`${c.app}/release/v${r.version}`),
      firstDeployed: c.clock.ago(r.firstDeployedAgo),
      lastDeployed: c.clock.ago(r.lastDeployedAgo),
    })),
  };
}

const helmSucceeded = (c: StatusContext, r: Release) =>
  `Helm ${r.action} succeeded for release ${c.app}/${c.app}.v${r.version} with chart ${c.chart.name}@${c.chart.version}`;

/** Ready: the newest of `releases` (newest first) is deployed. */
export function helmReleased(o: {
  generation: number;
  releases: Release[];
  readyAgo: number;
}): ShownState {
  return {
    state: 'Ready',
    generation: o.generation,
    status: c => {
      const current = o.releases[0];
      const message = helmSucceeded(c, current);
      const reason =
        current.action === 'install' ? 'InstallSucceeded' : 'UpgradeSucceeded';
      return {
        ...helmStatus(c, {
          observedGeneration: c.generation,
          attempted: current,
          releases: o.releases,
        }),
        conditions: ['Ready', 'Released'].map(type =>
          condition(c, type, 'True', reason, message, o.readyAgo),
        ),
      };
    },
  };
}

/**
 * Failed (stalled), contracts.md 3.3's failure variant: the upgrade to
 * release `failed.version` timed out four times (retries 3) because the new
 * pod waits for a key the Secret lacks.
 */
export function helmUpgradeRetriesExceeded(o: {
  generation: number;
  failed: Release;
  deployed: Release;
}): ShownState {
  return {
    state: 'Failed (stalled)',
    generation: o.generation,
    status: c => {
      const upgradeFailed = `Helm upgrade failed for release ${c.app}/${c.app}.v${o.failed.version} with chart ${c.chart.name}@${c.chart.version}: timeout waiting for: [StatefulSet/${c.app}/${c.app} status: 'InProgress']`;
      return {
        ...helmStatus(c, {
          observedGeneration: c.generation,
          attempted: o.failed,
          releases: [o.failed, o.deployed],
        }),
        failures: 4,
        upgradeFailures: 4,
        conditions: [
          condition(
            c,
            'Stalled',
            'True',
            'RetriesExceeded',
            'Failed to upgrade after 4 attempt(s)',
            9 * MINUTE,
          ),
          ...['Ready', 'Released'].map(type =>
            condition(
              c,
              type,
              'False',
              'UpgradeFailed',
              upgradeFailed,
              25 * MINUTE,
            ),
          ),
        ],
      };
    },
  };
}

/** Reconciling: the upgrade of generation `generation` started 65 s ago; `deployed` is still current. */
export function helmUpgrading(o: {
  generation: number;
  deployed: Release;
}): ShownState {
  return {
    state: 'Reconciling',
    generation: o.generation,
    status: c => {
      const upgrading = "Running 'upgrade' action with timeout of 5m0s";
      return {
        ...helmStatus(c, {
          observedGeneration: c.generation - 1,
          attempted: {
            ...o.deployed,
            version: o.deployed.version + 1,
            action: 'upgrade',
          },
          releases: [o.deployed],
        }),
        conditions: [
          condition(c, 'Reconciling', 'True', 'Progressing', upgrading, 65_000),
          condition(c, 'Ready', 'Unknown', 'Progressing', upgrading, 65_000),
          condition(
            c,
            'Released',
            'True',
            'InstallSucceeded',
            helmSucceeded(c, o.deployed),
            o.deployed.lastDeployedAgo,
            c.generation - 1,
          ),
        ],
      };
    },
  };
}

// ---------------------------------------------------------------------------
// SecretStore and ExternalSecret (External Secrets Operator).

/** Valid: ESO validated the store when it was created. */
export const storeValid = (): ShownState => ({
  state: 'Valid',
  status: c => ({
    capabilities: 'ReadWrite',
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Valid',
        message: 'store validated',
        lastTransitionTime: c.clock.ago(c.createdAgo),
      },
    ],
  }),
});

/** ESO's syncedResourceVersion: `<generation>-<sha3-224 of labels+annotations>`. */
function syncedResourceVersion(app: string, generation: number): string {
  const metadata = {
    labels: { 'backstage.io/kubernetes-id': app },
    annotations: {},
  };
  return `${generation}-${hex('sha3-224', JSON.stringify(metadata))}`;
}

function externalSecretSynced(c: StatusContext, refreshTime: string) {
  return {
    refreshTime,
    syncedResourceVersion: syncedResourceVersion(c.app, c.generation),
    binding: { name: c.secretName },
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'SecretSynced',
        message: 'secret synced',
        lastTransitionTime: c.clock.ago(c.createdAgo),
      },
    ],
  };
}

/**
 * Synced: the Vault double writes the sandbox's secrets when it starts, just
 * before `now`: the last sync is the next whole second, at or after every
 * Vault updated_time, so "Synced" holds from the first look on (the card
 * calls a sync Stale only when Vault was written after it).
 */
export const secretSynced = (): ShownState => ({
  state: 'Synced',
  status: c =>
    externalSecretSynced(c, rfc3339(Math.ceil(c.clock.now / 1000) * 1000)),
});

/** Stale: the last sync was `refreshedAgo`, longer than the refresh interval, and Vault was written since. */
export const secretStale = (refreshedAgo: number): ShownState => ({
  state: 'Stale',
  status: c => externalSecretSynced(c, c.clock.ago(refreshedAgo)),
});

/** Error: generation `generation` fails to sync since `failingAgo`; the last good sync was of generation `generation - 1`. */
export const secretSyncFailed = (o: {
  generation: number;
  refreshedAgo: number;
  failingAgo: number;
}): ShownState => ({
  state: 'Error',
  generation: o.generation,
  status: c => ({
    refreshTime: c.clock.ago(o.refreshedAgo),
    syncedResourceVersion: syncedResourceVersion(c.app, c.generation - 1),
    binding: { name: c.secretName },
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'SecretSyncedError',
        message: 'could not get secret data from provider',
        lastTransitionTime: c.clock.ago(o.failingAgo),
      },
    ],
  }),
});

/** Applied `createdAgo` ago; ESO has not reconciled it yet (no status). */
export const notReconciledYet = (
  state: 'Pending' | 'Reconciling',
  createdAgo: number,
): ShownState => ({ state, createdAgo });

// ---------------------------------------------------------------------------
// Events.

/** A core v1 Event of the app's namespace, about one of its objects. */
export interface SandboxEvent {
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
}

/** The Event as client-go's EventRecorder writes it. */
export function eventObject(
  clock: Clock,
  namespace: string,
  e: SandboxEvent,
): KubernetesObject {
  // client-go names an Event `<object>.<unix nanos in hex>`.
  const first = clock.now - e.firstAgo;
  const name = `${e.involved.name}.${(
    BigInt(first) * BigInt(1_000_000)
  ).toString(16)}`;
  const { fieldPath, ...involved } = e.involved;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name,
      namespace,
      uid: uid(`${namespace}/${name}`),
      creationTimestamp: clock.ago(e.firstAgo),
    },
    involvedObject: {
      ...involved,
      namespace,
      uid: uid(`${e.involved.kind}/${namespace}/${e.involved.name}`),
      ...(fieldPath ? { fieldPath } : {}),
    },
    reason: e.reason,
    message: e.message,
    source: {
      component: e.component,
      ...(e.host ? { host: e.host } : {}),
    },
    firstTimestamp: clock.ago(e.firstAgo),
    lastTimestamp: clock.ago(e.lastAgo),
    count: e.count,
    type: e.type,
    eventTime: null,
    reportingComponent: e.component,
    reportingInstance: e.host ?? '',
  };
}
