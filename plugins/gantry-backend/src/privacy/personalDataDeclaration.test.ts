import type { Entity } from '@backstage/catalog-model';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parsePersonalData, personalDataOf } from './personalDataDeclaration';

const valid = {
  categories: ['contact', 'payment'],
  dataSubjects: ['customers'],
  purposes: ['order fulfilment'],
  lawfulBasis: 'contract',
  retention: '2y',
  processors: [{ name: 'Stripe', region: 'US', subProcessors: ['AWS'] }],
  transfers: [{ region: 'US', safeguard: 'standard-contractual-clauses' }],
  encryptionInTransit: true,
  encryptionAtRest: true,
};
const reasonOf = (doc: object) => {
  const r = parsePersonalData(JSON.stringify(doc));
  return r.status === 'invalid' ? r.reason : r.status;
};

describe('the gantry.dev/personal-data annotation', () => {
  it('reads a YAML or JSON declaration', () => {
    for (const text of [stringify(valid), JSON.stringify(valid)])
      expect(parsePersonalData(text)).toEqual({
        status: 'declared',
        declaration: valid,
      });
  });

  it('treats an absent annotation or "none" as no personal data', () => {
    const entity = (a?: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'x',
        annotations: a === undefined ? {} : { 'gantry.dev/personal-data': a },
      },
    });
    expect(personalDataOf(entity()).status).toBe('none');
    expect(personalDataOf(entity('none')).status).toBe('none');
    expect(personalDataOf(entity(stringify(valid))).status).toBe('declared');
  });

  it.each([
    [
      { lawfulBasis: 'consented' },
      'lawfulBasis must be one of consent, contract, legal-obligation, vital-interests, public-task, legitimate-interests (GDPR Art. 6(1)(a)-(f))',
    ],
    [
      { categories: [] },
      'categories must name at least one of the personal data categories',
    ],
    [{ purposes: undefined }, 'purposes is required'],
    [
      { retention: 'forever' },
      'retention must be a duration such as 30d, 26w or 2y',
    ],
    [{ encryptionAtRest: 'yes' }, 'encryptionAtRest must be true or false'],
    [
      { transfers: [{ region: 'US' }] },
      'transfers[0].safeguard is required for US, outside the EEA: one of adequacy-decision, standard-contractual-clauses',
    ],
    [
      { transfers: [{ region: 'usa' }] },
      'transfers[0].region must be an ISO 3166-1 alpha-2 country code',
    ],
    [
      { processors: [{ name: 'x', where: 'US' }] },
      'processors[0] has unknown field(s) where',
    ],
    [
      { lawfulbasis: 'contract' },
      '(root) has unknown field(s) lawfulbasis; allowed: categories,',
    ],
  ])('refuses %j naming the field and what is allowed', (change, reason) => {
    expect(reasonOf({ ...valid, ...change })).toContain(
      `gantry.dev/personal-data: ${reason}`,
    );
  });

  it('needs no safeguard for a transfer inside the EEA', () => {
    expect(reasonOf({ ...valid, transfers: [{ region: 'DE' }] })).toBe(
      'declared',
    );
  });

  it('explains text that is not a mapping or not YAML', () => {
    expect(reasonOf(['a'])).toContain('must be a mapping with categories');
    const r = parsePersonalData('categories: [a\n');
    expect(r).toMatchObject({ status: 'invalid' });
    expect((r as { reason: string }).reason).toContain('is not valid YAML');
  });

  it('answers every input with a declaration or a reason, never an exception (fuzz)', () => {
    const mutated = fc
      .record(
        Object.fromEntries(
          Object.entries(valid).map(([k, v]) => [
            k,
            fc.oneof(fc.constant(v), fc.anything(), fc.constant(undefined)),
          ]),
        ),
      )
      .map(o => JSON.stringify(o));
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutated), text => {
        const r = parsePersonalData(text);
        const reason = r.status === 'invalid' ? r.reason : undefined;
        expect(
          r.status === 'declared' ||
            /^gantry\.dev\/personal-data/.test(reason ?? ''),
        ).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
