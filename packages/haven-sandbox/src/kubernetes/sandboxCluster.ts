/**
 * What the local sandbox's cluster `haven-sandbox` holds: the Flux and
 * External Secrets objects of the example components in
 * examples/entities.yaml, each in a different state, and the Kubernetes
 * Events the entity page reads for a failing ExternalSecret.
 *
 * One table, SANDBOX_APPS, says per app which state each of its objects
 * shows. The objects themselves are what haven:gitops:render renders for
 * the app (@haven-plus/plugin-haven-node buildAppDelivery with the Open WebUI
 * profile, its suggested secrets and its chart, for the cluster and Vault
 * settings of app-config.yaml), so they cannot drift from what the Create
 * page delivers. Fields the API server defaults from the CRD schema are
 * filled in, as a list call returns them (shared/reference/crds: HelmRelease
 * `chart.spec.reconcileStrategy`, Kustomization `force`); the statuses are
 * deliveryStatus.ts's.
 *
 * Events are not labelled (a real Event carries no labels); everything else
 * carries `backstage.io/kubernetes-id: <app>` and lives in namespace
 * `<app>`, but the Flux Kustomization, which lives in `flux-system` as
 * haven-node renders it; the entities set no backstage.io/kubernetes-namespace,
 * so the Kubernetes backend selects by label in every namespace
 * (contracts.md 6.2). The cluster holds only the objects the Delivery card
 * reads; the rest of the app folder shows in the Kustomization's inventory.
 */
import {
  OPEN_WEBUI_16,
  type KubernetesObject,
} from '@haven-plus/haven-doubles';
import {
  APP_PROFILES,
  buildAppDelivery,
  syncedSecretName,
  vaultAppNames,
  type DeliveryObject,
} from '@haven-plus/plugin-haven-node';
import { GITHUB_SANDBOX } from '../github/githubSandbox';
import { readSandboxHavenConfig } from '../sandboxConfig';
import {
  clockAt,
  DAY,
  eventObject,
  helmReleased,
  helmUpgradeRetriesExceeded,
  helmUpgrading,
  HOUR,
  kustomizationApplied,
  kustomizationHealthCheckFailed,
  kustomizationRunningHealthChecks,
  MINUTE,
  notReconciledYet,
  secretStale,
  secretSynced,
  secretSyncFailed,
  storeValid,
  uid,
  type Clock,
  type SandboxDeliveryState,
  type SandboxEvent,
  type ShownState,
} from './deliveryStatus';

export type { SandboxDeliveryState } from './deliveryStatus';

