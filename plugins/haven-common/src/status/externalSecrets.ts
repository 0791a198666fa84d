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

/*
 * The Ready condition's reasons are ESO's ConditionReason* constants in
 * external-secrets/external-secrets apis/externalsecrets/v1/externalsecret_types.go
 * (the same strings in v1beta1): Secret* for a Secret target, Resource* for
 * a generic target (spec.target.manifest). The messages are the msg*
 * constants of pkg/controllers/externalsecret/externalsecret_controller.go:
 * markAsDone sets Ready=True with them, markAsFailed sets Ready=False and
 * records the error itself as a Warning Event with reason UpdateFailed.
 */
const MISSING_REASONS = new Set(['SecretMissing', 'ResourceMissing']);
const DELETED_REASONS = new Set(['SecretDeleted', 'ResourceDeleted']);
/** msgSyncedRetain, with reason SecretSynced / ResourceSynced. */
const RETAINED_MESSAGE = /retained due to DeletionPolicy=Retain/i;

/** ESO's defaults for spec.target (kubebuilder defaults in externalsecret_types.go). */
const DEFAULT_CREATION_POLICY = 'Owner';
const DEFAULT_DELETION_POLICY = 'Retain';

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

function targetName(es: ExternalSecretObject): string {
  return es.spec?.target?.name ?? es.metadata?.name ?? '<target>';
}

function vaultKeysText(es: ExternalSecretObject): string {
  const keys = externalSecretVaultKeys(es);
  return keys.length > 0 ? keys.join(', ') : 'none listed in spec';
}

/**
 * What to do for a Ready=False condition, by ESO's message (the msgError*
 * constants, see above). The error itself is only in the UpdateFailed Event.
 */
function syncErrorHint(es: ExternalSecretObject, message?: string): string {
  const target = targetName(es);
  const describe = kubectlDescribe('externalsecret', es.metadata);
  const events = `the newest Warning Event with reason UpdateFailed (${describe})`;
  const creationPolicy =
    es.spec?.target?.creationPolicy ?? DEFAULT_CREATION_POLICY;
  const deletionPolicy =
    es.spec?.target?.deletionPolicy ?? DEFAULT_DELETION_POLICY;
  switch (message?.trim()) {
    case 'could not get secret data from provider':
      // With Retain a key absent in Vault is an error; with Delete or Merge
      // it is skipped with a MissingProviderSecret Event instead
      // (externalsecret_controller_secret.go).
      return `ESO's condition carries only a generic message; the cause is in the ExternalSecret's events (${describe}), the newest Warning Event with reason UpdateFailed.${
        deletionPolicy === 'Retain'
          ? ' With deletionPolicy Retain a key that does not exist in Vault fails the sync too.'
          : ''
      }`;
    case 'could not update secret':
      return `ESO read Vault but could not write Secret ${target} (a template error, invalid keys or the API server refusing it); the error is in ${events}.`;
    case 'could not update secret, target is immutable':
      return `Secret ${target} is immutable (spec.target.immutable) and the data from Vault changed; ESO does not retry until the ExternalSecret or the Secret changes. Delete the Secret (kubectl delete secret ${target}${
        es.metadata?.namespace ? ` -n ${es.metadata.namespace}` : ''
      }) so ESO creates it with the new data.`;
    case 'target is owned by another ExternalSecret':
      return `Another ExternalSecret already writes Secret ${target} (its controller owner reference, named in ${events}); two ExternalSecrets cannot share a target. Give this one its own spec.target.name, or remove the other.`;
    case 'failed to take ownership of target secret':
      return `With creationPolicy Owner ESO makes itself the controller owner of Secret ${target}, and another controller already owns it. Choose a spec.target.name nothing else owns, or use creationPolicy Orphan or Merge to write it without owning it.`;
    case 'could not delete secret':
      return creationPolicy === 'Owner'
        ? `Vault returned no data and deletionPolicy is Delete, but deleting Secret ${target} failed; the API server's answer is in ${events}.`
        : `Vault returned no data and deletionPolicy is Delete, but ESO deletes only a Secret it owns and creationPolicy is ${creationPolicy}; ESO does not retry until the ExternalSecret changes. Use creationPolicy Owner, or deletionPolicy Retain or Merge.`;
    case 'could not delete orphaned secrets':
      return `With creationPolicy Owner ESO deletes the Secrets it created under an earlier spec.target.name, and that failed; which one and why is in ${events}.`;
    case 'invalid generic target':
      return `spec.target.manifest is set, but ESO runs without --unsafe-allow-generic-targets or the manifest lacks apiVersion or kind; ESO does not retry until the ExternalSecret changes. The cause is in ${events}.`;
    default:
      return `The cause is in the ExternalSecret's events, ${events}.`;
  }
}

/** The fields of a Kubernetes Event that {@link externalSecretEventHint} reads. @public */
export interface ExternalSecretEvent {
  /** Normal or Warning. */
  type?: string;
  /** The controller's reason, e.g. UpdateFailed, Deleted. */
  reason?: string;
  /** The text ESO recorded, with the provider's error for UpdateFailed. */
  message?: string;
}

