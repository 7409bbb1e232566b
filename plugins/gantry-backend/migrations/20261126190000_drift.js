// @ts-check

/**
 * Drift Gantry has seen and whether the owners were told, so a notice goes out once
 * while the drift persists.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gantry_drift', table => {
    table.comment('An application OutOfSync or a Rollout Degraded, since when');
    table.string('entity_ref', 255).notNullable();
    table
      .string('subject', 300)
      .notNullable()
      .comment('instance/app or cluster/ns/rollout');
    table.string('kind', 16).notNullable().comment('out-of-sync or degraded');
    table.string('since', 32).notNullable();
    table.string('notified_at', 32).nullable();
    table.primary(['entity_ref', 'subject', 'kind']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gantry_drift');
};