/** One row of the Delivery card, as the example should produce it. @public */
export interface SandboxDeliveryRow {
  kind: DeliveredKind;
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

/** The kinds the Delivery card lists, in its order. */
const DELIVERED_KINDS = [
  'Kustomization',
  'HelmRelease',
  'SecretStore',
  'ExternalSecret',
] as const;
type DeliveredKind = (typeof DELIVERED_KINDS)[number];

/** One example app: its entity, the state each object shows, and the Events of its namespace. */
interface SandboxApp {
  app: string;
  scenario: SandboxDeliveryExample['scenario'];
  description: string;
  telemetryTenant?: string;
  /** Versions of a Vault secret beyond its first, by secret name (a rotation). */
  versions?: Record<string, number>;
  /** The app's objects in the cluster; none for the examples without. */
  cluster?: {
    /** When Flux first applied the app. */
    createdAgo: number;
    shows: Record<DeliveredKind, ShownState>;
    events?: (o: RenderedApp) => SandboxEvent[];
  };
}

/** The cluster haven-sandbox and the Vault settings of app-config.yaml. */
const CONFIG = readSandboxHavenConfig(GITHUB_SANDBOX.cluster);

/** The profile the example apps were created with, and the chart it proposes (the Create page's defaults). */
const { PROFILE, PROFILE_CHART } = (() => {
  const profile = APP_PROFILES['open-webui'];
  if (!profile?.chart) {
    throw new Error(
      '@haven-plus/plugin-haven-node has no open-webui profile with a chart',
    );
  }
  return { PROFILE: profile, PROFILE_CHART: profile.chart };
})();

/** The release of PROFILE.chart Flux installs: the newest 16.x of the Helm repository double. */
const CHART = OPEN_WEBUI_16;

/**
 * ESO's Events for an ExternalSecret whose store Vault refuses (403) the
 * read of the first key, and the kubelet's for the pod waiting for the key
 * the Secret lacks.
 */
function vaultRefusesReads(o: RenderedApp): SandboxEvent[] {
  const es = o.objects.ExternalSecret as {
    spec: { data: Array<{ secretKey: string; remoteRef: { key: string } }> };
  };
  const vault = (
    o.objects.SecretStore as {
      spec: { provider: { vault: { server: string; path: string } } };
    }
  ).spec.provider.vault;
  const first = es.spec.data[0].remoteRef.key;
  const missing = es.spec.data[es.spec.data.length - 1].secretKey;
  const onSecret = (resourceVersion: string) => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    name: o.secretName,
    resourceVersion,
  });
  return [
    {
      involved: onSecret('48113'),
      type: 'Normal',
      reason: 'Created',
      message: 'secret created',
      count: 1,
      firstAgo: 53 * MINUTE,
      lastAgo: 53 * MINUTE,
      component: 'external-secrets',
    },
    {
      involved: onSecret('51872'),
      type: 'Warning',
      reason: 'UpdateFailed',
      message: `error processing spec.data[0] (key: ${first}), err: Error making API request.\n\nURL: GET ${vault.server}/v1/${vault.path}/data/${first}\nCode: 403. Errors:\n\n* 1 error occurred:\n\t* permission denied\n\n`,
      count: 14,
      firstAgo: 30 * MINUTE,
      lastAgo: 2 * MINUTE,
      component: 'external-secrets',
    },
    // Why the upgrade times out: the new pod needs a key ESO could not sync.
    {
      involved: {
        apiVersion: 'v1',
        kind: 'Pod',
        name: `${o.app}-0`,
        resourceVersion: '51904',
        fieldPath: `spec.containers{${CHART.name}}`,
      },
      type: 'Warning',
      reason: 'Failed',
      message: `Error: couldn't find key ${missing} in Secret ${o.app}/${o.secretName}`,
      count: 97,
      firstAgo: 29 * MINUTE,
      lastAgo: 40_000,
      component: 'kubelet',
      host: 'haven-sandbox-worker-2',
    },
  ];
}

