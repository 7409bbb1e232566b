// @ts-check

/**
 * Manual overrides of a gate rule for one release and environment (today: a load-test
 * regression accepted by a person with a reason). The audit log holds who and why too;
 * this table is what the gate reads.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gantry_gate_overrides', table => {
    table.comment('A person accepted a failing gate rule for one release');
    table.string('entity_ref', 255).notNullable();
    table.string('version', 128).notNullable();
    table.string('environment', 64).notNullable();
    table.string('rule', 32).notNullable();
    table.text('reason').notNullable();
    table.string('created_by', 255).notNullable();
    table.string('created_at', 32).notNullable();
    table.primary(['entity_ref', 'version', 'environment', 'rule']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gantry_gate_overrides');
};
