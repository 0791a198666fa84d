import type { DeliveryState } from './types';

/** How a state is coloured; always shown beside its word, never alone. @public */
export type StateTone = 'ok' | 'warning' | 'error' | 'pending';

const TONES: Record<DeliveryState, StateTone> = {
  Ready: 'ok',
  Synced: 'ok',
  Valid: 'ok',
  Suspended: 'warning',
  Stale: 'warning',
  Unverified: 'warning',
  'Failed (stalled)': 'error',
  Failed: 'error',
  Error: 'error',
  Missing: 'error',
  Reconciling: 'pending',
  Pending: 'pending',
};

/** The tone of a state word. @public */
export function stateTone(state: DeliveryState): StateTone {
  return TONES[state];
}
