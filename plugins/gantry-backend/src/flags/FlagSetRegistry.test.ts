import { mockServices } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { KnexFlagStore } from './KnexFlagStore';
import { FlagSetRegistry, usageBucket } from './FlagSetRegistry';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const ENTITY = 'component:default/checkout';

describe.each(databases.eachSupportedId())(
  'evaluation counts on %s',
  databaseId => {
    let knex: Knex;
    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@gantry/plugin-gantry-backend',
          'migrations',
        ),
      });
    });

    it('aggregates evaluations per flag, variant and 5-minute bucket across flushes', async () => {
      const store = new KnexFlagStore(knex);
      const registry = new FlagSetRegistry(store, mockServices.logger.mock());
      const t = new Date('2026-11-26T10:02:00Z');
      const later = new Date('2026-11-26T10:07:30Z');
      for (let i = 0; i < 3; i++)
        registry.recordEvaluation(ENTITY, 'staging', 'new-checkout', 'on', t);
      registry.recordEvaluation(ENTITY, 'staging', 'new-checkout', 'off', t);
      await registry.flushEvaluations();
      registry.recordEvaluation(ENTITY, 'staging', 'new-checkout', 'on', t);
      registry.recordEvaluation(ENTITY, 'staging', 'new-checkout', 'on', later);
      registry.recordEvaluation(ENTITY, 'production', 'new-checkout', 'on', t);
      await registry.flushEvaluations();

      expect(usageBucket(t)).toBe('2026-11-26T10:00:00.000Z');
      expect(
        await store.evaluationCounts(ENTITY, 'staging', '2026-11-26T00:00:00Z'),
      ).toEqual([
        {
          bucketStart: '2026-11-26T10:00:00.000Z',
          key: 'new-checkout',
          variant: 'off',
          count: 1,
        },
        {
          bucketStart: '2026-11-26T10:00:00.000Z',
          key: 'new-checkout',
          variant: 'on',
          count: 4,
        },
        {
          bucketStart: '2026-11-26T10:05:00.000Z',
          key: 'new-checkout',
          variant: 'on',
          count: 1,
        },
      ]);
      // Nothing is counted twice: the second flush only added what came after the first.
      const total = await knex('gantry_flag_evaluation_counts').sum({
        n: 'count',
      });
      expect(Number(total[0].n)).toBe(7);
    });

    it('keeps the counts of a flush whose write failed and writes them with the next one', async () => {
      const store = new KnexFlagStore(knex);
      const registry = new FlagSetRegistry(store, mockServices.logger.mock());
      const t = new Date('2026-11-26T10:02:00Z');
      for (let i = 0; i < 3; i++)
        registry.recordEvaluation(ENTITY, 'staging', 'new-checkout', 'on', t);
      const write = jest
        .spyOn(store, 'addEvaluationCounts')
        .mockRejectedValueOnce(new Error('connection terminated'));
      await expect(registry.flushEvaluations()).rejects.toThrow(
        'connection terminated',
      );
      // counted while the failed write was out, and after it
      registry.recordEvaluation(ENTITY, 'staging', 'new-checkout', 'on', t);
      registry.recordEvaluation(ENTITY, 'staging', 'new-checkout', 'off', t);
      await registry.flushEvaluations();
      expect(write).toHaveBeenCalledTimes(2);

      expect(
        await store.evaluationCounts(ENTITY, 'staging', '2026-11-26T00:00:00Z'),
      ).toEqual([
        {
          bucketStart: '2026-11-26T10:00:00.000Z',
          key: 'new-checkout',
          variant: 'off',
          count: 1,
        },
        {
          bucketStart: '2026-11-26T10:00:00.000Z',
          key: 'new-checkout',
          variant: 'on',
          count: 4,
        },
      ]);
      // and a flush after a good one has nothing left to add
      await registry.flushEvaluations();
      const total = await knex('gantry_flag_evaluation_counts').sum({
        n: 'count',
      });
      expect(Number(total[0].n)).toBe(5);
    });
  },
);
