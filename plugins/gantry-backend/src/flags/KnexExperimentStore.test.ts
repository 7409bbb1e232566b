import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { ExperimentService } from './ExperimentService';
import { KnexExperimentStore } from './KnexExperimentStore';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const directory = resolvePackagePath(
  '@gantry/plugin-gantry-backend',
  'migrations',
);
const MIGRATION = '20261126200000_flag_experiments.js';
const ref = 'component:default/checkout';

describe.each(databases.eachSupportedId())('ExperimentStore on %s', id => {
  let knex: Knex;
  let store: KnexExperimentStore;

  beforeAll(async () => {
    knex = await databases.init(id);
    await knex.migrate.latest({ directory });
    store = new KnexExperimentStore(knex);
  });

  it('keeps the first exposure and joins conversions that arrived before it', async () => {
    await knex.transaction(async tx => {
      await store.addConversions(tx, ref, 'staging', [
        { flagKey: 'f', targetingKey: 'early', at: '2026-11-26T10:00:00.000Z' },
        { flagKey: 'f', targetingKey: 'lost', at: '2026-11-26T10:00:00.000Z' },
      ]);
      await store.addExposures(tx, ref, 'staging', [
        {
          flagKey: 'f',
          targetingKey: 'early',
          variant: 'on',
          at: '2026-11-26T10:01:00.000Z',
        },
        {
          flagKey: 'f',
          targetingKey: 'plain',
          variant: 'off',
          at: '2026-11-26T10:01:00.000Z',
        },
      ]);
    });
    await knex.transaction(async tx => {
      // Later exposures and conversions change neither variant nor first times.
      await store.addExposures(tx, ref, 'staging', [
        {
          flagKey: 'f',
          targetingKey: 'early',
          variant: 'off',
          at: '2026-11-26T11:00:00.000Z',
        },
      ]);
      await store.addConversions(tx, ref, 'staging', [
        { flagKey: 'f', targetingKey: 'early', at: '2026-11-26T11:00:00.000Z' },
      ]);
    });
    expect(await store.counts(ref, 'staging', 'f')).toEqual({
      variants: {
        on: { exposures: 1, conversions: 1 },
        off: { exposures: 1, conversions: 0 },
      },
      unexposedConversions: 1,
    });
    const early = await knex('gantry_flag_experiment_units')
      .where({ targeting_key: 'early' })
      .first();
    expect(early).toMatchObject({
      variant: 'on',
      exposed_at: '2026-11-26T10:01:00.000Z',
      converted_at: '2026-11-26T10:00:00.000Z',
    });
    expect(await store.counts(ref, 'production', 'f')).toEqual({
      variants: {},
      unexposedConversions: 0,
    });
  });

  it('remembers event ids per flag set, in batches above one insert chunk', async () => {
    const ids = Array.from({ length: 1200 }, (_, i) => `e${i}`);
    await knex.transaction(tx =>
      store.addEventIds(tx, ref, 'staging', ids.slice(0, 700), 'now'),
    );
    expect((await store.knownEventIds(knex, ref, 'staging', ids)).size).toBe(
      700,
    );
    expect((await store.knownEventIds(knex, ref, 'production', ids)).size).toBe(
      0,
    );
  });

  it('prunes event ids older than the retention, in every flag set', async () => {
    await knex.transaction(async tx => {
      await store.addEventIds(
        tx,
        ref,
        'staging',
        ['old-1', 'old-2'],
        '2026-11-01T00:00:00.000Z',
      );
      await store.addEventIds(
        tx,
        ref,
        'production',
        ['old-3'],
        '2026-11-02T00:00:00.000Z',
      );
      await store.addEventIds(
        tx,
        ref,
        'staging',
        ['new-1'],
        '2026-11-20T00:00:00.000Z',
      );
    });
    // a week's retention, seen from 2026-11-17: everything before 2026-11-10 goes
    const service = new ExperimentService({
      store,
      now: () => new Date('2026-11-17T00:00:00.000Z'),
    } as unknown as ConstructorParameters<typeof ExperimentService>[0]);
    expect(await service.pruneEventIds(7)).toBe(3);
    expect([
      ...(await store.knownEventIds(knex, ref, 'staging', [
        'old-1',
        'old-2',
        'new-1',
      ])),
    ]).toEqual(['new-1']);
    expect(
      (await store.knownEventIds(knex, ref, 'production', ['old-3'])).size,
    ).toBe(0);
  });

  it('migrates down and up again', async () => {
    await knex.migrate.down({ directory, name: MIGRATION });
    expect(await knex.schema.hasTable('gantry_flag_experiments')).toBe(false);
    expect(await knex.schema.hasTable('gantry_flag_experiment_units')).toBe(
      false,
    );
    expect(await knex.schema.hasTable('gantry_flag_experiment_events')).toBe(
      false,
    );
    await knex.migrate.latest({ directory });
    expect(await knex.schema.hasTable('gantry_flag_experiment_units')).toBe(
      true,
    );
  });
});
