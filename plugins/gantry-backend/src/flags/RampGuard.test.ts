import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  FLAG_METADATA,
  rampStopOf,
  rampTargeting,
  type FlagdFlag,
} from '@gantry/plugin-gantry-common';
import { FlagdCore } from '@openfeature/flagd-core';
import type { Knex } from 'knex';
import { AuditService } from '../kernel/audit/AuditService';
import { createTestDatabases } from '../__testUtils__/databases';
import { FlagChangeStore } from './FlagChangeStore';
import { FlagStore } from './FlagStore';
import { FlagApprovalService } from './FlagApprovalService';
import { FlagChangeApplier } from './FlagChangeApplier';
import { FlagService } from './FlagService';
import { RAMP_GUARD_ACTOR, RampGuard } from './RampGuard';
import type { SloBurnStatus, SloStatusSource } from './sloStatusSource';
import { flagServicesFor } from './__testUtils__/flagServices';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const ENTITY = 'component:default/checkout';
const NOW = new Date('2026-12-02T10:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();
const KEYS = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);

/** 1 -> 5 -> 25 -> 50 -> 100 %, at 5 % at NOW. */
const ramp = (metadata?: FlagdFlag['metadata']): FlagdFlag => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  targeting: rampTargeting('on', 'off', [
    { at: at(-2), percent: 1 },
    { at: at(-1), percent: 5 },
    { at: at(1), percent: 25 },
    { at: at(2), percent: 50 },
    { at: at(3), percent: 100 },
  ]),
  ...(metadata ? { metadata } : {}),
});

/** Targeting keys that get `on` at `when`, evaluated by flagd itself. */
function onAt(definition: FlagdFlag, when: string): Set<string> {
  const core = new FlagdCore();
  core.setConfigurations(JSON.stringify({ flags: { f: definition } }));
  jest.useFakeTimers({ now: new Date(when) });
  try {
    return new Set(
      KEYS.filter(
        targetingKey =>
          core.resolveBooleanEvaluation('f', false, { targetingKey }).value,
      ),
    );
  } finally {
    jest.useRealTimers();
  }
}