/**
 * What to do about an Event ESO recorded on an ExternalSecret, by its reason:
 * the Reason* constants of externalsecret_types.go as the controller records
 * them (externalsecret_controller.go, externalsecret_controller_secret.go).
 * Undefined for an Event that asks for nothing (Created, Updated) and for an
 * UpdateFailed error whose cause it does not know.
 * @public
 */
export function externalSecretEventHint(
  event: ExternalSecretEvent,
): string | undefined {
  const message = event.message ?? '';
  // "(key: <key>)" in UpdateFailed, "(key=<key>)" in MissingProviderSecret.
  const key = /\(key[:=] ?([^)]+)\)/.exec(message)?.[1];
  const at = key
    ? `Vault has no secret at ${key}`
    : 'Vault has no secret at a key it reads';
  switch (event.reason) {
    case 'UpdateFailed':
      // NoSecretError's text (apis/externalsecrets/v1/provider.go).
      if (/Secret does not exist/.test(message)) {
        return `${at}: write it in Vault, or correct remoteRef.key in the fleet repository's ExternalSecret. With deletionPolicy Retain one missing key fails the whole sync.`;
      }
      // Vault's Go API client writes "Code: <status>. Errors: * <error>"
      // (hashicorp/vault api/response.go); 403 is "permission denied".
      if (/Code: 403\b|permission denied/.test(message)) {
        return "Vault refused the read: the policy of the SecretStore's Vault role does not grant read on this path. Check the role and its policy cover the app's KV path.";
      }
      return undefined;
    case 'MissingProviderSecret':
      return `${at}; with deletionPolicy Delete or Merge ESO leaves it out rather than failing. Write it in Vault, or remove the entry from the ExternalSecret.`;
    case 'Deleted':
      return /orphaned/.test(message)
        ? 'ESO deleted a Secret it had created under an earlier spec.target.name (creationPolicy Owner); check nothing still reads the old name.'
        : 'ESO deleted the target Secret: Vault returned no data for any key it reads and deletionPolicy is Delete. Workloads that read it fail until the keys are in Vault again.';
    case 'ParameterDeprecated':
      return 'The ExternalSecret uses a field ESO has deprecated (the message names it): change it in the fleet repository before an ESO upgrade drops it.';
    default:
      return undefined;
  }
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
      hint: syncErrorHint(es, ready.message),
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

  const target = targetName(es);
  if (ready.reason && MISSING_REASONS.has(ready.reason)) {
    return {
      state: 'Missing',
      reason: describeCondition(ready, 'target missing'),
      hint: `Secret ${target} does not exist and creationPolicy ${
        es.spec?.target?.creationPolicy ?? 'Merge'
      } will not create it: create it, or use creationPolicy Owner.`,
    };
  }
  if (ready.reason && DELETED_REASONS.has(ready.reason)) {
    // Provider data empty + deletionPolicy Delete (+ creationPolicy Owner):
    // ESO deleted the target and emitted a Normal Event with reason Deleted.
    return {
      state: 'Missing',
      reason: describeCondition(ready, 'target deleted'),
      hint: `ESO deleted Secret ${target} because Vault returned no data for any key it reads (${vaultKeysText(
        es,
      )}) and deletionPolicy is Delete. Write the secrets in Vault (the MissingProviderSecret Events name each missing key) and ESO creates the Secret again at its next refresh; with deletionPolicy Retain it keeps the last Secret while Vault is empty.`,
    };
  }
  if (RETAINED_MESSAGE.test(ready.message ?? '')) {
    // Provider data empty + deletionPolicy Retain: the target is left as it
    // was. A key that does not exist fails the sync instead (Ready=False),
    // so this is an empty answer: an empty secret or a find matching none.
    return {
      state: 'Missing',
      reason: describeCondition(ready, 'no data from the provider'),
      hint: `Vault answered with no data for the keys it reads (${vaultKeysText(
        es,
      )}), so ESO left Secret ${target} as it was (deletionPolicy Retain): it holds the values of an earlier sync, if any. Check those Vault secrets hold values.`,
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
    const events = `the store's events (${kubectlDescribe(
      kind,
      store.metadata,
    )})`;
    // InvalidProviderConfig's two messages, errUnableCreateClient and
    // errUnableValidateStore in ESO's pkg/controllers/secretstore/common.go:
    // creating the Vault client logs in (providers/v1/vault provider.go,
    // setAuth); validating looks the token up (validate.go, lookup-self).
    const hints: Record<string, string> = {
      'unable to create client': `ESO could not log in to Vault with the store's auth: for Kubernetes auth, Vault's role must be bound to the store's service account and namespace, and Vault must be reachable. Vault's answer is in ${events}.`,
      'unable to validate store': `ESO logged in to Vault but its token lookup (auth/token/lookup-self) failed: the token expired or was revoked, or its policy does not allow the lookup. Vault's answer is in ${events}.`,
    };
    return {
      state: 'Error',
      reason: describeCondition(ready, 'invalid'),
      hint:
        hints[ready.message?.trim() ?? ''] ??
        `The cause (for example Vault refusing the Kubernetes login) is in ${events}.`,
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
