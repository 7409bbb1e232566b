import { mockCredentials } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import type { Server } from 'node:http';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { checkoutSet } from '../../flags/__fixtures__/flagSets';
import type { FlagSetDocument } from '../../flags/flagSet';
import { validateFlagSet } from '../../flags/validateFlagSet';
import { bodyTextOf, mutationOf } from './__testUtils__/arbitraries';
import { startFuzzBackend, verdictOf } from './__testUtils__/fuzzBackend';

jest.setTimeout(180_000);
const databases = createTestDatabases();
const PARSER_RUNS = 10_000;
const HTTP_RUNS = 1_000;

describe('flag definitions', () => {
  it(`validating ${PARSER_RUNS} fuzzed flag sets never throws and names a path and a fix for each problem`, () => {
    fc.assert(
      fc.property(mutationOf(checkoutSet), doc => {
        // The route only builds sets from objects it parsed, but the validator must not
        // depend on that: whatever it is given, it answers with problems.
        const problems = validateFlagSet(
          (doc && typeof doc === 'object'
            ? doc
            : { flags: doc }) as FlagSetDocument,
        );
        const unclear = problems.filter(
          p => typeof p.path !== 'string' || !p.message?.trim(),
        );
        expect(unclear).toEqual([]);
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  // Each PUT runs the validator above on the whole set; fewer HTTP cases keep CI fast.
  describe('over HTTP (PUT a flag)', () => {
    let server: Server;
    let rows: (t: string[]) => Promise<Record<string, number>>;
    const TABLES = [
      'gantry_flags',
      'gantry_flag_sets',
      'gantry_flag_changes',
      'gantry_audit_log',
    ];
    const base = '/api/gantry/entities/default/component/checkout';

    beforeAll(async () => {
      ({ server, rows } = await startFuzzBackend(databases));
      await request(server)
        .put(`${base}/flag-segments/staging/beta-tenants`)
        .set('Authorization', mockCredentials.service.header())
        .send({
          segment: { rule: checkoutSet.$evaluators!['beta-tenants'] },
          baseVersion: null,
          reason: 'fuzz seed',
        })
        .expect(200);
    });

    it(`answers ${HTTP_RUNS} fuzzed flag writes with 2xx or a 4xx message, never 5xx, and stores nothing it rejects`, async () => {
      const seeds = Object.values(checkoutSet.flags).map(definition => ({
        flag: {
          type: 'release',
          definition,
          description: 'fuzzed',
          expiresAt: '2027-01-31T00:00:00Z',
        },
        baseVersion: null,
        reason: 'fuzzing the flag API',
      }));
      // Prerequisites too: each accepted one is compiled into every later served set.
      seeds.push({
        ...seeds[0],
        flag: {
          ...seeds[0].flag,
          prerequisites: [{ flag: 'theme', variants: ['dark'] }],
        } as (typeof seeds)[0]['flag'],
      });
      const key = fc.oneof(
        { weight: 9, arbitrary: fc.constantFrom('new-checkout', 'theme') },
        {
          weight: 1,
          arbitrary: fc
            .string({ minLength: 1, maxLength: 20 })
            .filter(k => k !== '.' && k !== '..'),
        },
      );
      const environment = fc.constantFrom('staging', 'development', 'moon');
      const verdicts = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(
          environment,
          key,
          bodyTextOf(seeds),
          async (env, k, text) => {
            const before = await rows(TABLES);
            const res = await request(server)
              .put(`${base}/flags/${env}/${encodeURIComponent(k)}`)
              .set('Authorization', mockCredentials.service.header())
              .set('Content-Type', 'application/json')
              .send(text);
            const verdict = verdictOf(res);
            verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
            expect(['accepted', 'rejected']).toContain(verdict);
            // Rejected input leaves no rows behind.
            const after = verdict === 'accepted' ? before : await rows(TABLES);
            expect(after).toEqual(before);
          },
        ),
        { numRuns: HTTP_RUNS },
      );
      // Valid input was stored, not only rejected.
      expect(verdicts.get('accepted')).toBeGreaterThan(0);
    });
  });
});
