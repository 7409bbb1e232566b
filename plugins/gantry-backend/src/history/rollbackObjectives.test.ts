import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { readGantryConfig } from '../kernel/config/gantryConfig';
import type { Notifier } from '../kernel/notifier';
import { HISTORY } from './__fixtures__/doraHistory';
import { DeploymentHistoryService } from './DeploymentHistoryService';
import { KnexDeploymentStore } from './KnexDeploymentStore';
import {
  computeRollbackObjectives,
  readRollbackObjectives,
} from './rollbackObjectives';
import { deploymentEvent, type DeploymentEvent } from './webhookPayloads';

jest.setTimeout(90_000);
const databases = createTestDatabases();
const DEFAULTS = { timeToRestoreSeconds: 300, timeToRecoverSeconds: 900 };
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'argocd/app-name': 'checkout-production' },
  },
  spec: { type: 'service', owner: 'group:default/payments' },
};
const sync = (
  revision: string,
  startedAt: string,
  finishedAt: string,
  phase = 'Succeeded',
) =>
  deploymentEvent.parse({
    source: 'argocd',
    application: 'checkout-production',
    environment: 'production',
    revision,
    phase,
    startedAt,
    finishedAt,
  });

/**
 * A production history with three failed changes, worked out by hand:
 * - b goes live 11-12 10:10 and is rolled back to a (10:13 -> 10:16):
 *   restore 3 min (met), recover 6 min (met);
 * - d fails its sync 11-14 10:00 -> 10:20 and a is synced again 10:30 -> 10:32:
 *   restore 12 min (missed), recover 32 min (missed);
 * - f's canary is aborted 11-16 10:00 -> 10:04, the stable version takes the traffic back
 *   as it aborts: restore 0 s (met), recover 4 min (met).
 */
const EVENTS: DeploymentEvent[] = [
  sync('a', '2026-11-10T10:00:00Z', '2026-11-10T10:05:00Z'),
  sync('b', '2026-11-12T10:00:00Z', '2026-11-12T10:10:00Z'),
  sync('a', '2026-11-12T10:13:00Z', '2026-11-12T10:16:00Z'),
  sync('d', '2026-11-14T10:00:00Z', '2026-11-14T10:20:00Z', 'Failed'),
  sync('a', '2026-11-14T10:30:00Z', '2026-11-14T10:32:00Z'),
  sync('f', '2026-11-16T10:00:00Z', '2026-11-16T10:04:00Z'),
  deploymentEvent.parse({
    source: 'argo-rollouts',
    event: 'rollout-aborted',
    application: 'checkout-production',
    environment: 'production',
    rollout: 'checkout',
    namespace: 'checkout-prod',
    at: '2026-11-16T10:04:00Z',
  }),
  sync('g', '2026-11-17T10:00:00Z', '2026-11-17T10:06:00Z'),
];

