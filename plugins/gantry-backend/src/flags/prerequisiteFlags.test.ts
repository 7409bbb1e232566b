import { mockCredentials } from '@backstage/backend-test-utils';
import { FlagdCore } from '@openfeature/flagd-core';
import type { FlagInput } from '@gantry/plugin-gantry-common';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { booleanFlag } from './__fixtures__/flagSets';
import { startFlagsBackend } from './__testUtils__/flagsBackend';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const alice = mockCredentials.user.header('user:default/alice');
const flagsUrl = '/api/gantry/entities/default/component/checkout/flags';
const ofrep = '/api/gantry/ofrep/v1/evaluate/flags';
const KEYS = Array.from({ length: 200 }, (_, i) => `user-${i}`);
const rollout = (on: number) => ({
  ...booleanFlag,
  targeting: {
    fractional: [
      ['on', on],
      ['off', 100 - on],
    ],
  },
});

describe.each(databases.eachSupportedId())(
  'prerequisite flags on %s',
  databaseId => {
    let backend: Awaited<ReturnType<typeof startFlagsBackend>>;
    let secret: string;

    beforeAll(async () => {
      backend = await startFlagsBackend(await databases.init(databaseId));
      secret = await backend.newKey('checkout-web');
    });

    const put = (
      key: string,
      flag: Partial<FlagInput>,
      baseVersion: number | null,
    ) =>
      request(backend.server)
        .put(`${flagsUrl}/staging/${key}`)
        .set('Authorization', alice)
        .send({
          flag: { type: 'release', definition: booleanFlag, ...flag },
          baseVersion,
          reason: 'prerequisite test',
        });
    const current = async (key: string) =>
      (
        await request(backend.server)
          .get(`${flagsUrl}/staging/${key}`)
          .set('Authorization', alice)
      ).body;
    const variants = async (key: string) =>
      Promise.all(
        KEYS.map(async targetingKey => {
          const res = await request(backend.server)
            .post(`${ofrep}/${key}`)
            .set('Authorization', `Bearer ${secret}`)
            .send({ context: { targetingKey } });
          expect(res.status).toBe(200);
          return res.body.variant as string;
        }),
      );
    const bulk = () =>
      request(backend.server)
        .post(ofrep)
        .set('Authorization', `Bearer ${secret}`)
        .send({ context: { targetingKey: 'user-1' } });

    it('serves a dependent flag exactly to the users its prerequisite serves, over OFREP and the flagd sync source', async () => {
      await backend.putFlag('new-checkout', rollout(30), null);
      const created = await put(
        'one-click-pay',
        {
          definition: { ...booleanFlag, defaultVariant: 'on' },
          prerequisites: [{ flag: 'new-checkout', variants: ['on'] }],
        },
        null,
      );
      expect(created.status).toBe(200);
      expect(created.body.flag.prerequisites).toEqual([
        { flag: 'new-checkout', variants: ['on'] },
      ]);
      // stored as authored: the gate is compiled into what is served, not into the definition
      expect(created.body.flag.definition.targeting).toBeUndefined();

      const pre = await variants('new-checkout');
      const dep = await variants('one-click-pay');
      expect(dep).toEqual(pre.map(v => (v === 'on' ? 'on' : 'off')));
      expect(pre.filter(v => v === 'on').length).toBeGreaterThan(30);
      expect(pre.filter(v => v === 'on').length).toBeLessThan(100);

      // flagd at the edge gets the same answer from the sync source
      const sync = await request(backend.server)
        .get(new URL(backend.flagdUrl('staging')).pathname)
        .set('Authorization', `Bearer ${secret}`);
      expect(sync.status).toBe(200);
      const core = new FlagdCore();
      core.setConfigurations(JSON.stringify(sync.body));
      expect(
        KEYS.map(
          targetingKey =>
            core.resolveBooleanEvaluation('one-click-pay', false, {
              targetingKey,
            }).variant,
        ),
      ).toEqual(dep);
    });

    it('moves dependents with every change of the prerequisite: ramp, kill', async () => {
      const etag = (await bulk()).headers.etag;
      const { version } = await current('new-checkout');
      expect(
        (await put('new-checkout', { definition: rollout(100) }, version))
          .status,
      ).toBe(200);
      expect((await bulk()).headers.etag).not.toEqual(etag);
      expect(new Set(await variants('one-click-pay'))).toEqual(new Set(['on']));

      await backend.kill('new-checkout');
      expect(new Set(await variants('one-click-pay'))).toEqual(
        new Set(['off']),
      );
      const edited = await current('one-click-pay');
      expect(edited.version).toBe(1);
    });

    it('refuses changes that would break a dependent, and stores nothing', async () => {
      const before = await current('new-checkout');

      const renamed = await put(
        'new-checkout',
        {
          definition: {
            state: 'ENABLED',
            variants: { enabled: true, disabled: false },
            defaultVariant: 'disabled',
          },
          safeVariant: 'disabled',
        },
        before.version,
      );
      expect(renamed.status).toBe(400);
      expect(renamed.body.error.message).toBe(
        "Saving the flag 'new-checkout' would leave the flag set of staging invalid: flags.one-click-pay.prerequisites.0.variants: 'on' is not a variant of 'new-checkout' (variants: enabled, disabled).",
      );

      const deleted = await request(backend.server)
        .delete(`${flagsUrl}/staging/new-checkout`)
        .set('Authorization', alice)
        .send({ baseVersion: before.version, reason: 'cleanup' });
      expect(deleted.status).toBe(409);
      expect(deleted.body.error.message).toBe(
        "The flag 'new-checkout' is a prerequisite of 'one-click-pay' in staging; remove it from their prerequisites before deleting it.",
      );

      const cycle = await put(
        'new-checkout',
        {
          definition: before.definition,
          prerequisites: [{ flag: 'one-click-pay', variants: ['on'] }],
        },
        before.version,
      );
      expect(cycle.status).toBe(400);
      expect(cycle.body.error.message).toMatch(
        /prerequisites form a cycle \(.*new-checkout.*one-click-pay.*\)/,
      );

      const missing = await put(
        'refunds',
        { prerequisites: [{ flag: 'payments-v3', variants: ['on'] }] },
        null,
      );
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toBe(
        "The flag 'refunds' is not a valid flagd flag definition: flags.refunds.prerequisites.0.flag: prerequisite 'payments-v3' is not a flag of this environment (flags: new-checkout, one-click-pay); create it first or remove the prerequisite.",
      );

      const empty = await put(
        'refunds',
        { prerequisites: [{ flag: 'new-checkout', variants: [] }] },
        null,
      );
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toMatch(
        /flag\.prerequisites\.0\.variants.*name at least one variant that lets this flag through/,
      );

      expect(await current('new-checkout')).toEqual(before);
      expect(
        (
          await request(backend.server)
            .get(`${flagsUrl}/staging/refunds`)
            .set('Authorization', alice)
        ).status,
      ).toBe(404);
    });

    it('records prerequisites in the audit history and lets them be removed', async () => {
      const dependent = await current('one-click-pay');
      const res = await put(
        'one-click-pay',
        { definition: dependent.definition },
        dependent.version,
      );
      expect(res.status).toBe(200);
      expect(res.body.flag.prerequisites).toBeUndefined();
      expect(new Set(await variants('one-click-pay'))).toEqual(new Set(['on']));

      const history = await request(backend.server)
        .get(`${flagsUrl}/history`)
        .set('Authorization', alice);
      const update = history.body.items.find(
        (h: any) => h.action === 'flag.update' && h.key === 'one-click-pay',
      );
      expect(update.before.prerequisites).toEqual([
        { flag: 'new-checkout', variants: ['on'] },
      ]);
      expect(update.after.prerequisites).toBeUndefined();
    });
  },
);
