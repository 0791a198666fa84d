import type { VaultSecretMetadata } from '../entityTelemetry';
import { describeCondition, findCondition } from './conditions';
import { formatDuration, parseGoDuration } from './duration';
import type {
  ExternalSecretObject,
  ExternalSecretState,
  SecretStoreObject,
  SecretStoreState,
  StateResult,
} from './types';

/*
 * ExternalSecret status, contracts.md 2.4: no observedGeneration, but
 * `syncedResourceVersion` = "<generation>-<hash>"; Ready/False carries only
 * a generic message ("could not get secret data from provider"), the cause
 * goes into a Warning Event (reason UpdateFailed) on the ExternalSecret.
 */

/** ESO's default refresh interval when the spec names none. */
const DEFAULT_REFRESH_INTERVAL = '1h0m0s';

/** haven-backend's MAX_SECRETS: the most keys it lists under a path. */
const LISTED_SECRETS_LIMIT = 50;

const MISSING_REASONS = new Set(['SecretMissing', 'ResourceMissing']);
const DELETED_REASONS = new Set(['SecretDeleted', 'ResourceDeleted']);

function kubectlDescribe(
  kind: 'externalsecret' | 'secretstore' | 'clustersecretstore',
  metadata: { name?: string; namespace?: string } | undefined,
): string {
  const ns =
    metadata?.namespace && kind !== 'clustersecretstore'
      ? ` -n ${metadata.namespace}`
      : '';
  return `kubectl describe ${kind} ${metadata?.name ?? '<name>'}${ns}`;
}

