/*
 * Objects from shared/reference/contracts.md (2.4, 2.5, 3.3), as the
 * Kubernetes backend returns them inside a list; variants change only what
 * the contract's failure examples change.
 */
import type {
  ExternalSecretObject,
  FluxObject,
  SecretStoreObject,
} from './types';

/** contracts.md 2.4, "JSON for the double". @public */
export const syncedExternalSecret: ExternalSecretObject = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: {
    name: 'orders-db',
    namespace: 'team-a',
    generation: 3,
    labels: { 'backstage.io/kubernetes-id': 'orders' },
  },
  spec: {
    refreshInterval: '1h',
    secretStoreRef: { kind: 'SecretStore', name: 'vault-team-a' },
    target: {
      name: 'orders-db',
      creationPolicy: 'Owner',
      deletionPolicy: 'Retain',
    },
    data: [
      {
        secretKey: 'DB_PASSWORD',
        remoteRef: { key: 'team-a/orders', property: 'DB_PASSWORD' },
      },
    ],
  },
  status: {
    refreshTime: '2026-08-22T10:00:00Z',
    syncedResourceVersion: '3-0b1a2c…',
    binding: { name: 'orders-db' },
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'SecretSynced',
        message: 'secret synced',
        lastTransitionTime: '2026-08-22T09:00:00Z',
      },
    ],
  },
};

/** contracts.md 2.4, "Failure variant". @public */
export const failingExternalSecret: ExternalSecretObject = {
  ...syncedExternalSecret,
  status: {
    ...syncedExternalSecret.status,
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'SecretSyncedError',
        message: 'could not get secret data from provider',
        lastTransitionTime: '2026-08-22T10:05:00Z',
      },
    ],
  },
};

/** The spec changed (generation 4) and ESO has synced only generation 3. @public */
export const reconcilingExternalSecret: ExternalSecretObject = {
  ...syncedExternalSecret,
  metadata: { ...syncedExternalSecret.metadata, generation: 4 },
};

/** Just created: no status at all (contracts.md 2.4, last bullet). @public */
export const newExternalSecret: ExternalSecretObject = {
  ...syncedExternalSecret,
  metadata: { ...syncedExternalSecret.metadata, generation: 1 },
  status: undefined,
};

/** contracts.md 2.4 table: creationPolicy=Merge and the target is missing. @public */
export const missingTargetExternalSecret: ExternalSecretObject = {
  ...syncedExternalSecret,
  spec: {
    ...syncedExternalSecret.spec,
    target: { name: 'orders-db', creationPolicy: 'Merge' },
  },
  status: {
    ...syncedExternalSecret.status,
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'SecretMissing',
        message: 'secret will not be created due to CreationPolicy=Merge',
        lastTransitionTime: '2026-08-22T09:00:00Z',
      },
    ],
  },
};

/** The Vault secret `team-a/orders` the ExternalSecret reads, as haven-backend lists it. @public */
export const vaultSection = {
  status: 'ok' as const,
  mount: 'kv-apps',
  path: 'team-a',
  secrets: [
    {
      name: 'orders',
      version: 2,
      createdTime: '2026-08-20T08:00:00Z',
      updatedTime: '2026-08-22T09:30:00Z',
    },
  ],
};

/** Written after the last sync (10:00): version 3 at 10:20. @public */
export const vaultSecretWrittenAfterSync = {
  name: 'orders',
  version: 3,
  createdTime: '2026-08-20T08:00:00Z',
  updatedTime: '2026-08-22T10:20:00Z',
};

/** contracts.md 2.5: validated store. @public */
export const validSecretStore: SecretStoreObject = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'SecretStore',
  metadata: { name: 'vault-team-a', namespace: 'team-a' },
  status: {
    capabilities: 'ReadWrite',
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Valid',
        message: 'store validated',
      },
    ],
  },
};

/** contracts.md 2.5: bad Vault credentials. @public */
export const invalidSecretStore: SecretStoreObject = {
  ...validSecretStore,
  status: {
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'InvalidProviderConfig',
        message: 'unable to validate store',
      },
    ],
  },
};

/** contracts.md 2.5: referent auth, validation unknown (Ready stays True). @public */
export const unverifiedClusterSecretStore: SecretStoreObject = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ClusterSecretStore',
  metadata: { name: 'vault' },
  status: {
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'ValidationUnknown',
        message: 'could not determine validation status',
      },
    ],
  },
};

/** contracts.md 3.3, HelmRelease status example. @public */
export const readyHelmRelease: FluxObject = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'orders', namespace: 'team-a', generation: 2 },
  spec: {},
  status: {
    observedGeneration: 2,
    history: [
      {
        chartName: 'podinfo',
        chartVersion: '6.5.3',
        appVersion: '6.5.3',
        status: 'deployed',
        version: 2,
        lastDeployed: '2026-08-22T10:00:00Z',
      },
    ],
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        observedGeneration: 2,
        reason: 'UpgradeSucceeded',
        message:
          'Helm upgrade succeeded for release team-a/orders.v2 with chart podinfo@6.5.3',
        lastTransitionTime: '2026-08-22T10:00:05Z',
      },
      {
        type: 'Released',
        status: 'True',
        observedGeneration: 2,
        reason: 'UpgradeSucceeded',
        message:
          'Helm upgrade succeeded for release team-a/orders.v2 with chart podinfo@6.5.3',
        lastTransitionTime: '2026-08-22T10:00:05Z',
      },
    ],
  },
};

/** contracts.md 3.3, HelmRelease "Failure variant". @public */
export const stalledHelmRelease: FluxObject = {
  ...readyHelmRelease,
  status: {
    ...readyHelmRelease.status,
    conditions: [
      {
        type: 'Stalled',
        status: 'True',
        reason: 'RetriesExceeded',
        message: 'Failed to upgrade after 4 attempt(s)',
      },
      {
        type: 'Ready',
        status: 'False',
        reason: 'UpgradeFailed',
        message:
          'Helm upgrade failed for release team-a/orders: context deadline exceeded',
      },
      { type: 'Released', status: 'False', reason: 'UpgradeFailed' },
    ],
  },
};

/** contracts.md 3.3: installing or upgrading, Ready=Unknown. @public */
export const progressingHelmRelease: FluxObject = {
  ...readyHelmRelease,
  metadata: { ...readyHelmRelease.metadata, generation: 3 },
  status: {
    ...readyHelmRelease.status,
    conditions: [
      {
        type: 'Reconciling',
        status: 'True',
        reason: 'Progressing',
        message: 'reconciliation in progress',
      },
      {
        type: 'Ready',
        status: 'Unknown',
        reason: 'Progressing',
        message: 'reconciliation in progress',
      },
    ],
  },
};

/** contracts.md 3.3, Kustomization status example. @public */
export const readyKustomization: FluxObject = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'orders', namespace: 'flux-system', generation: 4 },
  spec: {},
  status: {
    observedGeneration: 4,
    lastAppliedRevision: 'main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0',
    lastAttemptedRevision: 'main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0',
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        observedGeneration: 4,
        reason: 'ReconciliationSucceeded',
        message:
          'Applied revision: main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0',
        lastTransitionTime: '2026-08-22T10:00:00Z',
      },
    ],
  },
};

/** contracts.md 3.3: a dependency is not ready yet. @public */
export const dependencyNotReadyKustomization: FluxObject = {
  ...readyKustomization,
  status: {
    ...readyKustomization.status,
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'DependencyNotReady',
        message: "dependency 'flux-system/external-secrets' is not ready",
      },
    ],
  },
};
