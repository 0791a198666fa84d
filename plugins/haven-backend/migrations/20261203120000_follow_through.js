// @ts-check

/**
 * The pull requests the Haven+ backend follows through to Ready and Synced,
 * one row per (entity, pull request).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('haven_follow_through', table => {
    table.comment('Haven+ pull requests followed from open to delivered');
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref').notNullable();
    table.text('pull_request_url').notNullable();
    table.string('owner_ref').nullable();
    table.string('initiator_ref').nullable();
    table.string('pr_state', 16).notNullable().defaultTo('open');
    table.text('pr_title').nullable();
    table.string('merged_at', 40).nullable();
    table.string('merge_commit_sha', 64).nullable();
    table.text('revisions_at_merge').nullable();
    table
      .string('outcome', 16)
      .notNullable()
      .defaultTo('waiting')
      .comment('waiting, ready, failed, closed, timed-out, abandoned');
    table.text('reason').nullable();
    table.string('created_at', 40).notNullable();
    table.string('updated_at', 40).notNullable();
    table.string('checked_at', 40).nullable();
    table.string('notified_at', 40).nullable();
    table.unique(['entity_ref', 'pull_request_url'], {
      indexName: 'haven_follow_through_entity_pr_idx',
    });
    table.index(['outcome'], 'haven_follow_through_outcome_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('haven_follow_through');
};
