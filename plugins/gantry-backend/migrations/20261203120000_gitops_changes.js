// @ts-check

/**
 * The Git change each approved promotion made (a pull/merge request or a commit), one per
 * request, so re-running never opens a second one and a failure stays retryable.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gantry_gitops_changes', table => {
    table.comment('The GitOps pull request or commit of an approved promotion');
    table.string('id', 36).primary();
    table.string('request_id', 36).notNullable().unique();
    table.string('entity_ref', 255).notNullable().index();
    table.string('version', 128).notNullable();
    table.string('environment', 64).notNullable();
    table.string('mode', 16).notNullable().comment('pull-request or commit');
    table.string('repo_url', 1000).notNullable();
    table.string('path', 1000).notNullable();
    table.string('tag', 128).notNullable();
    table.string('digest', 80).nullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('pending, proposed, committed or failed');
    table.string('branch', 255).nullable();
    table.string('commit_sha', 64).nullable();
    table.string('url', 1000).nullable();
    table.text('error').nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.string('created_at', 32).notNullable();
    table.string('updated_at', 32).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gantry_gitops_changes');
};
