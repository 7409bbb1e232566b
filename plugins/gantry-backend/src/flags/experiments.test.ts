import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import reference from './__fixtures__/experiment.reference.json';
import { EVENTS_PATH } from './createFlags';
import { startFlagsServer } from './__testUtils__/flagsBackend';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const base = '/api/gantry/entities/default/component/checkout';
const events = `/api/gantry${EVENTS_PATH}`;

/** The one line plugin.ts needs for applications to reach the ingestion route. */
const eventsAuthPolicy = createBackendModule({
  pluginId: 'gantry',
  moduleId: 'test-flag-events-auth',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        httpRouter.addAuthPolicy({
          path: EVENTS_PATH,
          allow: 'unauthenticated',
        });
      },
    });
  },
});

const start = (knex: Knex) =>
  startFlagsServer({ knex, features: [eventsAuthPolicy] });

const splitFlag = {
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  targeting: {
    fractional: [
      ['on', 50],
      ['off', 50],
    ],
  },
};

const exposures = (prefix: string, variant: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({
    id: `exp-${prefix}${from + i}`,
    type: 'exposure',
    flagKey: 'new-checkout',
    variant,
    targetingKey: `${prefix}${from + i}`,
  }));
const conversions = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `conv-${prefix}${i}`,
    type: 'conversion',
    event: 'checkout_completed',
    targetingKey: `${prefix}${i}`,
  }));

