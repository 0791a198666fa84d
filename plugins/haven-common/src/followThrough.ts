/**
 * The follow-through of a Haven+ pull request as haven-backend answers it
 * (`GET /api/haven/entities/:kind/:namespace/:name/follow-through`) and the
 * Delivery card shows it: the first step of the delivery chain.
 */

/** Where a followed pull request has come to. @public */
export type FollowThroughOutcome =
  | 'waiting'
  | 'ready'
  | 'failed'
  | 'closed'
  | 'timed-out'
  | 'abandoned';

/** An entity's newest followed pull request. @public */
export interface FollowThroughView {
  /** The pull request itself, as the host last said. */
  pullRequest: {
    url: string;
    title?: string;
    /** `closed` is closed without a merge. */
    state: 'open' | 'merged' | 'closed';
    /** ISO time of the merge. */
    mergedAt?: string;
  };
  /** `waiting` until Ready and Synced, a failure, a close or the deadline. */
  outcome: FollowThroughOutcome;
  /** Why, in words: what it waits for, or what failed. */
  reason?: string;
  /** ISO time of the last check. */
  checkedAt?: string;
  /** ISO time the owner was notified, once they were. */
  notifiedAt?: string;
}

/** The route's answer: `null` when no pull request of the entity is followed. @public */
export interface FollowThroughAnswer {
  /** The newest, or null. */
  followThrough: FollowThroughView | null;
}
