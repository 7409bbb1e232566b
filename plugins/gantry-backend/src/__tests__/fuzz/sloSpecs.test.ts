import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { parseSloSpec } from '../../slo/parseSloSpec';
import { SloSpecError } from '../../slo/SloSpecError';
import { mutationOf, textMutationOf } from './__testUtils__/arbitraries';
import { unexpectedThrowSync } from './__testUtils__/thrown';

const RUNS = 10_000;
const text = (name: string) =>
  fs.readFileSync(
    path.join(__dirname, '..', '..', 'slo', '__fixtures__', name),
    'utf8',
  );
const SEEDS = ['sloth-checkout.yaml', 'openslo-checkout.yaml'].map(text);

/** Specs as YAML text: structural mutations of the parsed seeds, damaged text, and noise. */
const specs: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.oneof(
      ...SEEDS.map(seed => {
        const docs = parseAllDocuments(seed);
        const values = (Array.isArray(docs) ? docs : [docs]).map(d => d.toJS());
        return fc
          .tuple(...values.map(v => fc.oneof(mutationOf(v), fc.constant(v))))
          .map(vs => vs.map(v => stringify(v ?? null)).join('---\n'));
      }),
    ),
  },
  { weight: 3, arbitrary: fc.oneof(...SEEDS.map(textMutationOf)) },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.constantFrom(...SEEDS) },
);

// SLO specs reach Gantry through the catalog's URL reader, not a request body, so the
// parser is the whole input surface (the SLO routes only take entity refs and queries).
describe('SLO spec parser', () => {
  it(`turns ${RUNS} fuzzed Sloth and OpenSLO specs into SLOs or an SloSpecError with a message`, () => {
    fc.assert(
      fc.property(specs, spec => {
        expect(
          unexpectedThrowSync(
            () => parseSloSpec(spec, 'slos.yaml'),
            SloSpecError,
          ),
        ).toBeUndefined();
      }),
      {
        numRuns: RUNS,
        // Found by this test: an alias without anchor and a map where a string belongs crashed it.
        examples: [
          ['*-'],
          [
            'apiVersion: openslo/v1\nkind:\n  toString: []\nmetadata:\n  name: x\n',
          ],
        ],
      },
    );
  });
});
