// @ts-check

/**
 * Every vulnerability an evidence document reports, one row per id, severity and fix
 * availability. The summary keeps only the 200 most severe for reading; the gates count
 * these rows, so nothing past the 200th finding is missed.
 *
 * Evidence uploaded before this migration is backfilled from its summary's list, which
 * is all that was kept of it; a SARIF finding gets the lowest score of its severity band
 * (GitHub's: critical >= 9, high >= 7, medium >= 4, low > 0).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gantry_evidence_vulnerabilities', table => {
    table.comment(
      'All vulnerabilities of an evidence document, distinct by id, severity and fix',
    );
    table.string('evidence_id', 36).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('version', 128).notNullable();
    table.text('vulnerability_id').notNullable();
    table
      .string('severity', 16)
      .notNullable()
      .comment('CRITICAL | HIGH | MEDIUM | LOW | UNKNOWN');
    table.boolean('fixable').notNullable();
    table
      .double('score')
      .nullable()
      .comment('SARIF security-severity (0-10) of the rule, when given');
    table
      .foreign('evidence_id')
      .references('id')
      .inTable('gantry_evidence')
      .onDelete('CASCADE');
    table.index(['entity_ref', 'version'], 'gantry_evidence_vulns_release_idx');
    table.index(['evidence_id'], 'gantry_evidence_vulns_evidence_idx');
  });

  const evidence = await knex('gantry_evidence')
    .whereIn('format', ['trivy', 'sarif', 'cyclonedx'])
    .select('id', 'entity_ref', 'version', 'format', 'summary');
  /** @type {Record<string, number>} */
  const bandFloor = { CRITICAL: 9, HIGH: 7, MEDIUM: 4, LOW: 0.1 };
  for (const e of evidence) {
    /** @type {Array<{id: string, severity: string, fixAvailable: boolean}>} */
    const findings = JSON.parse(e.summary).vulnerabilities?.findings ?? [];
    const rows = new Map();
    for (const f of findings) {
      rows.set(JSON.stringify([f.id, f.severity, f.fixAvailable]), {
        evidence_id: e.id,
        entity_ref: e.entity_ref,
        version: e.version,
        vulnerability_id: f.id,
        severity: f.severity,
        fixable: Boolean(f.fixAvailable),
        score: e.format === 'sarif' ? bandFloor[f.severity] ?? null : null,
      });
    }
    if (rows.size) {
      await knex.batchInsert(
        'gantry_evidence_vulnerabilities',
        [...rows.values()],
        100,
      );
    }
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gantry_evidence_vulnerabilities');
};
