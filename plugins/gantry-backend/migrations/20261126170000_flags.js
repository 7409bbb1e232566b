// @ts-check

/**
 * Feature flags: flag sets per entity and environment (their revision drives caches and
 * SSE), flags in the flagd format, segments ($evaluators), change requests with their
 * approvals and kill-switch reviews, and application client keys (hashes only).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gantry_flag_sets', table => {
    table.comment(
      'One row per entity + environment; revision rises on every change',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 64).notNullable();
    table.integer('revision').notNullable().defaultTo(0);
    table.string('updated_at', 32).notNullable();
    table.primary(['entity_ref', 'environment']);
  });
  await knex.schema.createTable('gantry_flags', table => {
    table.comment(
      'A flag definition in the flagd format with its lifecycle data',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 64).notNullable();
    table.string('flag_key', 128).notNullable();
    table.text('definition').notNullable().comment('JSON flagd flag');
    table.string('flag_type', 24).notNullable();
    table.string('owner', 255).notNullable();
    table.string('expires_at', 32).nullable();
    table.text('description').nullable();
    table.string('safe_variant', 128).notNullable();
    table.integer('version').notNullable();
    table.string('killed_at', 32).nullable();
    table.string('killed_by', 255).nullable();
    table.string('created_at', 32).notNullable();
    table.string('created_by', 255).notNullable();
    table.string('updated_at', 32).notNullable();
    table.string('updated_by', 255).notNullable();
    table.string('last_evaluated_at', 32).nullable();
    table.primary(['entity_ref', 'environment', 'flag_key']);
  });
  await knex.schema.createTable('gantry_flag_segments', table => {
    table.comment(
      'Named reusable targeting rules, served as flagd $evaluators',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 64).notNullable();
    table.string('name', 128).notNullable();
    table.text('rule').notNullable().comment('JSON JsonLogic rule');
    table.text('description').nullable();
    table.integer('version').notNullable();
    table.string('updated_at', 32).notNullable();
    table.string('updated_by', 255).notNullable();
    table.primary(['entity_ref', 'environment', 'name']);
  });
  await knex.schema.createTable('gantry_flag_changes', table => {
    table.comment(
      'Flag and segment changes: pending four-eyes requests, applied changes and kill reviews',
    );
    table.string('id', 36).notNullable().primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 64).notNullable();
    table.string('target', 16).notNullable().comment('flag | segment');
    table.string('target_key', 128).notNullable();
    table
      .string('operation', 16)
      .notNullable()
      .comment('upsert | delete | kill');
    table.integer('base_version').nullable();
    table.text('proposed').nullable().comment('JSON FlagInput or segment');
    table.text('reason').notNullable();
    table.string('requested_by', 255).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('pending | applied | rejected | expired | stale');
    table
      .string('review_status', 16)
      .nullable()
      .comment('kill: pending | done');
    table.string('decided_by', 255).nullable();
    table.text('comment').nullable();
    table.string('created_at', 32).notNullable();
    table.string('expires_at', 32).notNullable();
    table.string('decided_at', 32).nullable();
    table.index(['entity_ref', 'status'], 'gantry_flag_changes_entity_idx');
  });
  await knex.schema.createTable('gantry_flag_client_keys', table => {
    table.comment(
      'Application keys for one flag set; only SHA-256 hashes are kept',
    );
    table.string('id', 36).notNullable().primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 64).notNullable();
    table.string('name', 128).notNullable();
    table.string('key_hash', 64).notNullable().unique();
    table.string('key_prefix', 16).notNullable();
    table.string('created_by', 255).notNullable();
    table.string('created_at', 32).notNullable();
    table.string('rotated_at', 32).nullable();
    table.string('revoked_at', 32).nullable();
    table.string('last_used_at', 32).nullable();
    table.index(
      ['entity_ref', 'environment'],
      'gantry_flag_client_keys_set_idx',
    );
  });
  await knex.schema.createTable('gantry_flag_evaluation_counts', table => {
    table.comment(
      'OFREP evaluations per flag and variant in 5-minute buckets (aggregated, never per request)',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 64).notNullable();
    table.string('flag_key', 128).notNullable();
    table.string('variant', 128).notNullable();
    table.string('bucket_start', 32).notNullable();
    table.bigInteger('count').notNullable();
    table.primary([
      'entity_ref',
      'environment',
      'flag_key',
      'variant',
      'bucket_start',
    ]);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gantry_flag_evaluation_counts');
  await knex.schema.dropTable('gantry_flag_client_keys');
  await knex.schema.dropTable('gantry_flag_changes');
  await knex.schema.dropTable('gantry_flag_segments');
  await knex.schema.dropTable('gantry_flags');
  await knex.schema.dropTable('gantry_flag_sets');
};
