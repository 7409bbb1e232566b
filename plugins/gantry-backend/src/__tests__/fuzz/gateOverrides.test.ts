import { mockCredentials } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { bodyTextOf } from './__testUtils__/arbitraries';
import { startFuzzBackend, verdictOf } from './__testUtils__/fuzzBackend';

jest.setTimeout(120_000);
const databases = createTestDatabases();
const HTTP_RUNS = 300;
const ENTITY = '/api/gantry/entities/default/component/checkout';

const seeds = [
  { reason: 'p95 regression accepted for the sale weekend' },
  { reason: '          padded but long enough' },
];

describe('gate override bodies over HTTP', () => {
  let server: Server;
  let knex: Knex;
  let rows: (tables: string[]) => Promise<Record<string, number>>;

  beforeAll(async () => {
    ({ server, knex, rows } = await startFuzzBackend(databases));
    await request(server)
      .post(`${ENTITY}/releases/1.0.0/evidence/junit?commit=${'a'.repeat(40)}`)
      .set('Authorization', mockCredentials.service.header())
      .set('Content-Type', 'application/octet-stream')
      .send('<testsuite name="t" tests="1"><testcase name="ok"/></testsuite>')
      .expect(201);
  });

  it(`answers ${HTTP_RUNS} fuzzed bodies with 201, 409 or a 400 naming the field, never 5xx; a rejected body stores nothing`, async () => {
    const tables = ['gantry_gate_overrides', 'gantry_audit_log'];
    const verdicts = new Map<string, number>();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(bodyTextOf(seeds), async text => {
        const before = await rows(tables);
        // a fresh environment/release pair half of the time, so accepted bodies land
        const version = n++ % 2 ? '1.0.0' : '9.9.9';
        const res = await request(server)
          .put(
            `${ENTITY}/releases/${version}/gate-overrides/production/load-test`,
          )
          .set('Authorization', mockCredentials.user.header())
          .set('Content-Type', 'application/json')
          .send(text);
        const verdict = verdictOf(res);
        verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
        expect(['accepted', 'rejected']).toContain(verdict);
        const after = await rows(tables);
        // an accepted override adds its row and one audit record; a rejected one nothing
        const added = verdict === 'accepted' ? 1 : 0;
        expect(after).toEqual({
          gantry_gate_overrides: before.gantry_gate_overrides + added,
          gantry_audit_log: before.gantry_audit_log + added,
        });
        // one override per release and environment: make room for the next
        await knex('gantry_gate_overrides').delete();
      }),
      { numRuns: HTTP_RUNS },
    );
    expect(verdicts.get('accepted')).toBeGreaterThan(0);
    expect(verdicts.get('rejected')).toBeGreaterThan(0);
  });
});
