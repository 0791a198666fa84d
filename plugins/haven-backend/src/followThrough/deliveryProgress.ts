import {
  externalSecretState,
  fluxRevision,
  fluxState,
  type ExternalSecretObject,
  type FluxObject,
} from '@haven-plus/plugin-haven-common';

/** One Flux or ESO object of the app, as a cluster lists it. */
export interface ObservedObject {
  cluster: string;
  kind: 'Kustomization' | 'HelmRelease' | 'ExternalSecret';
  object: FluxObject | ExternalSecretObject;
}

/** Where the app's delivery stands after its pull request merged. */
export type DeliveryProgress =
  | { status: 'waiting'; reason: string }
  | { status: 'ready'; summary: string }
  | { status: 'failed'; reason: string };

export interface ProgressInput {
  objects: ObservedObject[];
  /** The merge commit, when the host said it. */
  mergeCommitSha?: string;
  /**
   * The revisions the app's Kustomizations had applied when the merge was
   * first seen (empty when none existed, as for a new app).
   */
  revisionsAtMerge: string[];
}

const label = (o: ObservedObject) =>
  `${o.kind}/${o.object.metadata?.name ?? '?'}${
    o.object.metadata?.namespace ? ` in ${o.object.metadata.namespace}` : ''
  } (cluster ${o.cluster})`;

/**
 * The Kustomization revisions (`main@sha1:<sha>`) of the app, for the record
 * taken when the merge is first seen.
 */
export function kustomizationRevisions(objects: ObservedObject[]): string[] {
  return objects
    .filter(o => o.kind === 'Kustomization')
    .map(o => fluxRevision(o.object as FluxObject))
    .filter((r): r is string => !!r)
    .sort();
}

/**
 * Judges whether Flux applied the merge and the app is Ready and Synced.
 *
 * - Applied: a Kustomization's `status.lastAppliedRevision` holds the merge
 *   commit, or (when the host gave none, or a later commit was applied
 *   already) differs from what it had applied when the merge was first seen.
 *   An app whose objects were all there before the merge is not "ready"
 *   until Flux has moved on from the old revision.
 * - Failed: any Flux object Failed or stalled, or an ExternalSecret in Error
 *   (its reason, e.g. a missing Vault key, is the message).
 * - Ready: every Kustomization and HelmRelease Ready and every
 *   ExternalSecret Synced.
 */
export function judgeDelivery(input: ProgressInput): DeliveryProgress {
  const { objects } = input;
  const flux = objects.filter(o => o.kind !== 'ExternalSecret');
  const secrets = objects.filter(o => o.kind === 'ExternalSecret');
  if (flux.length === 0) {
    return {
      status: 'waiting',
      reason:
        'Flux has not applied the app yet: no Kustomization or HelmRelease is labelled for it',
    };
  }

  for (const o of flux) {
    const { state, reason } = fluxState(o.object as FluxObject);
    if (state === 'Failed' || state === 'Failed (stalled)') {
      return { status: 'failed', reason: `${label(o)} ${state}: ${reason}` };
    }
  }
  for (const o of secrets) {
    const { state, reason } = externalSecretState(
      o.object as ExternalSecretObject,
    );
    if (state === 'Error') {
      return { status: 'failed', reason: `${label(o)} Error: ${reason}` };
    }
  }

  const kustomizations = flux.filter(o => o.kind === 'Kustomization');
  if (kustomizations.length > 0) {
    const now = kustomizationRevisions(kustomizations);
    const sha = input.mergeCommitSha;
    const hasMerge = sha ? now.some(r => r.includes(sha)) : false;
    const movedOn =
      now.length > 0 &&
      now.join('\n') !== [...input.revisionsAtMerge].sort().join('\n');
    if (!hasMerge && !movedOn) {
      return {
        status: 'waiting',
        reason: `Flux has not applied the merge yet (applied: ${
          now.join(', ') || 'nothing'
        })`,
      };
    }
  }

  for (const o of flux) {
    const { state, reason } = fluxState(o.object as FluxObject);
    if (state !== 'Ready') {
      return { status: 'waiting', reason: `${label(o)} ${state}: ${reason}` };
    }
  }
  for (const o of secrets) {
    const { state, reason } = externalSecretState(
      o.object as ExternalSecretObject,
    );
    if (state !== 'Synced') {
      return { status: 'waiting', reason: `${label(o)} ${state}: ${reason}` };
    }
  }
  const names = (kind: ObservedObject['kind']) =>
    objects.filter(o => o.kind === kind).length;
  return {
    status: 'ready',
    summary: `${names('Kustomization')} Kustomization, ${names(
      'HelmRelease',
    )} HelmRelease Ready; ${names('ExternalSecret')} ExternalSecret Synced`,
  };
}
