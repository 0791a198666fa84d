import { describeCondition, findCondition } from './conditions';
import type { FluxObject, FluxState, StateResult } from './types';

/*
 * contracts.md 3.3, "Suggested UI state mapping", in kstatus order:
 * suspended, stalled, not ready, in progress, ready, never reconciled.
 * `Reconciling` and `Stalled` are abnormal-true: present only while True.
 */

/**
 * One state word for a HelmRelease, Kustomization or Flux source, with the
 * controller's reason and message.
 * @public
 */
export function fluxState(obj: FluxObject): StateResult<FluxState> {
  const conditions = obj.status?.conditions ?? [];
  const ready = findCondition(conditions, 'Ready');

  if (obj.spec?.suspend === true) {
    return {
      state: 'Suspended',
      reason: `spec.suspend is true: Flux does not reconcile it${
        ready ? ` (last: ${describeCondition(ready, ready.status)})` : ''
      }`,
      hint: `Resume it with flux resume ${fluxCliKind(obj)} ${
        obj.metadata?.name ?? ''
      }${obj.metadata?.namespace ? ` -n ${obj.metadata.namespace}` : ''}`,
    };
  }

  const stalled = findCondition(conditions, 'Stalled');
  if (stalled?.status === 'True') {
    const parts = [describeCondition(stalled, 'Stalled')];
    if (ready?.status === 'False' && ready.message !== stalled.message) {
      parts.push(describeCondition(ready, 'not ready'));
    }
    return {
      state: 'Failed (stalled)',
      reason: parts.join('; '),
      hint: 'Flux stopped retrying: fix the cause, then reconcile it again (flux reconcile).',
    };
  }

  if (ready?.status === 'False') {
    return { state: 'Failed', reason: describeCondition(ready, 'not ready') };
  }

  const reconciling = findCondition(conditions, 'Reconciling');
  if (reconciling?.status === 'True') {
    return {
      state: 'Reconciling',
      reason: describeCondition(reconciling, 'reconciliation in progress'),
    };
  }
  if (ready?.status === 'Unknown') {
    return {
      state: 'Reconciling',
      reason: describeCondition(ready, 'reconciliation in progress'),
    };
  }
  const generation = obj.metadata?.generation;
  const observed = obj.status?.observedGeneration;
  if (
    generation !== undefined &&
    observed !== undefined &&
    observed < generation
  ) {
    return {
      state: 'Reconciling',
      reason: `generation ${generation} not reconciled yet (observed ${observed})`,
    };
  }

  if (ready?.status === 'True') {
    return { state: 'Ready', reason: describeCondition(ready, 'ready') };
  }

  return {
    state: 'Pending',
    reason:
      conditions.length === 0
        ? 'Flux has not reconciled it yet (no status conditions)'
        : 'no Ready condition yet',
  };
}

function fluxCliKind(obj: FluxObject): string {
  switch (obj.kind) {
    case 'HelmRelease':
      return 'helmrelease';
    case 'Kustomization':
      return 'kustomization';
    default:
      return 'source git';
  }
}

/**
 * The revision a Flux object runs: a HelmRelease's newest deployed chart
 * version (`status.history`, newest first; v2 has no lastAppliedRevision),
 * a Kustomization's `lastAppliedRevision`, with the attempted one when a
 * newer revision has not been applied.
 * @public
 */
export function fluxRevision(obj: FluxObject): string | undefined {
  const status = obj.status;
  if (!status) return undefined;
  if (obj.kind === 'HelmRelease' || status.history) {
    const history = status.history ?? [];
    const newest = history[0];
    if (!newest) return undefined;
    if (newest.status === undefined || newest.status === 'deployed') {
      return newest.chartVersion;
    }
    const deployed = history.find(h => h.status === 'deployed');
    const attempted = `${newest.chartVersion ?? '?'} ${newest.status}`;
    return deployed?.chartVersion
      ? `${deployed.chartVersion} (${attempted})`
      : `(${attempted})`;
  }
  const applied = status.lastAppliedRevision;
  const attempted = status.lastAttemptedRevision;
  if (applied && attempted && attempted !== applied) {
    return `${applied} (attempted ${attempted})`;
  }
  return applied ?? (attempted ? `(attempted ${attempted})` : undefined);
}
