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
import { buildFlagSet } from './flagSet';
import { buildableFlag } from './prerequisites';

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

  /** The flag set as OFREP and the flagd sync source serve it. */
  const served = async (environment: string) =>
    buildFlagSet({
      entityRef: ENTITY,
      environment,
      flags: (await service.listFlags(ENTITY, environment)).map(buildableFlag),
      segments: [],
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
    // the authored definition is kept; only what is served changes
    expect(flag.definition).toEqual(rollout.definition);
    expect(flag).toMatchObject({
      version: 2,
      killedBy: alice,
      killedReason: 'checkout errors',
    });
    expect((await served('production')).flags['new-checkout']).toEqual({
      state: 'ENABLED',
      variants: booleanFlag.variants,
      defaultVariant: 'off',
    });
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

  it('restores exactly the authored definition, keeps a flag killed through edits, and puts the restore under four eyes', async () => {
    const rollout = input({
      definition: {
        ...booleanFlag,
        targeting: {
          fractional: [
            ['on', 2500],
            ['off', 7500],
          ],
        },
        metadata: { team: 'payments' },
      },
    });
    await upsert('staging', null, alice, rollout);
    const kill = () =>
      service.kill({
        entityRef: ENTITY,
        environment: 'staging',
        key: 'new-checkout',
        reason: 'errors',
        actor: alice,
      });
    const { flag: killed } = await kill();
    await expect(kill()).rejects.toThrow(
      /already killed \(by user:default\/alice at .*\); it serves 'off'/,
    );

    // an edit while killed changes what is authored, and the flag stays killed
    const edited = input({
      definition: {
        ...rollout.definition,
        targeting: {
          fractional: [
            ['on', 1000],
            ['off', 9000],
          ],
        },
      },
    });
    const afterEdit = await upsert('staging', killed.version, alice, edited);
    expect(afterEdit).toMatchObject({
      status: 'applied',
      flag: { killedBy: alice, definition: edited.definition },
    });
    expect(
      (await served('staging')).flags['new-checkout'].targeting,
    ).toBeUndefined();

    const restore = (baseVersion: number, environment = 'staging') =>
      service.restore({
        entityRef: ENTITY,
        environment,
        key: 'new-checkout',
        baseVersion,
        reason: 'fixed',
        actor: alice,
      });
    // a restore made on an older version than the current one is stale
    await expect(restore(killed.version)).rejects.toBeInstanceOf(
      StaleVersionError,
    );
    const restored = await restore(killed.version + 1);
    expect(restored.status).toBe('applied');
    const flag = await service.getFlag(ENTITY, 'staging', 'new-checkout');
    expect(flag.killedAt).toBeUndefined();
    expect(flag.definition).toEqual(edited.definition);
    expect((await served('staging')).flags['new-checkout']).toEqual(
      edited.definition,
    );
    await expect(restore(flag.version)).rejects.toThrow(
      /is not killed, so there is nothing to restore/,
    );
    expect(
      (await audit.list({ entityRef: ENTITY })).map(r => r.action),
    ).toEqual(
      expect.arrayContaining(['flag.kill', 'flag.update', 'flag.restore']),
    );

    // production: the kill is at once, the restore waits for another owner
    await upsert('production', null, alice, rollout).then(p =>
      approvals.decide({
        entityRef: ENTITY,
        id: (p as any).change.id,
        userRef: bob,
        decision: 'approve',
      }),
    );
    const { flag: prodKilled } = await service.kill({
      entityRef: ENTITY,
      environment: 'production',
      key: 'new-checkout',
      reason: 'errors',
      actor: alice,
    });
    const pending = await restore(prodKilled.version, 'production');
    expect(pending).toMatchObject({
      status: 'pending',
      change: { operation: 'restore', key: 'new-checkout' },
    });
    const changeId = (pending as any).change.id;
    expect(
      (await service.getFlag(ENTITY, 'production', 'new-checkout')).killedAt,
    ).toBeDefined();
    await expect(
      approvals.decide({
        entityRef: ENTITY,
        id: changeId,
        userRef: alice,
        decision: 'approve',
      }),
    ).rejects.toThrow(/cannot approve/);
    await approvals.decide({
      entityRef: ENTITY,
      id: changeId,
      userRef: bob,
      decision: 'approve',
    });
    const prod = await service.getFlag(ENTITY, 'production', 'new-checkout');
    expect(prod.killedAt).toBeUndefined();
    expect(prod.definition).toEqual(rollout.definition);
  });

  it('names the field the user wrote: a broken default is reported on the definition, not on safeVariant', async () => {
    const broken = service.completeInput(
      {
        definition: {
          state: 'ENABLED',
          variants: { on: true, off: 'off' },
          defaultVariant: 'gold',
        },
        type: 'release',
      },
      'group:default/payments',
    );
    expect(broken.safeVariant).toBeUndefined();
    const err = await upsert('staging', null, alice, broken).catch(e => e);
    expect(err.name).toBe('InputError');
    expect(err.message).not.toMatch(/safeVariant/);
    expect(err.problems).toEqual([
      {
        field: 'definition',
        path: 'variants',
        message: expect.stringMatching(/^variants mix types/),
      },
      {
        field: 'definition',
        path: 'defaultVariant',
        message: expect.stringMatching(
          /^defaultVariant "gold" is not one of the variants/,
        ),
      },
    ]);
    // a safe variant the user did name, and got wrong, is reported as theirs
    const wrongSafe = await upsert(
      'staging',
      null,
      alice,
      input({ safeVariant: 'gold' }),
    ).catch(e => e);
    expect(wrongSafe.problems).toEqual([
      {
        field: 'safeVariant',
        path: '',
        message:
          "safeVariant 'gold' is not one of the variants (on, off); the kill switch must serve an existing variant",
      },
    ]);
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