/** The example apps, one row each, and the state each of their objects shows. */
const SANDBOX_APPS: readonly SandboxApp[] = [
  {
    app: 'open-webui-voorbeeld',
    scenario: 'synced',
    description:
      'Delivered and in sync: Flux applied the fleet revision, the Helm upgrade succeeded, the store is valid and the Secret was synced after the Vault secrets were written.',
    telemetryTenant: 'voorbeeld',
    cluster: {
      createdAgo: 3 * DAY,
      shows: {
        Kustomization: kustomizationApplied({
          commit: 2,
          appliedAgo: 2 * DAY,
          reconciledAgo: 4 * MINUTE,
          reconciliations: 433,
        }),
        HelmRelease: helmReleased({
          generation: 2,
          readyAgo: 2 * DAY,
          releases: [
            {
              version: 2,
              status: 'deployed',
              action: 'upgrade',
              firstDeployedAgo: 3 * DAY,
              lastDeployedAgo: 2 * DAY,
            },
          ],
        }),
        SecretStore: storeValid(),
        ExternalSecret: secretSynced(),
      },
    },
  },
  {
    app: 'open-webui-acme',
    scenario: 'failing',
    description:
      'A second secret was added (generation 2) while Vault refuses the app’s reads: ESO fails with 403, the Secret lacks OPENAI_API_KEY, the Helm upgrade times out until its retries are spent, and the Kustomization health check fails on the stalled HelmRelease.',
    telemetryTenant: 'voorbeeld',
    cluster: {
      createdAgo: 55 * MINUTE,
      shows: {
        // Commit 2 is haven:gitops:add-secret's (openai-api-key).
        Kustomization: kustomizationHealthCheckFailed({
          applied: 1,
          attempted: 2,
        }),
        HelmRelease: helmUpgradeRetriesExceeded({
          generation: 2,
          failed: {
            version: 5,
            status: 'failed',
            action: 'upgrade',
            firstDeployedAgo: 55 * MINUTE,
            lastDeployedAgo: 14 * MINUTE,
          },
          deployed: {
            version: 1,
            status: 'deployed',
            action: 'install',
            firstDeployedAgo: 55 * MINUTE,
            lastDeployedAgo: 55 * MINUTE,
          },
        }),
        SecretStore: storeValid(),
        ExternalSecret: secretSyncFailed({
          generation: 2,
          refreshedAgo: 53 * MINUTE,
          failingAgo: 30 * MINUTE,
        }),
      },
      events: vaultRefusesReads,
    },
  },
  {
    app: 'open-webui-gemeente',
    scenario: 'stale',
    description:
      'Healthy, but ESO last synced three hours ago (refresh interval 1h) and openai-api-key was rotated in Vault since: the Secret is behind Vault.',
    telemetryTenant: 'voorbeeld',
    versions: { 'openai-api-key': 2 },
    cluster: {
      createdAgo: 9 * DAY,
      shows: {
        Kustomization: kustomizationApplied({
          commit: 1,
          appliedAgo: 9 * DAY,
          reconciledAgo: 7 * MINUTE,
          reconciliations: 1296,
        }),
        HelmRelease: helmReleased({
          generation: 1,
          readyAgo: 9 * DAY,
          releases: [
            {
              version: 1,
              status: 'deployed',
              action: 'install',
              firstDeployedAgo: 9 * DAY,
              lastDeployedAgo: 9 * DAY,
            },
          ],
        }),
        SecretStore: storeValid(),
        ExternalSecret: secretStale(3 * HOUR),
      },
    },
  },
  {
    app: 'open-webui-pilot',
    scenario: 'reconciling',
    description:
      'A fleet change that adds its Vault secrets is being applied: Flux runs its health checks, the Helm upgrade is running, and ESO has not reconciled the new SecretStore and ExternalSecret yet.',
    telemetryTenant: 'voorbeeld',
    cluster: {
      createdAgo: 2 * DAY,
      shows: {
        // Commit 2 adds its SecretStore, ExternalSecret and secret env.
        Kustomization: kustomizationRunningHealthChecks({
          applied: 1,
          attempted: 2,
          reconciledAgo: 6 * MINUTE,
          reconciliations: 288,
        }),
        HelmRelease: helmUpgrading({
          generation: 2,
          deployed: {
            version: 1,
            status: 'deployed',
            action: 'install',
            firstDeployedAgo: 2 * DAY,
            lastDeployedAgo: 2 * DAY,
          },
        }),
        SecretStore: notReconciledYet('Pending', 72_000),
        ExternalSecret: notReconciledYet('Reconciling', 72_000),
      },
    },
  },
  {
    app: 'open-webui-zonder-annotaties',
    scenario: 'missing-annotation',
    description:
      'No backstage.io/kubernetes-id, vault.io or telemetry annotations: the cards ask for the annotation.',
  },
  {
    app: 'open-webui-storing',
    scenario: 'no-objects',
    description:
      'A kubernetes-id the cluster holds nothing for, and telemetry tenant `storing`, whose Loki and Tempo answer 503.',
    telemetryTenant: 'storing',
  },
];

/** An app's objects as haven:gitops:render renders them for the sandbox cluster. */
interface RenderedApp {
  app: string;
  secretName: string;
  /** Everything in the app's folder, as Flux applies it. */
  folder: DeliveryObject[];
  /** The objects the Delivery card lists, by kind. */
  objects: Record<DeliveredKind, DeliveryObject>;
}

/** buildAppDelivery's files for `app`, with haven:gitops:render's inputs and defaults. */
function render(app: string): RenderedApp {
  const { cluster, vault, gitops } = CONFIG;
  const names = vaultAppNames(vault, {
    environment: cluster.environment,
    namespace: app,
    component: app,
  });
  const files = buildAppDelivery({
    app,
    namespace: app,
    serviceAccount: app,
    environment: cluster.environment,
    cluster,
    fleetBranch: gitops.fleetRepo.branch,
    vault: {
      server: cluster.vaultServer ?? vault.address,
      namespace: vault.namespace,
      kvMount: names.kvMount,
      kvPath: names.appPath,
      role: names.roleName,
      kubernetesAuthMount: names.kubernetesAuthMount,
      audience: vault.audience,
    },
    chart: PROFILE_CHART,
    profile: PROFILE,
    envValuesPath: PROFILE.envValuesPath,
    podLabelsPath: PROFILE.podLabelsPath,
    secrets: PROFILE.suggestedSecrets.map(({ name, key }) => ({ name, key })),
    refreshInterval: '1h',
    observability: { serviceName: app, serviceNamespace: app },
  });
  const all = files.flatMap(f => f.objects);
  const folder = files
    .filter(f => f.path.startsWith(`${cluster.appsPath}/${app}/`))
    .flatMap(f => f.objects);
  const objects = Object.fromEntries(
    DELIVERED_KINDS.map(kind => {
      const found = all.find(
        o =>
          o.kind === kind && o.apiVersion !== 'kustomize.config.k8s.io/v1beta1',
      );
      if (!found)
        throw new Error(`buildAppDelivery rendered no ${kind} for ${app}`);
      return [kind, found];
    }),
  ) as Record<DeliveredKind, DeliveryObject>;
  return { app, secretName: syncedSecretName(app), folder, objects };
}

