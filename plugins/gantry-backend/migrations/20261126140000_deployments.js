// @ts-check

/**
 * Every deployment of an entity into an environment, kept beyond Argo CD's own history
 * limit: from notification webhooks and backfilled from Argo CD history.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gantry_deployments', table => {
    table.comment('One row per deployment (Argo CD sync operation)');
    table.string('id', 36).notNullable().primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('instance', 63).notNullable();
    table.string('application', 253).notNullable();
    table.string('revision', 255).notNullable();
    table.string('commit_time', 32).nullable();
    table.string('started_at', 32).notNullable();
    table.string('finished_at', 32).nullable();
    table
      .string('sync_phase', 16)
      .notNullable()
      .comment(
        'Argo CD operationState.phase, or Succeeded for history entries',
      );
    table
      .string('rollout_outcome', 16)
      .nullable()
      .comment(
        'completed, aborted or failed, from Argo Rollouts notifications',
      );
    table.string('rollout_finished_at', 32).nullable();
    table.boolean('rollback').notNullable().defaultTo(false);
    table.boolean('manual_intervention').notNullable().defaultTo(false);
    table.string('initiator', 255).nullable();
    table.string('source', 32).notNullable();
    table.text('message').nullable();
    table.string('updated_at', 32).notNullable();
    table.unique(['instance', 'application', 'revision', 'started_at'], {
      indexName: 'gantry_deployments_idempotency',
    });
    table.index(
      ['entity_ref', 'environment', 'started_at'],
      'gantry_deployments_entity_env_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gantry_deployments');
};
