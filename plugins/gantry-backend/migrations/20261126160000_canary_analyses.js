// @ts-check

/**
 * Canary analyses: one row per entity, rollout, canary revision and rollout step, so an
 * Argo Rollouts web metric asking again for the same step gets the stored verdict.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gantry_canary_analyses', table => {
    table.comment(
      'Canary analyses: inputs, per-metric statistics and classification, score and verdict',
    );
    table.string('id', 36).notNullable().primary();
    table.string('entity_ref', 255).notNullable();
    table.string('rollout_namespace', 63).notNullable();
    table.string('rollout_name', 253).notNullable();
    table
      .string('canary_hash', 64)
      .notNullable()
      .comment('rollouts-pod-template-hash of the canary ReplicaSet');
    table.string('baseline_hash', 64).notNullable();
    table.integer('step').notNullable().comment('Rollout step index');
    table
      .string('verdict', 16)
      .notNullable()
      .comment('Pass, Marginal, Fail or Error');
    table.double('score').notNullable();
    table.text('reason').notNullable();
    table.string('window_start', 32).notNullable();
    table.string('window_end', 32).notNullable();
    table.integer('step_seconds').notNullable();
    table
      .text('result')
      .notNullable()
      .comment('JSON: thresholds, group scores and per-metric results');
    table.string('requested_by', 255).notNullable();
    table.string('created_at', 32).notNullable();
    table.unique(
      [
        'entity_ref',
        'rollout_namespace',
        'rollout_name',
        'canary_hash',
        'step',
      ],
      { indexName: 'gantry_canary_analyses_step' },
    );
    table.index(['entity_ref', 'created_at'], 'gantry_canary_analyses_entity');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gantry_canary_analyses');
};
