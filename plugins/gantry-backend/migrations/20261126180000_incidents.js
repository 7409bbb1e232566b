// @ts-check

/**
 * Alerts received from Alertmanager and the incidents they open.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gantry_incidents', table => {
    table.comment('An entity in trouble: opened by its first firing alert');
    table.string('id', 36).notNullable().primary();
    table.string('entity_ref', 255).notNullable();
    table.string('title', 500).notNullable();
    table.string('severity', 32).nullable();
    table.string('status', 16).notNullable();
    table.string('started_at', 32).notNullable();
    table.string('detected_at', 32).notNullable();
    table.string('acknowledged_at', 32).nullable();
    table.string('acknowledged_by', 255).nullable();
    table.string('resolved_at', 32).nullable();
    table.text('suspect').nullable().comment('JSON DeploymentRecord');
    table.integer('escalation_level').notNullable().defaultTo(0);
    table.string('last_notified_at', 32).nullable();
    table
      .text('timeline')
      .notNullable()
      .comment('JSON IncidentTimelineEntry[]');
    table.index(['entity_ref', 'status'], 'gantry_incidents_entity_idx');
    table.index(['status'], 'gantry_incidents_status_idx');
  });
  await knex.schema.createTable('gantry_alerts', table => {
    table.comment('Alertmanager alerts, one row per fingerprint and firing');
    table.string('fingerprint', 64).notNullable();
    table.string('starts_at', 32).notNullable();
    table.string('incident_id', 36).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('alertname', 255).notNullable();
    table.string('severity', 32).nullable();
    table.string('status', 16).notNullable();
    table.string('ends_at', 32).nullable();
    table.text('labels').notNullable();
    table.text('annotations').notNullable();
    table.string('generator_url', 2000).nullable();
    table.primary(['fingerprint', 'starts_at']);
    table
      .foreign('incident_id')
      .references('id')
      .inTable('gantry_incidents')
      .onDelete('CASCADE');
    table.index(['incident_id'], 'gantry_alerts_incident_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gantry_alerts');
  await knex.schema.dropTable('gantry_incidents');
};
