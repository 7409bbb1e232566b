import { InputError } from '@backstage/errors';
import { mockCredentials } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import type { Server } from 'node:http';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { checkoutSet } from '../../flags/__fixtures__/flagSets';
import { ingestBody } from '../../flags/schemas';
import { parseBody } from '../../kernel/http/validate';
import { bodyTextOf, jsonInputOf } from './__testUtils__/arbitraries';
import { startFuzzBackend, verdictOf } from './__testUtils__/fuzzBackend';
import { unexpectedThrowSync } from './__testUtils__/thrown';

jest.setTimeout(180_000);
const databases = createTestDatabases();
const PARSER_RUNS = 10_000;
const HTTP_RUNS = 1_000;

const batch = {
  events: [
    {
      id: 'e-1',
      type: 'exposure',
      flagKey: 'new-checkout',
      variant: 'on',
      targetingKey: 'u-1',
      timestamp: '2026-11-26T10:00:00Z',
    },
    {
      id: 'e-2',
      type: 'conversion',
      event: 'checkout-completed',
      targetingKey: 'u-1',
    },
  ],
};

describe('flag experiment events', () => {
  it(`parse ${PARSER_RUNS} fuzzed event batches or reject them with an InputError`, () => {
    fc.assert(
      fc.property(jsonInputOf([batch]), body => {
        expect(
          unexpectedThrowSync(() => parseBody(ingestBody, body), InputError),
        ).toBeUndefined();
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  // Every batch goes through the parser above; fewer HTTP cases keep CI fast.
  describe('over HTTP', () => {
    let server: Server;
    let rows: (t: string[]) => Promise<Record<string, number>>;
    let secret: string;
    const TABLES = [
      'gantry_flag_experiment_units',
      'gantry_flag_experiment_events',
    ];

    beforeAll(async () => {
      ({ server, rows } = await startFuzzBackend(databases, {
        gantry: { flags: { rateLimitPerSecond: 100_000 } },
      }));
      const base = '/api/gantry/entities/default/component/checkout';
      const service = mockCredentials.service.header();
      await request(server)
        .put(`${base}/flags/staging/new-checkout`)
        .set('Authorization', service)
        .send({
          flag: {
            type: 'experiment',
            definition: { ...checkoutSet.flags['new-checkout'], targeting: {} },
          },
          baseVersion: null,
          reason: 'fuzz seed',
        })
        .expect(200);
      await request(server)
        .put(`${base}/flags/staging/new-checkout/experiment`)
        .set('Authorization', service)
        .send({
          conversionEvent: 'checkout-completed',
          controlVariant: 'off',
          minimumDetectableEffect: 0.02,
        })
        .expect(200);
      const key = await request(server)
        .post(`${base}/flag-keys`)
        .set('Authorization', service)
        .send({ environment: 'staging', name: 'fuzz-app' })
        .expect(201);
      secret = key.body.secret;
    });

    it(`answers ${HTTP_RUNS} fuzzed event batches with 2xx or a 4xx message, never 5xx, and stores nothing it rejects`, async () => {
      const verdicts = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(bodyTextOf([batch]), async text => {
          const before = await rows(TABLES);
          const res = await request(server)
            .post('/api/gantry/flags/events')
            .set('Authorization', `Bearer ${secret}`)
            .set('Content-Type', 'application/json')
            .send(text);
          const verdict = verdictOf(res);
          verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
          expect(['accepted', 'rejected']).toContain(verdict);
          // Rejected input leaves no rows behind.
          const after = verdict === 'accepted' ? before : await rows(TABLES);
          expect(after).toEqual(before);
        }),
        { numRuns: HTTP_RUNS },
      );
      // Valid batches were stored, not only rejected.
      expect(verdicts.get('accepted')).toBeGreaterThan(0);
    });
  });
});
