// @ts-check

/**
 * Prerequisite (dependent) flags: a flag names flags of its own set that must serve given
 * variants first. Stored beside the flagd definition, not in it: flagd has no operator
 * for "another flag's result", so Gantry compiles prerequisites into the served targeting.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gantry_flags', table => {
    table
      .text('prerequisites')
      .nullable()
      .comment('JSON [{flag, variants}] of flags in the same set');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gantry_flags', table => {
    table.dropColumn('prerequisites');
  });
};
