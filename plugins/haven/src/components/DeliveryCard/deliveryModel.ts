import type { KubernetesApi } from '@backstage/plugin-kubernetes-react';
import {
  externalSecretState,
  fluxRevision,
  fluxState,
  secretStoreState,
  stateTone,
  vaultSecretsForExternalSecret,
  type DeliveryState,
  type ExternalSecretObject,
  type FluxObject,
  type SecretStoreObject,
  type StateTone,
} from '@haven-plus/plugin-haven-common';
import type { VaultSecretMetadata, VaultSection } from '../../api/types';

type ObjectsByEntityResponse = Awaited<
  ReturnType<KubernetesApi['getCustomObjectsByEntity']>
>;
type ClusterObjects = ObjectsByEntityResponse['items'][number];
type KubernetesFetchError = ClusterObjects['errors'][number];

/**
 * The custom resources the card asks the Kubernetes backend for, at the API
 * versions the clusters serve (contracts.md 2.1, 3.1). The request's list
 * replaces the cluster's and the global `kubernetes.customResources`.
 */
export const DELIVERY_RESOURCES = [
  {
    group: 'kustomize.toolkit.fluxcd.io',
    apiVersion: 'v1',
    plural: 'kustomizations',
  },
  { group: 'helm.toolkit.fluxcd.io', apiVersion: 'v2', plural: 'helmreleases' },
  { group: 'external-secrets.io', apiVersion: 'v1', plural: 'secretstores' },
  { group: 'external-secrets.io', apiVersion: 'v1', plural: 'externalsecrets' },
];

/** Delivery-chain order: Flux applies, the store connects, the secret syncs. */
const KINDS: Record<string, { group: string; order: number }> = {
  Kustomization: { group: 'kustomize.toolkit.fluxcd.io', order: 0 },
  HelmRelease: { group: 'helm.toolkit.fluxcd.io', order: 1 },
  SecretStore: { group: 'external-secrets.io', order: 2 },
  ClusterSecretStore: { group: 'external-secrets.io', order: 3 },
  ExternalSecret: { group: 'external-secrets.io', order: 4 },
};

/** One row of a cluster's table. */
export interface DeliveryRow {
  key: string;
  kind: string;
  name: string;
  namespace?: string;
  state: DeliveryState;
  tone: StateTone;
  reason: string;
  hint?: string;
  revision?: string;
  /** ExternalSecret only. */
  sync?: { target: string; refreshTime?: string | null };
  /** ExternalSecret only, when Vault metadata is at hand. */
  vault?: { secrets: VaultSecretMetadata[]; missingKeys: string[] };
}

/** What one cluster holds for the entity. */
export interface ClusterDelivery {
  name: string;
  title: string;
  rows: DeliveryRow[];
  /** Per-resource fetch failures, said in words. */
  errors: string[];
}

interface KindedObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
}

function isKindedObject(value: unknown): value is KindedObject {
  if (typeof value !== 'object' || value === null) return false;
  const { apiVersion, kind } = value as Record<string, unknown>;
  return typeof apiVersion === 'string' && typeof kind === 'string';
}

/** A fetch error from the Kubernetes backend, as a sentence with a next step. */
export function describeFetchError(error: KubernetesFetchError): string {
  if (error.errorType === 'FETCH_ERROR') {
    return `Could not reach the cluster: ${error.message}`;
  }
  const where = error.resourcePath ?? 'a resource';
  if (error.statusCode === 403 || error.errorType === 'UNAUTHORIZED_ERROR') {
    return `${where}: HTTP ${
      error.statusCode ?? 401
    }; Backstage's cluster credentials may not list it. Grant get and list on this resource to the service account.`;
  }
  if (error.errorType === 'NOT_FOUND') {
    return `${where}: HTTP 404; the cluster does not serve this kind at this API version. Is its CRD installed (and current)?`;
  }
  return `${where}: ${error.errorType}${
    error.statusCode ? ` (HTTP ${error.statusCode})` : ''
  }`;
}

function toRow(
  obj: KindedObject,
  vault: VaultSection | undefined,
  now: Date,
): DeliveryRow | undefined {
  const known = KINDS[obj.kind];
  if (!known || !obj.apiVersion.startsWith(`${known.group}/`)) {
    return undefined;
  }
  const name = obj.metadata?.name ?? '(unnamed)';
  const namespace = obj.metadata?.namespace;
  const base = {
    key: `${obj.kind}/${namespace ?? ''}/${name}`,
    kind: obj.kind,
    name,
    namespace,
  };
  if (obj.kind === 'HelmRelease' || obj.kind === 'Kustomization') {
    const flux = obj as FluxObject;
    const result = fluxState(flux);
    return {
      ...base,
      ...result,
      tone: stateTone(result.state),
      revision: fluxRevision(flux),
    };
  }
  if (obj.kind === 'SecretStore' || obj.kind === 'ClusterSecretStore') {
    const result = secretStoreState(obj as SecretStoreObject);
    return { ...base, ...result, tone: stateTone(result.state) };
  }
  const es = obj as ExternalSecretObject;
  const matched =
    vault?.status === 'ok'
      ? vaultSecretsForExternalSecret(es, vault)
      : undefined;
  const result = externalSecretState(es, matched?.newest, now);
  return {
    ...base,
    ...result,
    tone: stateTone(result.state),
    sync: {
      target: es.status?.binding?.name ?? es.spec?.target?.name ?? name,
      refreshTime: es.status?.refreshTime,
    },
    vault: matched && {
      secrets: matched.secrets,
      missingKeys: matched.missingKeys,
    },
  };
}

/**
 * The Kubernetes backend's answer as one table per cluster. Objects are told
 * apart by apiVersion and kind: a resource group does not say which matcher
 * it answers (contracts.md 6.4).
 */
export function deliveryByCluster(
  response: ObjectsByEntityResponse,
  vault: VaultSection | undefined,
  now: Date = new Date(),
): ClusterDelivery[] {
  return response.items.map(item => {
    const rows = item.resources
      .filter(group => group.type === 'customresources')
      .flatMap(group => group.resources as unknown[])
      .filter(isKindedObject)
      .map(obj => toRow(obj, vault, now))
      .filter((row): row is DeliveryRow => row !== undefined)
      .sort(
        (a, b) =>
          KINDS[a.kind].order - KINDS[b.kind].order ||
          a.name.localeCompare(b.name),
      );
    return {
      name: item.cluster.name,
      title: item.cluster.title ?? item.cluster.name,
      rows,
      errors: item.errors.map(describeFetchError),
    };
  });
}
