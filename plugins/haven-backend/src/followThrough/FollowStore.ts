import { randomUUID } from 'node:crypto';
import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

const TABLE = 'haven_follow_through';

/** What a followed pull request has come to. */
export type FollowOutcome =
  | 'waiting'
  | 'ready'
  | 'failed'
  | 'closed'
  | 'timed-out'
  | 'abandoned';

/** One followed pull request of an entity. */
export interface FollowRecord {
  id: string;
  entityRef: string;
  pullRequestUrl: string;
  ownerRef?: string;
  initiatorRef?: string;
  prState: 'open' | 'merged' | 'closed';
  prTitle?: string;
  mergedAt?: string;
  mergeCommitSha?: string;
  /** The Kustomization revisions when the merge was first seen. */
  revisionsAtMerge?: string[];
  outcome: FollowOutcome;
  reason?: string;
  createdAt: string;
  updatedAt: string;
  checkedAt?: string;
  notifiedAt?: string;
}

type Row = {
  id: string;
  entity_ref: string;
  pull_request_url: string;
  owner_ref: string | null;
  initiator_ref: string | null;
  pr_state: string;
  pr_title: string | null;
  merged_at: string | null;
  merge_commit_sha: string | null;
  revisions_at_merge: string | null;
  outcome: string;
  reason: string | null;
  created_at: string;
  updated_at: string;
  checked_at: string | null;
  notified_at: string | null;
};

const orUndefined = <T>(v: T | null): T | undefined => v ?? undefined;

function toRecord(row: Row): FollowRecord {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    pullRequestUrl: row.pull_request_url,
    ownerRef: orUndefined(row.owner_ref),
    initiatorRef: orUndefined(row.initiator_ref),
    prState: row.pr_state as FollowRecord['prState'],
    prTitle: orUndefined(row.pr_title),
    mergedAt: orUndefined(row.merged_at),
    mergeCommitSha: orUndefined(row.merge_commit_sha),
    revisionsAtMerge:
      row.revisions_at_merge === null
        ? undefined
        : (JSON.parse(row.revisions_at_merge) as string[]),
    outcome: row.outcome as FollowOutcome,
    reason: orUndefined(row.reason),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    checkedAt: orUndefined(row.checked_at),
    notifiedAt: orUndefined(row.notified_at),
  };
}

/** The fields a check may change. */
export type FollowUpdate = Partial<
  Pick<
    FollowRecord,
    | 'prState'
    | 'prTitle'
    | 'mergedAt'
    | 'mergeCommitSha'
    | 'revisionsAtMerge'
    | 'outcome'
    | 'reason'
    | 'checkedAt'
    | 'notifiedAt'
  >
>;

/**
 * The followed pull requests, in the plugin's own database (so every
 * replica sees the same list, and a restart forgets nothing).
 */
export class FollowStore {
  static async create(
    database: DatabaseService,
    options: { now?: () => Date } = {},
  ): Promise<FollowStore> {
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({
        directory: resolvePackagePath(
          '@haven-plus/plugin-haven-backend',
          'migrations',
        ),
      });
    }
    return new FollowStore(client, options.now ?? (() => new Date()));
  }

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {}

  /**
   * Starts following a pull request of an entity, or refreshes who to tell
   * when it is followed already (a template run again updates the same pull
   * request: its record and what was seen stay).
   */
  async follow(input: {
    entityRef: string;
    pullRequestUrl: string;
    ownerRef?: string;
    initiatorRef?: string;
  }): Promise<{ record: FollowRecord; created: boolean }> {
    const existing = await this.find(input.entityRef, input.pullRequestUrl);
    const at = this.now().toISOString();
    if (existing) {
      const record: FollowRecord = {
        ...existing,
        ownerRef: input.ownerRef ?? existing.ownerRef,
        initiatorRef: input.initiatorRef ?? existing.initiatorRef,
        updatedAt: at,
      };
      await this.db<Row>(TABLE)
        .where({ id: existing.id })
        .update({
          owner_ref: record.ownerRef ?? null,
          initiator_ref: record.initiatorRef ?? null,
          updated_at: at,
        });
      return { record, created: false };
    }
    const row: Row = {
      id: randomUUID(),
      entity_ref: input.entityRef,
      pull_request_url: input.pullRequestUrl,
      owner_ref: input.ownerRef ?? null,
      initiator_ref: input.initiatorRef ?? null,
      pr_state: 'open',
      pr_title: null,
      merged_at: null,
      merge_commit_sha: null,
      revisions_at_merge: null,
      outcome: 'waiting',
      reason: 'waiting for the pull request to be merged',
      created_at: at,
      updated_at: at,
      checked_at: null,
      notified_at: null,
    };
    try {
      await this.db<Row>(TABLE).insert(row);
    } catch (error) {
      // Two replicas asked at once: the unique index let one in.
      const raced = await this.find(input.entityRef, input.pullRequestUrl);
      if (raced) return { record: raced, created: false };
      throw error;
    }
    return { record: toRecord(row), created: true };
  }

  async find(
    entityRef: string,
    pullRequestUrl: string,
  ): Promise<FollowRecord | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ entity_ref: entityRef, pull_request_url: pullRequestUrl })
      .first();
    return row ? toRecord(row) : undefined;
  }

  /** The entity's newest followed pull request. */
  async latestFor(entityRef: string): Promise<FollowRecord | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    return row ? toRecord(row) : undefined;
  }

  /** Those still waiting, least recently checked first, at most `limit`. */
  async waiting(limit: number): Promise<FollowRecord[]> {
    const rows = await this.db<Row>(TABLE)
      .where({ outcome: 'waiting' })
      .orderByRaw('coalesce(checked_at, created_at) asc')
      .limit(limit);
    return rows.map(toRecord);
  }

  async update(id: string, update: FollowUpdate): Promise<void> {
    const row: Partial<Row> = { updated_at: this.now().toISOString() };
    if (update.prState !== undefined) row.pr_state = update.prState;
    if (update.prTitle !== undefined) row.pr_title = update.prTitle;
    if (update.mergedAt !== undefined) row.merged_at = update.mergedAt;
    if (update.mergeCommitSha !== undefined)
      row.merge_commit_sha = update.mergeCommitSha;
    if (update.revisionsAtMerge !== undefined)
      row.revisions_at_merge = JSON.stringify(update.revisionsAtMerge);
    if (update.outcome !== undefined) row.outcome = update.outcome;
    if (update.reason !== undefined) row.reason = update.reason;
    if (update.checkedAt !== undefined) row.checked_at = update.checkedAt;
    if (update.notifiedAt !== undefined) row.notified_at = update.notifiedAt;
    await this.db<Row>(TABLE).where({ id }).update(row);
  }
}
