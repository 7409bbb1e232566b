import { mockCredentials } from '@backstage/backend-test-utils';
import type { EvaluationContext } from '@openfeature/core';
import { FlagdCore } from '@openfeature/flagd-core';
import fc from 'fast-check';
import type { Server } from 'node:http';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { checkoutSet } from '../../flags/__fixtures__/flagSets';
import type { CompiledFlagSet } from '../../flags/FlagSetRegistry';
import { evaluateAll, evaluateFlag } from '@gantry/flags-edge';
import { bodyTextOf, jsonInputOf } from './__testUtils__/arbitraries';
import { startFuzzBackend, verdictOf } from './__testUtils__/fuzzBackend';

jest.setTimeout(180_000);
const databases = createTestDatabases();
const EVALUATION_RUNS = 10_000;
const HTTP_RUNS = 1_000;

const seedContexts = [
  { targetingKey: 'u-1', tenant: 'acme', appVersion: '2.1.0' },
  { targetingKey: 'u-2', tenant: 'initech', appVersion: '1.9.9' },
];

/** Evaluation contexts as the OFREP router lets them through: objects with a string targetingKey, if any. */
const contexts: fc.Arbitrary<EvaluationContext> = jsonInputOf(seedContexts)
  .filter(
    (c): c is Record<string, unknown> =>
      !!c && typeof c === 'object' && !Array.isArray(c),
  )
  .map(c =>
    typeof c.targetingKey === 'string' || c.targetingKey === undefined
      ? (c as EvaluationContext)
      : { ...c, targetingKey: String(JSON.stringify(c.targetingKey)) },
  );

describe('OFREP evaluation contexts', () => {
  it(`evaluating ${EVALUATION_RUNS} fuzzed contexts never throws and answers each flag with a value or an OFREP error code`, () => {
    const core = new FlagdCore();
    core.setConfigurations(JSON.stringify(checkoutSet));
    const set: CompiledFlagSet = {
      entityRef: 'component:default/checkout',
      environment: 'staging',
      doc: checkoutSet,
      etag: '"fuzz"',
      core,
    };
    fc.assert(
      fc.property(
        contexts,
        fc.constantFrom('new-checkout', 'checkout-theme', 'missing'),
        (context, key) => {
          const answers = [
            evaluateFlag(set, key, context).body,
            ...evaluateAll(set, context),
          ];
          // Each answer is an OFREP success (a reason) or failure (an error code).
          const neither = answers.filter(
            r => !('reason' in r) && !/^[A-Z_]+$/.test(String(r.errorCode)),
          );
          expect(neither).toEqual([]);
        },
      ),
      { numRuns: EVALUATION_RUNS },
    );
  });

  // The router's own parsing (body -> context) and the evaluation above, end to end.
  describe('over HTTP', () => {
    let server: Server;
    let secret: string;
    const base = '/api/gantry/entities/default/component/checkout';
    const verdicts = new Set<string>();

    beforeAll(async () => {
      ({ server } = await startFuzzBackend(databases, {
        gantry: { flags: { rateLimitPerSecond: 100_000 } },
      }));
      const service = mockCredentials.service.header();
      await request(server)
        .put(`${base}/flag-segments/staging/beta-tenants`)
        .set('Authorization', service)
        .send({
          segment: { rule: checkoutSet.$evaluators!['beta-tenants'] },
          baseVersion: null,
          reason: 'fuzz seed',
        })
        .expect(200);
      for (const [key, definition] of Object.entries(checkoutSet.flags)) {
        await request(server)
          .put(`${base}/flags/staging/${key}`)
          .set('Authorization', service)
          .send({
            flag: { type: 'release', definition },
            baseVersion: null,
            reason: 'fuzz seed',
          })
          .expect(200);
      }
      const key = await request(server)
        .post(`${base}/flag-keys`)
        .set('Authorization', service)
        .send({ environment: 'staging', name: 'fuzz-app' })
        .expect(201);
      secret = key.body.secret;
    });

    it(`answers ${HTTP_RUNS} fuzzed evaluation requests with 200 or a 4xx OFREP error with details, never 5xx`, async () => {
      const bodies = bodyTextOf(seedContexts.map(context => ({ context })));
      const path = fc.constantFrom(
        '/api/gantry/ofrep/v1/evaluate/flags',
        '/api/gantry/ofrep/v1/evaluate/flags/new-checkout',
        '/api/gantry/ofrep/v1/evaluate/flags/checkout-theme',
        '/api/gantry/ofrep/v1/evaluate/flags/missing',
      );
      await fc.assert(
        fc.asyncProperty(path, bodies, async (p, text) => {
          const res = await request(server)
            .post(p)
            .set('Authorization', `Bearer ${secret}`)
            .set('Content-Type', 'application/json')
            .send(text);
          const verdict = verdictOf(res);
          verdicts.add(verdict);
          expect(['accepted', 'rejected']).toContain(verdict);
        }),
        { numRuns: HTTP_RUNS },
      );
      // Valid contexts were evaluated, not only rejected.
      expect(verdicts.has('accepted')).toBe(true);
    });
  });
});