describe.each(databases.eachSupportedId())(
  'rollback time objectives on %s',
  id => {
    let knex: Knex;
    beforeEach(async () => {
      knex = await databases.init(id);
      await knex.migrate.latest({ directory: `${__dirname}/../../migrations` });
    });

    it('measures each rollback, gives the attainment and notifies the owner once of the miss', async () => {
      const sent: Parameters<Notifier['notify']>[0][] = [];
      const service = new DeploymentHistoryService({
        store: new KnexDeploymentStore(knex),
        catalog: catalogServiceMock({ entities: [entity] }),
        auth: mockServices.auth(),
        config: readGantryConfig(new ConfigReader({})),
        objectives: DEFAULTS,
        notifier: { notify: async m => void sent.push(m) },
        appBaseUrl: 'https://backstage.example.com',
        now: () => new Date('2026-11-20T00:00:00Z'),
      });
      // redelivered webhooks change nothing and notify nobody again
      for (const e of [...EVENTS, ...EVENTS]) await service.ingest(e);

      const view = (
        await service.dora('component:default/checkout', 'production', '30d')
      ).rollbackObjectives!;
      const rows = view.measurements.map(m => ({
        revision: m.revision,
        cause: m.cause,
        restore: m.timeToRestoreSeconds,
        recover: m.timeToRecoverSeconds,
        met: [m.restoreMet, m.recoverMet],
        by: m.restoredBy?.revision,
      }));
      expect(rows).toEqual([
        {
          revision: 'b',
          cause: 'rolled-back',
          restore: 180,
          recover: 360,
          met: [true, true],
          by: 'a',
        },
        {
          revision: 'd',
          cause: 'failed',
          restore: 720,
          recover: 1920,
          met: [false, false],
          by: 'a',
        },
        {
          revision: 'f',
          cause: 'aborted',
          restore: 0,
          recover: 240,
          met: [true, true],
          by: undefined,
        },
      ]);
      expect(view.objectives).toEqual(DEFAULTS);
      expect(view.restoreAttainment).toBeCloseTo(2 / 3);
      expect(view.recoverAttainment).toBeCloseTo(2 / 3);
      expect(view.misses.map(m => m.revision)).toEqual(['d']);

      expect(sent).toEqual([
        {
          recipients: ['group:default/payments'],
          title: 'Rollback objective missed: checkout in production',
          description:
            'Revision d (failed) was restored in 12 min after it was detected (objective 5 min) and recovered in 32 min after it went live (objective 15 min). See the DORA card for every rollback.',
          link: 'https://backstage.example.com/catalog/default/component/checkout/delivery',
          topic:
            'gantry-rollback-objective-component:default/checkout-production',
        },
      ]);
    });

    it('stores the deployment even when the notice cannot be sent', async () => {
      const warn = jest.fn();
      const service = new DeploymentHistoryService({
        store: new KnexDeploymentStore(knex),
        catalog: catalogServiceMock({ entities: [entity] }),
        auth: mockServices.auth(),
        config: readGantryConfig(new ConfigReader({})),
        notifier: {
          notify: async () => {
            throw new Error('notifications backend down');
          },
        },
        logger: { warn } as any,
        now: () => new Date('2026-11-20T00:00:00Z'),
      });
      for (const e of EVENTS.slice(0, 5)) await service.ingest(e);
      expect(
        Number((await knex('gantry_deployments').count({ n: '*' }))[0].n),
      ).toBe(5);
      expect(warn).toHaveBeenCalledWith(
        'Could not send the rollback objective notice for component:default/checkout (production): Error: notifications backend down',
      );
    });
  },
);

describe('rollback objectives over the DORA fixture history', () => {
  it('counts a failure still unrestored as a miss once a target has passed', () => {
    // B failed 11-03 10:00 -> 10:20 and nothing has succeeded since
    const at = (now: string) =>
      computeRollbackObjectives(
        HISTORY.slice(0, 2),
        '2026-11-03T00:00:00.000Z',
        '2026-11-04T00:00:00.000Z',
        DEFAULTS,
        new Date(now),
      );
    const early = at('2026-11-03T10:22:00Z');
    expect(early.measurements[0]).toMatchObject({
      revision: 'B',
      timeToRestoreSeconds: null,
      restoreMet: null, // 2 min since detection: still within 5
      recoverMet: false, // 22 min since it went live: past 15
    });
    expect(early.restoreAttainment).toBeNull();
    expect(early.recoverAttainment).toBe(0);
    expect(early.misses.map(m => m.revision)).toEqual(['B']);
    expect(at('2026-11-03T10:30:00Z').measurements[0].restoreMet).toBe(false);
  });
});

describe('gantry.dora.objectives', () => {
  const read = (objectives: object) =>
    readRollbackObjectives(
      new ConfigReader({ gantry: { dora: { objectives } } }),
    );

  it('defaults to 5 minutes to restore and 15 to recover', () => {
    expect(read({})).toEqual(DEFAULTS);
    expect(read({ timeToRestoreMinutes: 2.5 })).toEqual({
      timeToRestoreSeconds: 150,
      timeToRecoverSeconds: 900,
    });
  });

  it('stops startup on an impossible target, naming the key', () => {
    expect(() => read({ timeToRestoreMinutes: 0 })).toThrow(
      'gantry.dora.objectives.timeToRestoreMinutes is 0; give minutes > 0',
    );
    expect(() =>
      read({ timeToRestoreMinutes: 20, timeToRecoverMinutes: 10 }),
    ).toThrow(
      'gantry.dora.objectives.timeToRecoverMinutes (10) is shorter than timeToRestoreMinutes (20)',
    );
  });
});
