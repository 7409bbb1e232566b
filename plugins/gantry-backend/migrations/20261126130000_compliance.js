// @ts-check

/**
 * Releases with their evidence, vulnerability allowlists, promotion requests and their
 * approval decisions.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gantry_releases', table => {
    table.comment('One row per entity release (version + commit)');
    table.string('entity_ref', 255).notNullable();
    table.string('version', 128).notNullable();
    table.string('commit_sha', 64).notNullable();
    table
      .string('image_digest', 80)
      .nullable()
      .comment('sha256:<hex> of the deployed image');
    table.string('created_at', 32).notNullable();
    table.primary(['entity_ref', 'version']);
  });
  await knex.schema.createTable('gantry_evidence', table => {
    table.comment(
      'Uploaded evidence: original bytes, their sha256 and the parsed summary',
    );
    table.string('id', 36).notNullable().primary();
    table.string('entity_ref', 255).notNullable();
    table.string('version', 128).notNullable();
    table.string('format', 32).notNullable();
    table.string('sha256', 64).notNullable();
    table.integer('size_bytes').notNullable();
    table.binary('content').notNullable();
    table.text('summary').notNullable().comment('JSON EvidenceSummary');
    table.string('uploaded_by', 255).notNullable();
    table.string('uploaded_at', 32).notNullable();
    table
      .foreign(['entity_ref', 'version'])
      .references(['entity_ref', 'version'])
      .inTable('gantry_releases');
    table.unique(['entity_ref', 'version', 'format', 'sha256'], {
      indexName: 'gantry_evidence_dedupe',
    });
    table.index(['entity_ref', 'version'], 'gantry_evidence_release_idx');
  });
  await knex.schema.createTable('gantry_vuln_allowlist', table => {
    table.comment(
      'Accepted vulnerabilities per entity, each with a justification and an expiry',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('vulnerability_id', 128).notNullable();
    table.text('justification').notNullable();
    table.string('expires_at', 32).notNullable();
    table.string('created_by', 255).notNullable();
    table.string('created_at', 32).notNullable();
    table.primary(['entity_ref', 'vulnerability_id']);
  });
  await knex.schema.createTable('gantry_promotion_requests', table => {
    table.comment(
      'A request to promote a release into an environment that needs approval',
    );
    table.string('id', 36).notNullable().primary();
    table.string('entity_ref', 255).notNullable();
    table.string('version', 128).notNullable();
    table.string('environment', 64).notNullable();
    table.string('requested_by', 255).notNullable();
    table.text('reason').notNullable();
    table
      .string('status', 24)
      .notNullable()
      .comment('pending | approved | rejected | expired | emergency');
    table.integer('required_approvals').notNullable();
    table
      .text('approver_groups')
      .notNullable()
      .comment('JSON array of group refs besides the owners');
    table.boolean('emergency').notNullable().defaultTo(false);
    table
      .string('review_status', 24)
      .nullable()
      .comment('emergency only: pending | done');
    table.string('reviewed_by', 255).nullable();
    table.text('review_comment').nullable();
    table.string('created_at', 32).notNullable();
    table.string('expires_at', 32).notNullable();
    table.string('decided_at', 32).nullable();
    table.index(
      ['entity_ref', 'version', 'environment'],
      'gantry_promotion_release_idx',
    );
    table.index(['status'], 'gantry_promotion_status_idx');
  });
  await knex.schema.createTable('gantry_approval_decisions', table => {
    table.string('request_id', 36).notNullable();
    table.string('decided_by', 255).notNullable();
    table.string('decision', 16).notNullable().comment('approve | reject');
    table.text('comment').nullable();
    table.string('decided_at', 32).notNullable();
    table.primary(['request_id', 'decided_by']);
    table
      .foreign('request_id')
      .references('id')
      .inTable('gantry_promotion_requests');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gantry_approval_decisions');
  await knex.schema.dropTable('gantry_promotion_requests');
  await knex.schema.dropTable('gantry_vuln_allowlist');
  await knex.schema.dropTable('gantry_evidence');
  await knex.schema.dropTable('gantry_releases');
};
