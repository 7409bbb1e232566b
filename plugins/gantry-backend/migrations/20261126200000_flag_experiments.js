// @ts-check

/**
 * Flag experiments: one experiment per flag (entity + environment + flag key), the
 * experiment units (one row per targeting key: the variant it was first exposed to and
 * whether it converted) and the ids of ingested events, so a retried batch changes nothing.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gantry_flag_experiments', table => {
    table.comment(
      'A/B experiment on a flag: conversion event and decision rules',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 64).notNullable();
    table.string('flag_key', 128).notNullable();
    table.string('conversion_event', 128).notNullable();
    table.string('control_variant', 128).notNullable();
    table
      .double('minimum_detectable_effect')
      .notNullable()
      .comment('absolute difference in conversion rate, e.g. 0.02');
    table.double('baseline_rate').nullable();
    table.double('alpha').notNullable();
    table.double('power').notNullable();
    table.integer('version').notNullable();
    table.string('started_at', 32).notNullable();
    table.string('updated_at', 32).notNullable();
    table.string('updated_by', 255).notNullable();
    table.primary(['entity_ref', 'environment', 'flag_key']);
    table.index(
      ['entity_ref', 'environment', 'conversion_event'],
      'gantry_flag_experiments_event_idx',
    );
  });
  await knex.schema.createTable('gantry_flag_experiment_units', table => {
    table.comment(
      'One row per experiment and targeting key: first exposed variant and conversion',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 64).notNullable();
    table.string('flag_key', 128).notNullable();
    table.string('targeting_key', 255).notNullable();
    table
      .string('variant', 128)
      .nullable()
      .comment('null while only a conversion has arrived');
    table.string('exposed_at', 32).nullable();
    table.string('converted_at', 32).nullable();
    table.primary(['entity_ref', 'environment', 'flag_key', 'targeting_key']);
  });
  await knex.schema.createTable('gantry_flag_experiment_events', table => {
    table.comment('Ids of ingested exposure and conversion events (dedupe)');
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 64).notNullable();
    table.string('event_id', 128).notNullable();
    table.string('received_at', 32).notNullable();
    table.primary(['entity_ref', 'environment', 'event_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gantry_flag_experiment_events');
  await knex.schema.dropTable('gantry_flag_experiment_units');
  await knex.schema.dropTable('gantry_flag_experiments');
};