describe.each(databases.eachSupportedId())(
  'flag experiments over HTTP on %s',
  databaseId => {
    let server: any;
    let secret: string;

    beforeAll(async () => {
      server = await start(await databases.init(databaseId));
    });

    const newKey = async (environment: string) => {
      const res = await request(server)
        .post(`${base}/flag-keys`)
        .set('Authorization', as('alice'))
        .send({ environment, name: `shop-${environment}` });
      expect(res.status).toBe(201);
      return res.body.secret as string;
    };
    const putFlag = (env: string) =>
      request(server)
        .put(`${base}/flags/${env}/new-checkout`)
        .set('Authorization', as('alice'))
        .send({
          flag: { type: 'experiment', definition: splitFlag },
          baseVersion: null,
          reason: 'start the checkout test',
        });
    const configure = (env: string, body: object, user = 'alice') =>
      request(server)
        .put(`${base}/flags/${env}/new-checkout/experiment`)
        .set('Authorization', as(user))
        .send(body);
    const send = (key: string | undefined, body: object) => {
      const r = request(server).post(events);
      if (key) r.set('Authorization', `Bearer ${key}`);
      return r.send(body);
    };
    const results = async (env = 'staging') => {
      const res = await request(server)
        .get(`${base}/flags/${env}/new-checkout/experiment`)
        .set('Authorization', as('bob'));
      expect(res.status).toBe(200);
      return res.body;
    };
    const config = {
      conversionEvent: 'checkout_completed',
      controlVariant: 'off',
      minimumDetectableEffect: 0.08,
      baselineRate: 0.1,
    };

    it('configures an experiment with permission and valid rules only', async () => {
      expect((await putFlag('staging')).status).toBe(200);
      expect((await configure('staging', config, 'mallory')).status).toBe(403);
      const wrongControl = await configure('staging', {
        ...config,
        controlVariant: 'blue',
      });
      expect(wrongControl.status).toBe(400);
      expect(wrongControl.body.error.message).toContain(
        "controlVariant 'blue' is not a variant of new-checkout; choose one of on, off",
      );
      const badMde = await configure('staging', {
        ...config,
        minimumDetectableEffect: 2,
      });
      expect(badMde.status).toBe(400);
      expect(badMde.body.error.message).toContain('minimumDetectableEffect');
      const noExperiment = await request(server)
        .get(`${base}/flags/staging/new-checkout/experiment`)
        .set('Authorization', as('bob'));
      // no experiment is a state of the flag, not a missing resource
      expect(noExperiment.status).toBe(200);
      expect(noExperiment.body).toEqual({ experiment: null });
      const noFlag = await request(server)
        .get(`${base}/flags/staging/no-such-flag/experiment`)
        .set('Authorization', as('bob'));
      expect(noFlag.status).toBe(404);

      const ok = await configure('staging', config);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        ...config,
        alpha: 0.05,
        power: 0.8,
        version: 1,
        updatedBy: 'user:default/alice',
      });
      const history = await request(server)
        .get(`${base}/flags/history`)
        .set('Authorization', as('bob'));
      expect(history.body.items[0]).toMatchObject({
        action: 'flag.experiment.configure',
        key: 'new-checkout',
        environment: 'staging',
      });
    });

    it('rejects unauthenticated, oversized and invalid batches without storing any of them', async () => {
      secret = await newKey('staging');
      expect((await send(undefined, { events: [] })).status).toBe(401);
      expect((await send('gfk_nope', { events: [] })).status).toBe(401);

      const tooMany = await send(secret, {
        events: exposures('x', 'on', 0, 1001),
      });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.error.message).toContain(
        'at most 1000 events per request',
      );

      const halfBad = await send(secret, {
        events: [
          ...exposures('w', 'on', 0, 5),
          { id: 'bad', type: 'exposure', flagKey: 'new-checkout' },
        ],
      });
      expect(halfBad.status).toBe(400);
      expect(halfBad.body.error.message).toMatch(
        /events\.5\.(variant|targetingKey)/,
      );
      const r = await results();
      expect(r.variants.map((v: any) => v.exposures)).toEqual([0, 0]);
      expect(r.decision.status).toBe('no-data');
    });

    it('counts distinct exposed and converted targeting keys, idempotently, and judges them like SciPy', async () => {
      // Conversions before their exposures, in the same batch.
      const first = await send(secret, {
        events: [
          ...conversions('v', 64),
          ...exposures('u', 'off', 0, 400),
          ...exposures('v', 'on', 0, 200),
        ],
      });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        received: 664,
        duplicates: 0,
        ignored: 0,
        stored: 664,
      });
      const second = {
        events: [
          ...exposures('v', 'on', 200, 400),
          ...conversions('u', 40),
          // u0 was exposed to off first and stays there.
          { ...exposures('u', 'on', 0, 1)[0], id: 'exp-u0-again' },
          {
            ...exposures('u', 'off', 0, 1)[0],
            id: 'exp-other-flag',
            flagKey: 'other-flag',
          },
          { ...conversions('u', 1)[0], id: 'signup-u0', event: 'signup' },
          { ...exposures('x', 'blue', 0, 1)[0] },
          { ...conversions('never', 1)[0], id: 'conv-never-exposed' },
        ],
      };
      expect((await send(secret, second)).body).toEqual({
        received: 245,
        duplicates: 0,
        ignored: 3,
        stored: 242,
      });
      expect((await send(secret, second)).body).toEqual({
        received: 245,
        duplicates: 245,
        ignored: 0,
        stored: 0,
      });

      const r = await results();
      const [on, off] = r.variants;
      expect(off).toMatchObject({
        variant: 'off',
        isControl: true,
        exposures: 400,
        conversions: 40,
        rate: 0.1,
        expectedShare: 0.5,
      });
      expect(on).toMatchObject({
        variant: 'on',
        exposures: 400,
        conversions: 64,
      });
      const wilson = reference.wilson.slice(-2);
      off.interval.forEach((x: number, i: number) =>
        expect(x).toBeCloseTo(wilson[0].interval[i], 12),
      );
      on.interval.forEach((x: number, i: number) =>
        expect(x).toBeCloseTo(wilson[1].interval[i], 12),
      );
      const z = reference.zTest[1];
      expect(on.comparison.z).toBeCloseTo(z.z, 10);
      expect(on.comparison.pValue).toBeCloseTo(z.pValue, 12);
      expect(on.comparison.relativeLift).toBeCloseTo(0.6, 12);
      expect(r.sampleRatio).toEqual({
        chiSquare: 0,
        degreesOfFreedom: 1,
        pValue: 1,
        mismatch: false,
      });
      expect(r.requiredSampleSize).toBe(reference.sampleSize.at(-1)!.n);
      expect(r.unexposedConversions).toBe(1);
      expect(r.decision).toMatchObject({ status: 'winner', winner: 'on' });
    });

    it('rolls the winner out through the flag write path', async () => {
      expect(
        (
          await request(server)
            .post(
              `${base}/flags/staging/new-checkout/experiment/rollout-winner`,
            )
            .set('Authorization', as('mallory'))
            .send({})
        ).status,
      ).toBe(403);
      const res = await request(server)
        .post(`${base}/flags/staging/new-checkout/experiment/rollout-winner`)
        .set('Authorization', as('alice'))
        .send({});
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('applied');
      expect(res.body.flag.definition).toEqual({
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'on',
      });
      expect(res.body.flag.version).toBe(2);
      const history = await request(server)
        .get(`${base}/flags/history`)
        .set('Authorization', as('bob'));
      expect(history.body.items[0].reason).toMatch(
        /^Roll out experiment winner 'on'/,
      );
      // Without the split there is no ratio to check; the counts stay.
      const r = await results();
      expect(r.sampleRatioNote).toMatch(/no fractional split/);
    });

    it('needs approval to roll a winner out in production, and refuses without a winner', async () => {
      const requested = await putFlag('production');
      expect(requested.status).toBe(202);
      const approved = await request(server)
        .post(`${base}/flag-changes/${requested.body.change.id}/decision`)
        .set('Authorization', as('bob'))
        .send({ decision: 'approve' });
      expect(approved.body.status).toBe('applied');
      expect((await configure('production', config)).status).toBe(200);
      const rollout = () =>
        request(server)
          .post(
            `${base}/flags/production/new-checkout/experiment/rollout-winner`,
          )
          .set('Authorization', as('alice'))
          .send({ reason: 'ship the winner' });
      const early = await rollout();
      expect(early.status).toBe(409);
      expect(early.body.error.message).toMatch(
        /No winner to roll out.*No exposures yet/,
      );

      const key = await newKey('production');
      const batch = [
        ...exposures('p', 'off', 0, 300),
        ...exposures('q', 'on', 0, 300),
        ...conversions('p', 30),
        ...conversions('q', 60),
      ];
      expect((await send(key, { events: batch })).body.stored).toBe(690);
      // The staging key cannot write into production's experiment.
      expect((await results('production')).variants[0].exposures).toBe(300);

      const pending = await rollout();
      expect(pending.status).toBe(202);
      expect(pending.body.change).toMatchObject({
        status: 'pending',
        operation: 'upsert',
        reason: 'ship the winner',
        proposed: { definition: { defaultVariant: 'on' } },
      });
      const flag = await request(server)
        .get(`${base}/flags/production/new-checkout`)
        .set('Authorization', as('bob'));
      expect(flag.body.definition.targeting).toEqual(splitFlag.targeting);
    });

    it('shows usage beside a note that Prometheus is not configured', async () => {
      const res = await request(server)
        .get(`${base}/flags/usage?environment=staging&hours=6`)
        .set('Authorization', as('bob'));
      expect(res.status).toBe(200);
      expect(res.body.metrics).toEqual({
        status: 'unavailable',
        message: expect.stringContaining('Prometheus is not configured'),
      });
    });
  },
);
