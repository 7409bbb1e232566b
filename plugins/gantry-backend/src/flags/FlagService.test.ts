import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type { FlagInput } from '@gantry/plugin-gantry-common';
import { AuditService } from '../kernel/audit/AuditService';
import { createTestDatabases } from '../__testUtils__/databases';
import { booleanFlag } from './__fixtures__/flagSets';
import { FlagApprovalService } from './FlagApprovalService';
import { FlagService } from './FlagService';
import { StaleVersionError } from './StaleVersionError';
import { flagServicesFor } from './__testUtils__/flagServices';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const ENTITY = 'component:default/checkout';
const alice = 'user:default/alice';
const bob = 'user:default/bob';
const carol = 'user:default/carol';

const input = (over: Partial<FlagInput> = {}): FlagInput => ({
  definition: booleanFlag,
  type: 'release',
  owner: 'group:default/payments',
  safeVariant: 'off',
  ...over,
});

describe.each(databases.eachSupportedId())('FlagService on %s', databaseId => {
  let knex: Knex;
  let service: FlagService;
  let approvals: FlagApprovalService;
  let audit: AuditService;
  const changed: string[] = [];

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await knex.migrate.latest({
      directory: resolvePackagePath(
        '@gantry/plugin-gantry-backend',
        'migrations',
      ),
    });
    changed.length = 0;
    ({
      flags: service,
      approvals,
      audit,
    } = flagServicesFor(knex, {
      approvers: {
        ownersOf: async () => ['group:default/payments'],
        // alice and bob are payments; carol is not
        canApprove: async (user: string) => user !== carol,
      },
      listener: {
        changed: (e: string, env: string) => changed.push(`${e}#${env}`),
      },
    }));
  });

  const upsert = (
    environment: string,
    baseVersion: number | null,
    actor = alice,
    i = input(),
  ) =>
    service.write({
      entityRef: ENTITY,
      environment,
      proposal: {
        target: 'flag',
        operation: 'upsert',
        key: 'new-checkout',
        input: i,
      },
      baseVersion,
      reason: 'launch',
      actor,
    });

  it('applies staging changes at once, audits before/after and rejects stale edits with the current state', async () => {
    const created = await upsert('staging', null);
    expect(created.status).toBe('applied');
    const v1 = (created as any).flag;
    expect(v1).toMatchObject({
      version: 1,
      owner: 'group:default/payments',
      safeVariant: 'off',
    });
    expect(changed).toEqual([`${ENTITY}#staging`]);

    const rollout = input({
      definition: {
        ...booleanFlag,
        targeting: {
          fractional: [
            ['on', 500],
            ['off', 9500],
          ],
        },
      },
    });
    const updated = await upsert('staging', 1, bob, rollout);
    expect((updated as any).flag).toMatchObject({ version: 2, updatedBy: bob });
    expect((updated as any).flag.summary.rollout).toEqual({ on: 5, off: 95 });

    // alice still edits version 1
    const stale = await upsert('staging', 1, alice).catch(e => e);
    expect(stale).toBeInstanceOf(StaleVersionError);
    expect(stale.message).toMatch(
      /you edited version 1, the current version is 2 \(by user:default\/bob/,
    );
    expect(stale.current).toMatchObject({ version: 2, updatedBy: bob });

    const records = await audit.list({ entityRef: ENTITY });
    const update = records.find(r => r.action === 'flag.update')!;
    expect(update.actor).toBe(bob);
    expect(update.details).toMatchObject({
      environment: 'staging',
      key: 'new-checkout',
      reason: 'launch',
      before: { version: 1, definition: booleanFlag },
      after: { version: 2, definition: rollout.definition },
    });
    expect(records.map(r => r.action).sort()).toEqual([
      'flag.create',
      'flag.update',
    ]);
    expect((await audit.verify()).ok).toBe(true);
    const history = await service.history(ENTITY);
    expect(history.map(h => [h.action, h.actor, h.environment, h.key])).toEqual(
      [
        ['flag.update', bob, 'staging', 'new-checkout'],
        ['flag.create', alice, 'staging', 'new-checkout'],
      ],
    );
    expect(history[0].before).toMatchObject({ version: 1 });
    expect(history[0].after).toMatchObject({ version: 2 });
  });

  it('refuses invalid definitions before anything is stored', async () => {
    await expect(
      upsert(
        'staging',
        null,
        alice,
        input({
          definition: { ...booleanFlag, variants: { on: true, off: 'no' } },
        }),
      ),
    ).rejects.toThrow(/variants mix types: boolean \(on\) and string \(off\)/);
    expect(await service.listFlags(ENTITY)).toEqual([]);
    expect(await audit.list({ entityRef: ENTITY })).toEqual([]);
  });

  it('holds production changes for another owner; the author never approves their own change', async () => {
    const pending = await upsert('production', null);
    expect(pending.status).toBe('pending');
    const change = (pending as any).change;
    expect(await service.listFlags(ENTITY, 'production')).toEqual([]);
    expect(changed).toEqual([]);

    expect(await approvals.awaiting(alice)).toEqual([]);
    expect((await approvals.awaiting(bob)).map(c => c.id)).toEqual([change.id]);
    expect(await approvals.awaiting(carol)).toEqual([]);
    await expect(
      approvals.decide({
        entityRef: ENTITY,
        id: change.id,
        userRef: alice,
        decision: 'approve',
      }),
    ).rejects.toThrow(/You made this flag change, so you cannot approve it/);
    await expect(
      approvals.decide({
        entityRef: ENTITY,
        id: change.id,
        userRef: carol,
        decision: 'approve',
      }),
    ).rejects.toThrow(/Only members of group:default\/payments may approve/);

    const approved = await approvals.decide({
      entityRef: ENTITY,
      id: change.id,
      userRef: bob,
      decision: 'approve',
    });
    expect(approved).toMatchObject({ status: 'applied', decidedBy: bob });
    const [flag] = await service.listFlags(ENTITY, 'production');
    expect(flag).toMatchObject({ version: 1, createdBy: alice });
    expect(changed).toEqual([`${ENTITY}#production`]);

    const actions = (await audit.list({ entityRef: ENTITY })).map(
      r => r.action,
    );
    expect(actions.sort()).toEqual([
      'flag.change.approve',
      'flag.change.request',
      'flag.create',
    ]);
    await expect(
      approvals.decide({
        entityRef: ENTITY,
        id: change.id,
        userRef: bob,
        decision: 'approve',
      }),
    ).rejects.toThrow(/is applied/);
  });

  it('marks an approval stale when the flag changed after the request', async () => {
    await upsert('production', null).then(p =>
      approvals.decide({
        entityRef: ENTITY,
        id: (p as any).change.id,
        userRef: bob,
        decision: 'approve',
      }),
    );
    const first = (await upsert('production', 1)) as any;
    const second = (await upsert('production', 1, bob)) as any;
    await approvals.decide({
      entityRef: ENTITY,
      id: second.change.id,
      userRef: alice,
      decision: 'approve',
    });
    const err = await approvals
      .decide({
        entityRef: ENTITY,
        id: first.change.id,
        userRef: bob,
        decision: 'approve',
      })
      .catch(e => e);
    expect(err).toBeInstanceOf(StaleVersionError);
    expect(err.current).toMatchObject({ version: 2 });
    const changes = await approvals.listChanges(ENTITY);
    expect(changes.find(c => c.id === first.change.id)?.status).toBe('stale');
  });

  it('kills at once in production and asks another owner for a review', async () => {
    const rollout = input({
      definition: {
        ...booleanFlag,
        defaultVariant: 'on',
        targeting: {
          fractional: [
            ['on', 1],
            ['off', 1],
          ],
        },
      },
    });
    await upsert('production', null, alice, rollout).then(p =>
      approvals.decide({
        entityRef: ENTITY,
        id: (p as any).change.id,
        userRef: bob,
        decision: 'approve',
      }),
    );
    changed.length = 0;
    const { flag, change } = await service.kill({
      entityRef: ENTITY,
      environment: 'production',
      key: 'new-checkout',
      reason: 'checkout errors',
      actor: alice,
    });
    expect(changed).toEqual([`${ENTITY}#production`]);
    expect(flag.definition).toEqual({
      state: 'ENABLED',
      variants: booleanFlag.variants,
      defaultVariant: 'off',
    });
    expect(flag).toMatchObject({ version: 2, killedBy: alice });
    expect(change).toMatchObject({
      operation: 'kill',
      status: 'applied',
      reviewStatus: 'pending',
    });

    await expect(
      approvals.review({
        entityRef: ENTITY,
        id: change.id,
        userRef: alice,
        comment: 'fine',
      }),
    ).rejects.toThrow(/cannot review/);
    const reviewed = await approvals.review({
      entityRef: ENTITY,
      id: change.id,
      userRef: bob,
      comment: 'errors came from the flag',
    });
    expect(reviewed).toMatchObject({ reviewStatus: 'done', decidedBy: bob });
    const kill = (await audit.list({ entityRef: ENTITY })).find(
      r => r.action === 'flag.kill',
    )!;
    expect(kill.details).toMatchObject({
      reviewRequired: true,
      safeVariant: 'off',
      reason: 'checkout errors',
    });
  });

  it('keeps segments consistent with the flags that reference them', async () => {
    const seg = await service.write({
      entityRef: ENTITY,
      environment: 'staging',
      proposal: {
        target: 'segment',
        operation: 'upsert',
        key: 'beta',
        input: { rule: { in: [{ var: 'tenant' }, ['acme']] } },
      },
      baseVersion: null,
      reason: 'beta tenants',
      actor: alice,
    });
    expect(seg).toMatchObject({
      status: 'applied',
      segment: { name: 'beta', version: 1 },
    });
    await upsert(
      'staging',
      null,
      alice,
      input({
        definition: {
          ...booleanFlag,
          targeting: { if: [{ $ref: 'beta' }, 'on', 'off'] },
        },
      }),
    );
    await expect(
      service.write({
        entityRef: ENTITY,
        environment: 'staging',
        proposal: { target: 'segment', operation: 'delete', key: 'beta' },
        baseVersion: 1,
        reason: 'cleanup',
        actor: alice,
      }),
    ).rejects.toThrow(/references segment "beta", which does not exist/);
  });
});
