import { mockCredentials } from '@backstage/backend-test-utils';
import { FlagdCore } from '@openfeature/flagd-core';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { booleanFlag } from './__fixtures__/flagSets';
import { openSse, percentile } from './__fixtures__/sseClient';
import { startFlagsServer } from './__testUtils__/flagsBackend';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const base = '/api/gantry/entities/default/component/checkout';
const ofrep = '/api/gantry/ofrep/v1/evaluate/flags';

const start = (knex: Knex, flags: object = {}) =>
  startFlagsServer({ knex, flags });

describe.each(databases.eachSupportedId())(
  'flags over HTTP on %s',
  databaseId => {
    let server: any;

    beforeAll(async () => {
      server = await start(await databases.init(databaseId));
    });

    const put = (
      env: string,
      key: string,
      flag: object,
      baseVersion: number | null,
      user = 'alice',
    ) =>
      request(server)
        .put(`${base}/flags/${env}/${key}`)
        .set('Authorization', as(user))
        .send({
          flag: { type: 'release', ...flag },
          baseVersion,
          reason: 'test change',
        });

    const newKey = async (environment: string) => {
      const res = await request(server)
        .post(`${base}/flag-keys`)
        .set('Authorization', as('alice'))
        .send({ environment, name: `app-${environment}` });
      expect(res.status).toBe(201);
      expect(res.body.secret).toMatch(/^gfk_/);
      return res.body as { id: string; secret: string };
    };

    const evaluate = (secret: string, key: string, body: object = {}) =>
      request(server)
        .post(`${ofrep}/${key}`)
        .set('Authorization', `Bearer ${secret}`)
        .send(body);

    let staging: { id: string; secret: string };

    it('serves staging flags over OFREP with the spec reasons, error codes and statuses', async () => {
      const seg = await request(server)
        .put(`${base}/flag-segments/staging/beta`)
        .set('Authorization', as('alice'))
        .send({
          segment: { rule: { in: [{ var: 'tenant' }, ['acme']] } },
          baseVersion: null,
          reason: 'beta tenants',
        });
      expect(seg.status).toBe(200);
      expect(
        (
          await put(
            'staging',
            'new-checkout',
            {
              definition: {
                ...booleanFlag,
                targeting: {
                  if: [
                    { $ref: 'beta' },
                    'on',
                    {
                      fractional: [
                        ['on', 5000],
                        ['off', 5000],
                      ],
                    },
                  ],
                },
              },
            },
            null,
          )
        ).status,
      ).toBe(200);
      expect(
        (
          await put(
            'staging',
            'theme',
            {
              definition: {
                state: 'ENABLED',
                variants: { classic: 'classic', dark: 'dark' },
                defaultVariant: 'dark',
              },
              type: 'operational',
            },
            null,
          )
        ).status,
      ).toBe(200);
      expect(
        (
          await put(
            'staging',
            'old-banner',
            { definition: { ...booleanFlag, state: 'DISABLED' } },
            null,
          )
        ).status,
      ).toBe(200);

      staging = await newKey('staging');

      const match = await evaluate(staging.secret, 'new-checkout', {
        context: { targetingKey: 'u1', tenant: 'acme' },
      });
      expect(match.status).toBe(200);
      expect(match.body).toEqual({
        key: 'new-checkout',
        reason: 'TARGETING_MATCH',
        variant: 'on',
        value: true,
        metadata: { flagSetId: 'component:default/checkout#staging' },
      });
      const fixed = await evaluate(staging.secret, 'theme');
      expect(fixed.body).toMatchObject({
        key: 'theme',
        reason: 'STATIC',
        variant: 'dark',
        value: 'dark',
      });
      const disabled = await evaluate(staging.secret, 'old-banner');
      expect(disabled.status).toBe(200);
      expect(disabled.body).toEqual({
        key: 'old-banner',
        reason: 'DISABLED',
        metadata: expect.any(Object),
      });

      const missing = await evaluate(staging.secret, 'nope');
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({
        key: 'nope',
        errorCode: 'FLAG_NOT_FOUND',
      });
      const noTargetingKey = await evaluate(staging.secret, 'new-checkout', {
        context: { tenant: 'initech' },
      });
      // as flagd: a split without a targetingKey picks no bucket and serves the default
      expect(noTargetingKey.status).toBe(200);
      expect(noTargetingKey.body).toMatchObject({
        key: 'new-checkout',
        reason: 'DEFAULT',
        variant: 'off',
        value: false,
      });
      const badContext = await evaluate(staging.secret, 'theme', {
        context: 'x',
      });
      expect(badContext.status).toBe(400);
      expect(badContext.body).toMatchObject({
        key: 'theme',
        errorCode: 'INVALID_CONTEXT',
      });
      const badJson = await request(server)
        .post(`${ofrep}/theme`)
        .set('X-API-Key', staging.secret)
        .set('Content-Type', 'application/json')
        .send('{"context":');
      expect(badJson.status).toBe(400);
      expect(badJson.body).toMatchObject({
        key: 'theme',
        errorCode: 'INVALID_CONTEXT',
      });

      expect(
        (await request(server).post(`${ofrep}/theme`).send({})).status,
      ).toBe(401);
      expect((await evaluate('gfk_wrong', 'theme')).status).toBe(401);
    });

    it('answers bulk requests with ETag/304 and a stream to refetch from', async () => {
      const body = { context: { targetingKey: 'u2', tenant: 'initech' } };
      const first = await request(server)
        .post(ofrep)
        .set('Authorization', `Bearer ${staging.secret}`)
        .send(body);
      expect(first.status).toBe(200);
      expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
      expect(first.body.flags.map((f: any) => f.key)).toEqual([
        'new-checkout',
        'old-banner',
        'theme',
      ]);
      expect(first.body.flags[1]).toEqual({
        key: 'old-banner',
        reason: 'DISABLED',
        metadata: expect.any(Object),
      });
      expect(first.body.eventStreams).toEqual([
        {
          type: 'sse',
          url: expect.stringMatching(
            /\/api\/gantry\/ofrep\/v1\/events\/[\w-]+\.[\w-]+$/,
          ),
          inactivityDelaySec: 120,
        },
      ]);
      const again = await request(server)
        .post(ofrep)
        .set('Authorization', `Bearer ${staging.secret}`)
        .set('If-None-Match', first.headers.etag)
        .send(body);
      expect(again.status).toBe(304);
      const otherContext = await request(server)
        .post(ofrep)
        .set('Authorization', `Bearer ${staging.secret}`)
        .set('If-None-Match', first.headers.etag)
        .send({ context: { targetingKey: 'u3' } });
      expect(otherContext.status).toBe(200);
      expect(otherContext.headers.etag).not.toBe(first.headers.etag);
    });

    it('serves the flag set to flagd as a sync source, and only to its own key', async () => {
      const url =
        '/api/gantry/flagd/v1/entities/default/component/checkout/staging/flags.json';
      const res = await request(server)
        .get(url)
        .set('Authorization', `Bearer ${staging.secret}`);
      expect(res.status).toBe(200);
      expect(res.body.$evaluators).toEqual({
        beta: { in: [{ var: 'tenant' }, ['acme']] },
      });
      const core = new FlagdCore();
      core.setConfigurations(res.text);
      expect(core.resolveStringEvaluation('theme', 'x', {}).value).toBe('dark');
      const cached = await request(server)
        .get(url)
        .set('Authorization', `Bearer ${staging.secret}`)
        .set('If-None-Match', res.headers.etag);
      expect(cached.status).toBe(304);
      const prodUrl = url.replace('/staging/', '/production/');
      expect(
        (
          await request(server)
            .get(prodUrl)
            .set('Authorization', `Bearer ${staging.secret}`)
        ).status,
      ).toBe(403);
    });

    it('propagates a kill switch to an SSE client and its refetch within 2 s (50 flips)', async () => {
      const body = { context: { targetingKey: 'u-kill', tenant: 'acme' } };
      const bulk = await request(server)
        .post(ofrep)
        .set('X-API-Key', staging.secret)
        .send(body);
      const sse = await openSse(bulk.body.eventStreams[0].url);
      const toEvent: number[] = [];
      const toValue: number[] = [];
      try {
        const current = (
          await request(server)
            .get(`${base}/flags/staging/new-checkout`)
            .set('Authorization', as('alice'))
        ).body.version;
        // on for everyone, so a restore visibly brings back `true`
        let version = (
          await put(
            'staging',
            'new-checkout',
            { definition: { ...booleanFlag, defaultVariant: 'on' } },
            current,
          )
        ).body.flag.version;
        let etag = (
          await request(server)
            .post(ofrep)
            .set('X-API-Key', staging.secret)
            .send(body)
        ).headers.etag;
        for (let i = 0; i < 50; i++) {
          const kill = i % 2 === 0;
          const t0 = performance.now();
          const change = kill
            ? request(server)
                .post(`${base}/flags/staging/new-checkout/kill`)
                .set('Authorization', as('alice'))
                .send({ reason: 'drill' })
            : request(server)
                .post(`${base}/flags/staging/new-checkout/restore`)
                .set('Authorization', as('alice'))
                .send({ baseVersion: version, reason: 'drill over' });
          const [res, event] = await Promise.all([change, sse.next(t0)]);
          expect(res.status).toBe(200);
          version = res.body.flag.version;
          toEvent.push(event.at - t0);
          const refetch = await request(server)
            .post(ofrep)
            .set('X-API-Key', staging.secret)
            .set('If-None-Match', etag)
            .send(body);
          expect(refetch.status).toBe(200);
          etag = refetch.headers.etag;
          expect(refetch.body.flags[0]).toMatchObject({
            key: 'new-checkout',
            value: !kill,
          });
          toValue.push(performance.now() - t0);
        }
      } finally {
        sse.close();
      }
      const p = (v: number[], q: number) => percentile(v, q).toFixed(1);
      // eslint-disable-next-line no-console
      console.log(
        `[${databaseId}] kill switch -> SSE event: p50 ${p(
          toEvent,
          50,
        )} ms, p99 ${p(toEvent, 99)} ms; -> client sees value: p50 ${p(
          toValue,
          50,
        )} ms, p99 ${p(toValue, 99)} ms (50 flips)`,
      );
      expect(percentile(toValue, 99)).toBeLessThan(2000);
    });

    it('keeps production changes for another owner, answers stale edits with 412 and checks permissions', async () => {
      const requested = await put(
        'production',
        'new-checkout',
        { definition: booleanFlag },
        null,
      );
      expect(requested.status).toBe(202);
      expect(requested.body.change).toMatchObject({
        status: 'pending',
        requestedBy: 'user:default/alice',
      });
      const id = requested.body.change.id;
      const awaiting = await request(server)
        .get('/api/gantry/flag-changes/awaiting')
        .set('Authorization', as('bob'));
      expect(awaiting.body.items.map((c: any) => c.id)).toContain(id);
      const own = await request(server)
        .post(`${base}/flag-changes/${id}/decision`)
        .set('Authorization', as('alice'))
        .send({ decision: 'approve' });
      expect(own.status).toBe(403);
      const outsider = await request(server)
        .post(`${base}/flag-changes/${id}/decision`)
        .set('Authorization', as('carol'))
        .send({ decision: 'approve' });
      expect(outsider.status).toBe(403);
      const ok = await request(server)
        .post(`${base}/flag-changes/${id}/decision`)
        .set('Authorization', as('bob'))
        .send({ decision: 'approve' });
      expect(ok.status).toBe(200);
      expect(ok.body.status).toBe('applied');

      const edit = await put(
        'production',
        'new-checkout',
        { definition: { ...booleanFlag, defaultVariant: 'on' } },
        1,
        'bob',
      );
      expect(edit.status).toBe(202);
      await request(server)
        .post(`${base}/flag-changes/${edit.body.change.id}/decision`)
        .set('Authorization', as('alice'))
        .send({ decision: 'approve' });
      const stale = await put(
        'production',
        'new-checkout',
        { definition: booleanFlag },
        1,
      );
      expect(stale.status).toBe(412);
      expect(stale.body.error.name).toBe('PreconditionFailedError');
      expect(stale.body.current).toMatchObject({
        version: 2,
        definition: { defaultVariant: 'on' },
      });

      const denied = await put(
        'staging',
        'x',
        { definition: booleanFlag },
        null,
        'mallory',
      );
      expect(denied.status).toBe(403);
      const invalid = await put(
        'staging',
        'x',
        { definition: { ...booleanFlag, variants: { on: true, off: 0 } } },
        null,
      );
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.message).toMatch(
        /variants mix types: boolean \(on\) and number \(off\)/,
      );
      const badEnv = await put('qa', 'x', { definition: booleanFlag }, null);
      expect(badEnv.status).toBe(400);
      expect(badEnv.body.error.message).toBe(
        "Unknown environment 'qa'. Configured environments: staging, production.",
      );

      const changes = await request(server)
        .get(`${base}/flag-changes`)
        .set('Authorization', as('carol'));
      expect(
        changes.body.items.filter((c: any) => c.operation === 'kill'),
      ).toHaveLength(25);
    });

    it('rotates and revokes client keys; a key reads only its own flag set', async () => {
      const prod = await newKey('production');
      const prodBulk = await request(server)
        .post(ofrep)
        .set('X-API-Key', prod.secret)
        .send({});
      expect(prodBulk.body.flags.map((f: any) => f.key)).toEqual([
        'new-checkout',
      ]);
      const rotated = await request(server)
        .post(`${base}/flag-keys/${prod.id}/rotate`)
        .set('Authorization', as('alice'));
      expect(rotated.status).toBe(200);
      expect((await evaluate(prod.secret, 'new-checkout')).status).toBe(401);
      expect((await evaluate(rotated.body.secret, 'new-checkout')).status).toBe(
        200,
      );
      const revoked = await request(server)
        .delete(`${base}/flag-keys/${prod.id}`)
        .set('Authorization', as('alice'));
      expect(revoked.status).toBe(204);
      expect((await evaluate(rotated.body.secret, 'new-checkout')).status).toBe(
        403,
      );
      const list = await request(server)
        .get(`${base}/flag-keys`)
        .set('Authorization', as('carol'));
      expect(list.body.items.find((k: any) => k.id === prod.id)).toMatchObject({
        revokedAt: expect.any(String),
      });
      expect(JSON.stringify(list.body)).not.toContain(rotated.body.secret);
      expect(
        (
          await request(server)
            .post(`${base}/flag-keys`)
            .set('Authorization', as('mallory'))
            .send({ environment: 'staging', name: 'x' })
        ).status,
      ).toBe(403);
    });

    it('reports evaluation counts per environment and checks the window', async () => {
      const usage = await request(server)
        .get(`${base}/flags/usage?environment=staging&hours=6`)
        .set('Authorization', as('carol'));
      expect(usage.status).toBe(200);
      expect(usage.body).toMatchObject({
        environment: 'staging',
        bucketMinutes: 5,
        rows: expect.any(Array),
      });
      const tooLong = await request(server)
        .get(`${base}/flags/usage?environment=staging&hours=9999`)
        .set('Authorization', as('carol'));
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.message).toBe(
        'Invalid query parameters. hours: at most 720 hours (30 days).',
      );
    });

    it('lists expired flags in the cleanup report', async () => {
      await put(
        'staging',
        'legacy',
        { definition: booleanFlag, expiresAt: '2020-01-01T00:00:00Z' },
        null,
      );
      const report = await request(server)
        .get(`${base}/flags/cleanup-report`)
        .set('Authorization', as('carol'));
      expect(report.status).toBe(200);
      expect(report.body.items).toContainEqual(
        expect.objectContaining({
          environment: 'staging',
          key: 'legacy',
          reasons: [expect.stringMatching(/^expired \d+ day\(s\) ago/)],
        }),
      );
    });

    it('refuses a linked SLO the entity does not declare, before storing anything', async () => {
      const res = await put(
        'staging',
        'ramped',
        { definition: { ...booleanFlag, metadata: { linkedSlo: 'latency' } } },
        null,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        "metadata.linkedSlo 'latency' is not an SLO of component:default/checkout: it declares none (add the gantry.dev/slo-spec or gantry.dev/slos annotation). Name one of those, or leave linkedSlo out if the ramp should not stop on an SLO.",
      );
      expect(
        (
          await request(server)
            .get(`${base}/flags/staging/ramped`)
            .set('Authorization', as('alice'))
        ).status,
      ).toBe(404);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'flags across replicas on %s',
  databaseId => {
    it('tells SSE clients of another replica within its poll interval (20 flips)', async () => {
      const knex = await databases.init(databaseId);
      const writer = await start(knex, { pollIntervalMs: 250 });
      const reader = await start(knex, { pollIntervalMs: 250 });
      const put = (baseVersion: number | null, defaultVariant: string) =>
        request(writer)
          .put(`${base}/flags/staging/replicated`)
          .set('Authorization', as('alice'))
          .send({
            flag: {
              type: 'release',
              definition: { ...booleanFlag, defaultVariant },
            },
            baseVersion,
            reason: 'drill',
          });
      let version = (await put(null, 'on')).body.flag.version;
      const key = await request(writer)
        .post(`${base}/flag-keys`)
        .set('Authorization', as('alice'))
        .send({ environment: 'staging', name: 'edge' });
      const bulk = await request(reader)
        .post(ofrep)
        .set('X-API-Key', key.body.secret)
        .send({});
      expect(bulk.body.flags).toEqual([
        expect.objectContaining({ key: 'replicated', value: true }),
      ]);
      // The SSE URL is the reader's: a client connected to another replica than the writer.
      const port = (reader.address() as { port: number }).port;
      const sse = await openSse(
        bulk.body.eventStreams[0].url.replace(
          /:\/\/[^/]+/,
          `://127.0.0.1:${port}`,
        ),
      );
      const seen: number[] = [];
      try {
        for (let i = 0; i < 20; i++) {
          const value = i % 2 === 1;
          const t0 = performance.now();
          const event = sse.next(t0);
          const res = await put(version, value ? 'on' : 'off');
          expect(res.status).toBe(200);
          await event;
          version = res.body.flag.version;
          const refetch = await request(reader)
            .post(ofrep)
            .set('X-API-Key', key.body.secret)
            .send({});
          expect(refetch.body.flags[0].value).toBe(value);
          seen.push(performance.now() - t0);
        }
      } finally {
        sse.close();
      }
      // eslint-disable-next-line no-console
      console.log(
        `[${databaseId}] change on replica A -> client of replica B sees it (poll 250 ms): p50 ${percentile(
          seen,
          50,
        ).toFixed(0)} ms, p99 ${percentile(seen, 99).toFixed(0)} ms (20 flips)`,
      );
      expect(percentile(seen, 99)).toBeLessThan(2000);
    });
  },
);

describe('OFREP rate limit', () => {
  it('answers 429 with Retry-After once a key exceeds its rate', async () => {
    const server = await start(await databases.init('SQLITE_3'), {
      rateLimitPerSecond: 5,
    });
    const key = await request(server)
      .post(`${base}/flag-keys`)
      .set('Authorization', as('alice'))
      .send({ environment: 'staging', name: 'noisy' });
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () =>
        request(server).post(ofrep).set('X-API-Key', key.body.secret).send({}),
      ),
    );
    const limited = statuses.filter(r => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].headers['retry-after']).toBe('1');
  });
});
