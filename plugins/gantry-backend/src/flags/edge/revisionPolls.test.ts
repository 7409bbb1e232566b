import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { booleanFlag } from '../__fixtures__/flagSets';
import { startFlagsServer } from '../__testUtils__/flagsBackend';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const entity = '/api/gantry/entities/default/component/checkout';
const alice = mockCredentials.user.header('user:default/alice');
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const POLL_MS = 200;

/** The poll of every set's revision: a select of the whole table, no where clause. */
const REVISIONS_READ =
  /^select [`"]entity_ref[`"], [`"]environment[`"], [`"]revision[`"] from [`"]gantry_flag_sets[`"]$/;

describe.each(databases.eachSupportedId())(
  'polling for other replicas’ flag changes on %s',
  databaseId => {
    it('reads the revisions table once per interval for the OFREP route and the edge feed together, and both still follow another replica', async () => {
      const knex = await databases.init(databaseId);
      const flags = { pollIntervalMs: POLL_MS };
      const a = await startFlagsServer({ knex, flags });
      const b = await startFlagsServer({ knex, flags });
      const put = (value: 'on' | 'off', baseVersion: number | null) =>
        request(b)
          .put(`${entity}/flags/staging/payments`)
          .set('Authorization', alice)
          .send({
            flag: {
              type: 'release',
              definition: { ...booleanFlag, defaultVariant: value },
            },
            baseVersion,
            reason: 'test',
          });
      const first = await put('on', null);
      expect(first.status).toBe(200);
      const secret = (
        await request(b)
          .post(`${entity}/flag-keys`)
          .set('Authorization', alice)
          .send({ environment: 'staging', name: 'polls' })
      ).body.secret as string;
      const evaluate = () =>
        request(a)
          .post('/api/gantry/ofrep/v1/evaluate/flags/payments')
          .set('Authorization', `Bearer ${secret}`)
          .send({ context: { targetingKey: 'user-1' } });
      const until = async (value: boolean) => {
        const deadline = Date.now() + 10_000;
        for (;;) {
          const r = await evaluate();
          if (r.status === 200 && r.body.value === value) return;
          if (Date.now() > deadline)
            throw new Error(
              `replica a still answers ${r.status} ${JSON.stringify(r.body)}`,
            );
          await sleep(50);
        }
      };
      await until(true);

      let reads = 0;
      const count = (q: { sql: string }) => {
        if (REVISIONS_READ.test(q.sql)) reads += 1;
      };
      knex.on('query', count);
      const windowMs = 4000;
      await sleep(windowMs);
      knex.off('query', count);
      const perReplicaPerMinute = (reads / 2) * (60_000 / windowMs);
      // eslint-disable-next-line no-console
      console.log(
        `[${databaseId}] revisions reads: ${reads} in ${windowMs} ms for 2 replicas polling every ${POLL_MS} ms = ${perReplicaPerMinute} per replica per minute (one poller: ${
          60_000 / POLL_MS
        })`,
      );
      // one poller per replica; two (the registry and the feed each reading) would double it
      expect(reads).toBeLessThanOrEqual(2 * Math.ceil(windowMs / POLL_MS) + 2);
      expect(reads).toBeGreaterThan(windowMs / POLL_MS / 2);

      // A change committed on replica b reaches replica a's OFREP route through the shared poll.
      const second = await put('off', first.body.flag.version);
      expect(second.status).toBe(200);
      await until(false);
    });
  },
);