/** The generation ESO last synced, from `status.syncedResourceVersion`. */
export function syncedGeneration(
  syncedResourceVersion: string | undefined,
): number | undefined {
  const match = /^(\d+)-/.exec(syncedResourceVersion ?? '');
  return match ? Number(match[1]) : undefined;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * One state word for an ExternalSecret. `vaultSecret` is the newest-updated
 * Vault secret it reads (see {@link vaultSecretsForExternalSecret}); with it,
 * a sync that fell behind Vault shows as Stale.
 * @public
 */
export function externalSecretState(
  es: ExternalSecretObject,
  vaultSecret?: VaultSecretMetadata,
  now: Date = new Date(),
): StateResult<ExternalSecretState> {
  const status = es.status;
  const conditions = status?.conditions ?? [];
  if (
    !status ||
    (conditions.length === 0 &&
      !status.refreshTime &&
      !status.syncedResourceVersion)
  ) {
    return {
      state: 'Reconciling',
      reason: 'Pending: External Secrets Operator has not reconciled it yet',
    };
  }

  const ready = findCondition(conditions, 'Ready');
  if (ready?.status === 'False') {
    return {
      state: 'Error',
      reason: describeCondition(ready, 'not ready'),
      hint: `ESO's condition carries only a generic message; the cause is in the ExternalSecret's events (${kubectlDescribe(
        'externalsecret',
        es.metadata,
      )}), the newest Warning Event with reason UpdateFailed.`,
    };
  }

  if (es.metadata?.deletionTimestamp) {
    return {
      state: 'Reconciling',
      reason: `being deleted since ${es.metadata.deletionTimestamp}`,
    };
  }

  const generation = es.metadata?.generation;
  const synced = syncedGeneration(status.syncedResourceVersion);
  if (generation !== undefined && synced !== undefined && synced < generation) {
    return {
      state: 'Reconciling',
      reason: `spec generation ${generation} not synced yet (last synced: generation ${synced})`,
    };
  }

  if (!ready || ready.status !== 'True') {
    return {
      state: 'Reconciling',
      reason: ready
        ? describeCondition(ready, 'sync in progress')
        : 'no Ready condition yet',
    };
  }

  const target = es.spec?.target?.name ?? es.metadata?.name ?? '<target>';
  if (ready.reason && MISSING_REASONS.has(ready.reason)) {
    return {
      state: 'Missing',
      reason: describeCondition(ready, 'target missing'),
      hint: `Secret ${target} does not exist and creationPolicy ${
        es.spec?.target?.creationPolicy ?? 'Merge'
      } will not create it: create it, or use creationPolicy Owner.`,
    };
  }
  if (
    (ready.reason && DELETED_REASONS.has(ready.reason)) ||
    /retained due to DeletionPolicy/i.test(ready.message ?? '')
  ) {
    return {
      state: 'Missing',
      reason: describeCondition(ready, 'no data from the provider'),
      hint: "Vault returned no data for the keys it reads: check they exist at the ExternalSecret's remoteRef keys.",
    };
  }

  const stale = staleness(es, vaultSecret, now);
  if (stale) return stale;

  const refreshed = status.refreshTime
    ? `, last sync ${status.refreshTime}`
    : '';
  return {
    state: 'Synced',
    reason: `${describeCondition(ready, 'synced')}${refreshed}`,
  };
}

/**
 * Stale: Vault holds a version newer than the last sync (updatedTime after
 * refreshTime), and the refresh that should have read it is overdue (the
 * refresh interval has passed since the last sync), or will never come
 * (interval 0, refreshPolicy CreatedOnce or OnChange).
 */
function staleness(
  es: ExternalSecretObject,
  vaultSecret: VaultSecretMetadata | undefined,
  now: Date,
): StateResult<'Stale'> | undefined {
  const refreshTime = Date.parse(es.status?.refreshTime ?? '');
  const updatedTime = Date.parse(vaultSecret?.updatedTime ?? '');
  if (!vaultSecret || Number.isNaN(refreshTime) || Number.isNaN(updatedTime)) {
    return undefined;
  }
  if (updatedTime <= refreshTime) return undefined;

  const intervalText = es.spec?.refreshInterval ?? DEFAULT_REFRESH_INTERVAL;
  const interval = parseGoDuration(intervalText);
  const policy = es.spec?.refreshPolicy;
  const behind = `Vault secret ${vaultSecret.name} version ${
    vaultSecret.version
  } was written at ${iso(updatedTime)}, after the last sync at ${iso(
    refreshTime,
  )}`;
  const forceSync = `Force a sync: kubectl annotate externalsecret ${
    es.metadata?.name ?? '<name>'
  }${
    es.metadata?.namespace ? ` -n ${es.metadata.namespace}` : ''
  } force-sync=$(date +%s) --overwrite`;

  if (policy === 'CreatedOnce' || policy === 'OnChange' || interval === 0) {
    const why =
      policy === 'CreatedOnce' || policy === 'OnChange'
        ? `refreshPolicy ${policy}`
        : `refreshInterval ${intervalText}`;
    return {
      state: 'Stale',
      reason: `${behind}; with ${why} ESO does not read it again on its own`,
      hint: forceSync,
    };
  }
  if (interval === undefined) return undefined;
  if (now.getTime() - refreshTime > interval) {
    return {
      state: 'Stale',
      reason: `${behind}, and the refresh interval ${formatDuration(
        interval,
      )} has passed without a sync`,
      hint: `Check the External Secrets Operator is running. ${forceSync}`,
    };
  }
  return undefined;
}

/** The Vault KV keys an ExternalSecret reads (`data[].remoteRef.key`, `dataFrom[].extract.key`). @public */
export function externalSecretVaultKeys(es: ExternalSecretObject): string[] {
  const keys = [
    ...(es.spec?.data ?? []).map(d => d.remoteRef?.key),
    ...(es.spec?.dataFrom ?? []).map(d => d.extract?.key),
  ]
    .filter((k): k is string => typeof k === 'string' && k.length > 0)
    .map(trimSlashes);
  return [...new Set(keys)];
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/**
 * Which of the entity's Vault secrets (its KV path and their names, as
 * haven-backend lists them) an ExternalSecret reads, which keys are not in
 * that list, and the newest-written one.
 * @public
 */
export function vaultSecretsForExternalSecret(
  es: ExternalSecretObject,
  vault: { path: string; secrets: VaultSecretMetadata[] },
): {
  secrets: VaultSecretMetadata[];
  missingKeys: string[];
  newest?: VaultSecretMetadata;
} {
  const base = trimSlashes(vault.path);
  const byKey = new Map<string, VaultSecretMetadata>();
  for (const secret of vault.secrets) {
    const name = trimSlashes(secret.name);
    byKey.set(base ? `${base}/${name}` : name, secret);
  }
  // haven-backend lists at most this many keys; past it, absent is unknown.
  const complete = vault.secrets.length < LISTED_SECRETS_LIMIT;
  const secrets: VaultSecretMetadata[] = [];
  const missingKeys: string[] = [];
  for (const key of externalSecretVaultKeys(es)) {
    const secret = byKey.get(key);
    if (secret) secrets.push(secret);
    else if (complete && (key.startsWith(`${base}/`) || key === base)) {
      missingKeys.push(key);
    }
  }
  const newest = secrets.reduce<VaultSecretMetadata | undefined>(
    (best, s) =>
      !best || Date.parse(s.updatedTime) > Date.parse(best.updatedTime)
        ? s
        : best,
    undefined,
  );
  return { secrets, missingKeys, newest };
}

/**
 * One state word for a SecretStore or ClusterSecretStore (contracts.md 2.5).
 * @public
 */
export function secretStoreState(
  store: SecretStoreObject,
): StateResult<SecretStoreState> {
  const ready = findCondition(store.status?.conditions, 'Ready');
  const kind =
    store.kind === 'ClusterSecretStore' ? 'clustersecretstore' : 'secretstore';
  if (!ready || ready.status === 'Unknown') {
    return {
      state: 'Pending',
      reason: ready
        ? describeCondition(ready, 'validation in progress')
        : 'External Secrets Operator has not validated it yet',
    };
  }
  if (ready.status === 'False') {
    return {
      state: 'Error',
      reason: describeCondition(ready, 'invalid'),
      hint: `The cause (for example Vault refusing the Kubernetes login) is in the store's events (${kubectlDescribe(
        kind,
        store.metadata,
      )}).`,
    };
  }
  if (ready.reason === 'ValidationUnknown') {
    return {
      state: 'Unverified',
      reason: describeCondition(ready, 'validation unknown'),
      hint: 'ESO cannot validate a store whose service account names no namespace (referent auth); it is checked when an ExternalSecret uses it.',
    };
  }
  return { state: 'Valid', reason: describeCondition(ready, 'valid') };
}
