// @ts-check

/**
 * The append-only, hash-chained audit log every Gantry change records into.
 * `record` holds the RFC 8785 canonical JSON that was hashed, byte for byte, because
 * SQLite and PostgreSQL hand back dates, booleans and JSON columns differently; the
 * other columns are copies for querying and are checked against `record` on verify.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gantry_audit_log', table => {
    table.comment('Hash-chained log of every change made through Gantry');
    table
      .bigInteger('seq')
      .notNullable()
      .primary()
      .comment('1-based position in the chain, no gaps');
    table
      .string('occurred_at', 32)
      .notNullable()
      .comment('ISO-8601 UTC time of the change');
    table
      .string('actor', 255)
      .notNullable()
      .comment('Entity ref of the user or service subject');
    table.string('action', 128).notNullable();
    table
      .string('entity_ref', 255)
      .nullable()
      .comment('Catalog entity the change concerns');
    table
      .text('record')
      .notNullable()
      .comment('Canonical JSON (RFC 8785) that was hashed');
    table.string('prev_hash', 64).notNullable();
    table.string('hash', 64).notNullable();
    table.index(['entity_ref', 'seq'], 'gantry_audit_log_entity_idx');
    table.index(['occurred_at'], 'gantry_audit_log_time_idx');
  });
  // One row holding the chain head. Appenders lock it, which serialises appends across
  // backend replicas sharing one database.
  await knex.schema.createTable('gantry_audit_head', table => {
    table.integer('id').notNullable().primary();
    table.bigInteger('seq').notNullable();
    table.string('hash', 64).notNullable();
  });
  await knex('gantry_audit_head').insert({
    id: 1,
    seq: 0,
    hash: '0'.repeat(64),
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gantry_audit_head');
  await knex.schema.dropTable('gantry_audit_log');
};
