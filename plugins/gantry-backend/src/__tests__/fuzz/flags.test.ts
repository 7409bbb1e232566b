import { mockCredentials } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import { FlagdCore } from '@openfeature/flagd-core';
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
const EDIT_FIELDS = [
  'key',
  'definition',
  'type',
  'owner',
  'expiresAt',
  'description',
  'safeVariant',
  'prerequisites',
  'rule',
  'reason',
  'baseVersion',
];

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

  it('accepts no targeting that would answer "Variant not found" at run time (random if-trees and splits, evaluated by flagd-core)', () => {
    const quiet = { error() {}, warn() {}, info() {}, debug() {} };
    const tiers = ['gold', 'silver', 'bronze'];
    const result = fc.constantFrom<unknown>('on', 'off', 'gold', null, true);
    const condition = fc.constantFrom(
      ...tiers.map(t => ({ '==': [{ var: 'tier' }, t] })),
    );
    const targeting = fc.letrec<{ rule: unknown }>(tie => ({
      rule: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        result,
        fc
          .tuple(condition, tie('rule'), tie('rule'))
          .map(([c, a, b]) => ({ if: [c, a, b] })),
        fc
          .tuple(fc.constantFrom('on', 'off', 'gold'), fc.nat(3))
          .map(([v, w]) => ({
            fractional: [
              [v, w],
              ['off', 1],
            ],
          })),
      ),
    })).rule;
    let accepted = 0;
    fc.assert(
      fc.property(targeting, rule => {
        if (!rule || typeof rule !== 'object') return;
        const doc = {
          flags: {
            f: {
              state: 'ENABLED' as const,
              variants: { on: true, off: false },
              defaultVariant: 'off',
              targeting: rule as Record<string, unknown>,
            },
          },
        };
        if (validateFlagSet(doc).length) return;
        accepted += 1;
        const core = new FlagdCore(undefined, quiet);
        core.setConfigurations(JSON.stringify(doc));
        for (const tier of tiers) {
          for (const targetingKey of ['u1', 'u2', 'u3']) {
            const r = core.getFlag('f')!.evaluate({ tier, targetingKey });
            expect(r.errorMessage ?? '').not.toMatch(/not found/);
          }
        }
      }),
      { numRuns: 2_000 },
    );
    expect(accepted).toBeGreaterThan(0);
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
            // A refused edit's problems each name a field of the dialog and say what is wrong.
            const problems: Array<Record<string, unknown>> =
              res.status === 400 && Array.isArray(res.body.problems)
                ? res.body.problems
                : [];
            const unclear = problems.filter(
              p =>
                !EDIT_FIELDS.includes(p.field as string) ||
                typeof p.path !== 'string' ||
                typeof p.message !== 'string' ||
                !p.message.trim(),
            );
            expect(unclear).toEqual([]);
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
