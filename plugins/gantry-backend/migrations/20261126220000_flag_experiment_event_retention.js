// @ts-check

/**
 * Ingested event ids are kept for a retention period (gantry.flags.eventIdRetentionDays)
 * and then pruned by a scheduled task; this index makes that delete a range scan.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gantry_flag_experiment_events', table => {
    table.index(['received_at'], 'gantry_flag_experiment_events_received_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gantry_flag_experiment_events', table => {
    table.dropIndex(
      ['received_at'],
      'gantry_flag_experiment_events_received_idx',
    );
  });
};
