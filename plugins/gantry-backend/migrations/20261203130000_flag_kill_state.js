// @ts-check

/**
 * The kill switch becomes a state beside the authored definition instead of a rewrite
 * of it: `killed_at`/`killed_by` (already there) plus the reason. Flags killed before
 * this migration had their definition rewritten to the safe variant; their authored
 * definition is taken back from the audit log's `flag.kill` record (its `before`) when
 * that record is the flag's last change, so a restore brings back what was authored.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gantry_flags', table => {
    table
      .text('killed_reason')
      .nullable()
      .comment(
        'Why the kill switch was pulled; the flag is killed while killed_at is set',
      );
  });
  const killed = await knex('gantry_flags')
    .whereNotNull('killed_at')
    .select('entity_ref', 'environment', 'flag_key', 'version');
  for (const flag of killed) {
    const records = await knex('gantry_audit_log')
      .where({ entity_ref: flag.entity_ref, action: 'flag.kill' })
      .orderBy('seq', 'desc')
      .select('record');
    for (const { record } of records) {
      let details;
      try {
        details = JSON.parse(record).details ?? {};
      } catch {
        continue;
      }
      if (
        details.environment !== flag.environment ||
        details.key !== flag.flag_key
      )
        continue;
      if (
        Number(details.after?.version) === Number(flag.version) &&
        details.before?.definition
      ) {
        await knex('gantry_flags')
          .where({
            entity_ref: flag.entity_ref,
            environment: flag.environment,
            flag_key: flag.flag_key,
          })
          .update({
            definition: JSON.stringify(details.before.definition),
            killed_reason: details.reason ?? null,
          });
      }
      break;
    }
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gantry_flags', table => {
    table.dropColumn('killed_reason');
  });
};