describe.each(databases.eachSupportedId())('RampGuard on %s', databaseId => {
  let knex: Knex;
  let store: FlagStore;
  let applier: FlagChangeApplier;
  let audit: AuditService;
  let changes: FlagChangeStore;
  let flags: FlagService;
  let approvals: FlagApprovalService;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  const asked: string[] = [];
  let status: (slo: string) => Promise<SloBurnStatus>;

  const guard = () =>
    new RampGuard({
      store,
      flags,
      logger,
      now: () => NOW,
      slos: {
        statusFor: async (entityRef, slo) => {
          asked.push(`${entityRef}#${slo}`);
          return status(slo);
        },
      } satisfies SloStatusSource,
    });

  const seed = (environment: string, key: string, definition: FlagdFlag) =>
    knex.transaction(tx =>
      applier.apply(tx, {
        entityRef: ENTITY,
        environment,
        proposal: {
          target: 'flag',
          operation: 'upsert',
          key,
          input: {
            definition,
            type: 'release',
            owner: 'group:default/payments',
            safeVariant: 'off',
          },
        },
        baseVersion: null,
        reason: 'ramp',
        actor: 'user:default/alice',
      }),
    );

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await knex.migrate.latest({
      directory: resolvePackagePath(
        '@gantry/plugin-gantry-backend',
        'migrations',
      ),
    });
    asked.length = 0;
    logger = mockServices.logger.mock();
    ({ audit, store, changes, applier, flags, approvals } = flagServicesFor(
      knex,
      {
        approvers: {
          ownersOf: async () => ['group:default/payments'],
          canApprove: async () => true,
        },
      },
    ));
  });

  it('freezes a burning ramp at its current share in an approval environment, for review', async () => {
    const before = ramp({ [FLAG_METADATA.linkedSlo]: 'availability' });
    await seed('production', 'new-checkout', before);
    status = async () => ({ alert: 'page', burnRate: 16.2, threshold: 14.4 });

    const outcomes = await guard().run();
    expect(outcomes).toEqual([
      expect.objectContaining({ key: 'new-checkout', result: 'frozen' }),
    ]);

    const after = (await store.getFlag(ENTITY, 'production', 'new-checkout'))!;
    expect(after).toMatchObject({ version: 2, updatedBy: RAMP_GUARD_ACTOR });
    expect(after.definition.targeting).toEqual({
      fractional: [
        ['on', 500],
        ['off', 9500],
      ],
    });
    expect(rampStopOf(after.definition)).toEqual({
      slo: 'availability',
      at: NOW.toISOString(),
    });
    expect(after.summary.targeting).toBe('rollout: on 5%, off 95%');

    // Exactly the keys that had the feature keep it, now and after the next steps.
    const onNow = onAt(before, NOW.toISOString());
    expect(Math.abs(onNow.size / KEYS.length - 0.05)).toBeLessThan(0.01);
    expect(onAt(after.definition, NOW.toISOString())).toEqual(onNow);
    expect(onAt(after.definition, at(2.5))).toEqual(onNow);
    expect(onAt(before, at(2.5)).size).toBeGreaterThan(KEYS.length * 0.45);

    const [change] = await changes.list({ entityRef: ENTITY, open: true });
    expect(change).toMatchObject({
      status: 'applied',
      reviewStatus: 'pending',
      requestedBy: RAMP_GUARD_ACTOR,
    });
    const [update] = (await audit.list({ entityRef: ENTITY })).filter(
      r => r.action === 'flag.update',
    );
    expect(update.actor).toBe(RAMP_GUARD_ACTOR);
    expect((update.details as any).changeId).toBe(change.id);
    expect((update.details as any).reason).toBe(
      "Ramp stopped at on 5%, off 95%: SLO 'availability' page alert is firing, burn rate 16.20x (threshold 14.40x).",
    );

    const reviewed = await approvals.review({
      entityRef: ENTITY,
      id: change.id,
      userRef: 'user:default/bob',
      comment: 'Checked the incident; the ramp stays stopped.',
    });
    expect(reviewed.reviewStatus).toBe('done');

    // A frozen ramp is no ramp: later runs leave it alone.
    asked.length = 0;
    expect(await guard().run()).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('freezes at once in an environment without approval, on a ticket alert too', async () => {
    await seed(
      'staging',
      'new-checkout',
      ramp({ [FLAG_METADATA.linkedSlo]: 'latency' }),
    );
    status = async () => ({ alert: 'ticket', burnRate: 3.1 });
    await guard().run();
    const after = (await store.getFlag(ENTITY, 'staging', 'new-checkout'))!;
    expect(after.definition.targeting).toHaveProperty('fractional');
    expect(await changes.list({ entityRef: ENTITY })).toEqual([]);
  });

  it('leaves ramps alone when the SLO is healthy or no SLO is linked', async () => {
    await seed(
      'production',
      'healthy',
      ramp({ [FLAG_METADATA.linkedSlo]: 'availability' }),
    );
    await seed('production', 'unlinked', ramp());
    status = async () => ({ alert: 'none', burnRate: 0.4 });

    expect(await guard().run()).toEqual([
      expect.objectContaining({ key: 'healthy', result: 'healthy' }),
    ]);
    expect(asked).toEqual([`${ENTITY}#availability`]);
    for (const key of ['healthy', 'unlinked']) {
      const flag = (await store.getFlag(ENTITY, 'production', key))!;
      expect(flag.version).toBe(1);
      expect(flag.definition.targeting).toEqual(ramp().targeting);
    }
  });

  it('leaves the ramp as it is and logs when the SLO cannot be read', async () => {
    await seed(
      'production',
      'new-checkout',
      ramp({ [FLAG_METADATA.linkedSlo]: 'availability' }),
    );
    status = async () => {
      throw new Error('Prometheus answered 503');
    };
    const [outcome] = await guard().run();
    expect(outcome).toMatchObject({ result: 'unknown' });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        "Could not read SLO 'availability', ramp left as it is: Prometheus answered 503",
      ),
    );
    const flag = (await store.getFlag(ENTITY, 'production', 'new-checkout'))!;
    expect(flag.version).toBe(1);
    expect(await audit.list({ entityRef: ENTITY })).toHaveLength(1);
  });
});