/** What the API server adds to an object as rendered: server metadata and CRD defaults. */
function served(
  rendered: DeliveryObject,
  app: string,
  shown: ShownState,
  createdAgo: number,
  clock: Clock,
): KubernetesObject {
  const o = structuredClone(rendered) as KubernetesObject & {
    spec: { force?: boolean; chart?: { spec: { reconcileStrategy?: string } } };
  };
  if (o.kind === 'Kustomization') o.spec.force = false;
  if (o.kind === 'HelmRelease' && o.spec.chart) {
    o.spec.chart.spec.reconcileStrategy = 'ChartVersion';
  }
  o.metadata = {
    ...o.metadata,
    uid: uid(`${o.kind}/${app}/${o.metadata.name}`),
    generation: shown.generation ?? 1,
    creationTimestamp: clock.ago(createdAgo),
  };
  return o;
}

const RENDERED = new Map(
  SANDBOX_APPS.filter(a => a.cluster).map(a => [a.app, render(a.app)]),
);

function appObjects(a: SandboxApp, clock: Clock): KubernetesObject[] {
  const rendered = RENDERED.get(a.app);
  if (!a.cluster || !rendered) return [];
  const { shows, createdAgo } = a.cluster;
  return [
    ...DELIVERED_KINDS.map(kind => {
      const shown = shows[kind];
      const created = shown.createdAgo ?? createdAgo;
      const object = served(
        rendered.objects[kind],
        a.app,
        shown,
        created,
        clock,
      );
      const status = shown.status?.({
        app: a.app,
        clock,
        chart: CHART,
        folder: rendered.folder,
        generation: shown.generation ?? 1,
        createdAgo: created,
        secretName: rendered.secretName,
      });
      return status ? { ...object, status } : object;
    }),
    ...(a.cluster.events?.(rendered) ?? []).map(e =>
      eventObject(clock, a.app, e),
    ),
  ];
}

function example(a: SandboxApp): SandboxDeliveryExample {
  const rendered = RENDERED.get(a.app);
  const warning = rendered
    ? (a.cluster?.events?.(rendered) ?? [])
        .filter(
          e => e.type === 'Warning' && e.involved.kind === 'ExternalSecret',
        )
        .sort((x, y) => x.lastAgo - y.lastAgo)[0]
    : undefined;
  return {
    app: a.app,
    entityRef: `component:default/${a.app}`,
    scenario: a.scenario,
    description: a.description,
    ...(a.telemetryTenant ? { telemetryTenant: a.telemetryTenant } : {}),
    rows:
      rendered && a.cluster
        ? DELIVERED_KINDS.map(kind => {
            const { metadata } = rendered.objects[kind] as KubernetesObject;
            return {
              kind,
              name: metadata.name,
              namespace: metadata.namespace ?? '',
              state: a.cluster!.shows[kind].state,
            };
          })
        : [],
    vaultSecrets: rendered
      ? PROFILE.suggestedSecrets.map(({ name, key }) => ({
          name,
          key,
          versions: a.versions?.[name] ?? 1,
        }))
      : [],
    ...(warning
      ? {
          externalSecretWarning: {
            reason: warning.reason as 'UpdateFailed',
            message: warning.message,
          },
        }
      : {}),
  };
}

/**
 * The example components and the state each produces, for tests that walk
 * the sandbox (the e2e tests iterate it).
 * @public
 */
export const SANDBOX_DELIVERY_EXAMPLES: readonly SandboxDeliveryExample[] =
  SANDBOX_APPS.map(example);

/**
 * The objects of cluster `haven-sandbox` as of `now` (the sandbox's start):
 * see SANDBOX_DELIVERY_EXAMPLES for what each app shows. Vault's seeded
 * secrets must have been written at or before `now`.
 * @public
 */
export function sandboxClusterObjects(now: Date): KubernetesObject[] {
  const clock = clockAt(now);
  return SANDBOX_APPS.flatMap(a => appObjects(a, clock));
}
