import {
  dependencyNotReadyKustomization,
  progressingHelmRelease,
  readyHelmRelease,
  readyKustomization,
  stalledHelmRelease,
} from './fixtures';
import { fluxRevision, fluxState } from './flux';

describe('fluxState', () => {
  it('is Ready for the HelmRelease example (contracts 3.3)', () => {
    expect(fluxState(readyHelmRelease)).toEqual({
      state: 'Ready',
      reason:
        'UpgradeSucceeded: Helm upgrade succeeded for release team-a/orders.v2 with chart podinfo@6.5.3',
    });
  });

  it('is Failed (stalled) for the HelmRelease failure variant, with both causes', () => {
    const result = fluxState(stalledHelmRelease);
    expect(result.state).toBe('Failed (stalled)');
    expect(result.reason).toBe(
      'RetriesExceeded: Failed to upgrade after 4 attempt(s); UpgradeFailed: Helm upgrade failed for release team-a/orders: context deadline exceeded',
    );
  });

  it('is Failed for a Kustomization whose dependency is not ready', () => {
    expect(fluxState(dependencyNotReadyKustomization)).toEqual({
      state: 'Failed',
      reason:
        "DependencyNotReady: dependency 'flux-system/external-secrets' is not ready",
    });
  });

  it('is Reconciling while Reconciling=True / Ready=Unknown', () => {
    expect(fluxState(progressingHelmRelease)).toEqual({
      state: 'Reconciling',
      reason: 'Progressing: reconciliation in progress',
    });
    expect(
      fluxState({
        ...readyHelmRelease,
        status: {
          conditions: [
            { type: 'Ready', status: 'Unknown', reason: 'Progressing' },
          ],
        },
      }).state,
    ).toBe('Reconciling');
  });

  it('is Reconciling when observedGeneration is behind metadata.generation', () => {
    expect(
      fluxState({
        ...readyKustomization,
        metadata: { ...readyKustomization.metadata, generation: 5 },
      }),
    ).toEqual({
      state: 'Reconciling',
      reason: 'generation 5 not reconciled yet (observed 4)',
    });
  });

  it('is Suspended before anything else', () => {
    const result = fluxState({
      ...stalledHelmRelease,
      spec: { suspend: true },
    });
    expect(result.state).toBe('Suspended');
    expect(result.hint).toBe(
      'Resume it with flux resume helmrelease orders -n team-a',
    );
  });

  it('is Pending without conditions', () => {
    expect(fluxState({ kind: 'Kustomization', status: {} })).toEqual({
      state: 'Pending',
      reason: 'Flux has not reconciled it yet (no status conditions)',
    });
    expect(fluxState({ kind: 'HelmRelease' }).state).toBe('Pending');
  });
});

describe('fluxRevision', () => {
  it("is a HelmRelease's deployed chart version", () => {
    expect(fluxRevision(readyHelmRelease)).toBe('6.5.3');
  });

  it('names a failed newer release beside the deployed one', () => {
    expect(
      fluxRevision({
        kind: 'HelmRelease',
        status: {
          history: [
            { chartVersion: '6.5.4', status: 'failed' },
            { chartVersion: '6.5.3', status: 'superseded' },
            { chartVersion: '6.5.2', status: 'deployed' },
          ],
        },
      }),
    ).toBe('6.5.2 (6.5.4 failed)');
  });

  it("is a Kustomization's lastAppliedRevision", () => {
    expect(fluxRevision(readyKustomization)).toBe(
      'main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0',
    );
    expect(
      fluxRevision({
        ...readyKustomization,
        status: {
          ...readyKustomization.status,
          lastAttemptedRevision: 'main@sha1:ffff',
        },
      }),
    ).toBe(
      'main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0 (attempted main@sha1:ffff)',
    );
  });

  it('is undefined before the first reconcile', () => {
    expect(fluxRevision({ kind: 'HelmRelease' })).toBeUndefined();
  });
});
