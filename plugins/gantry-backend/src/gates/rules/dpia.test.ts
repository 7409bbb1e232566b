import type { Entity } from '@backstage/catalog-model';
import type { ReleaseRecord } from '@gantry/plugin-gantry-common';
import { parseEvidence } from '../../evidence/parsers';
import { personalDataOf } from '../../privacy/personalDataDeclaration';
import { dpiaRule } from './dpia';

const NOW = new Date('2026-12-03T12:00:00Z');
const REF = 'component:default/checkout';

const declared = `
categories: [contact, payment]
purposes: [order fulfilment]
lawfulBasis: contract
retention: 2y
encryptionInTransit: true
encryptionAtRest: true
`;
const entity = (annotation?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations:
      annotation === undefined
        ? {}
        : { 'gantry.dev/personal-data': annotation },
  },
  spec: { type: 'service', owner: 'team-a' },
});

async function releaseWith(dpia?: object): Promise<ReleaseRecord> {
  const doc = {
    assessedAt: '2026-10-14T09:00:00Z',
    assessor: 'Privacy office',
    outcome: 'approved',
    ...dpia,
  };
  return {
    entityRef: REF,
    version: '1.0.0',
    commit: 'a'.repeat(40),
    createdAt: '2026-11-01T00:00:00Z',
    evidence: dpia
      ? [
          {
            id: 'e1',
            entityRef: REF,
            version: '1.0.0',
            format: 'dpia',
            sha256: '0'.repeat(64),
            sizeBytes: 1,
            uploadedBy: 'service:ci',
            uploadedAt: '2026-11-01T00:00:00Z',
            summary: await parseEvidence(
              'dpia',
              Buffer.from(JSON.stringify(doc)),
            ),
          },
        ]
      : [],
  };
}

const rule = (e: Entity, releases: ReleaseRecord[]) =>
  dpiaRule(
    { entity: e, entityRef: REF, now: NOW },
    {
      config: { maxAgeDays: 180 },
      personalData: { declarationOf: personalDataOf },
      releases: { listReleases: async () => releases },
    },
  );

describe('the dpia gate rule', () => {
  it('passes with a recent DPIA, retention and both encryptions declared', async () => {
    const r = await rule(entity(declared), [await releaseWith({})]);
    expect(r.status).toBe('pass');
    expect(r.reason).toContain('DPIA of 2026-10-14 by Privacy office');
  });

  it('is not applicable when the service declares no personal data', async () => {
    for (const e of [entity(), entity('none')])
      expect((await rule(e, [])).status).toBe('not-applicable');
  });

  it('fails without a DPIA', async () => {
    const r = await rule(entity(declared), [await releaseWith()]);
    expect(r).toMatchObject({ rule: 'dpia', status: 'fail' });
    expect(r.reason).toContain('no DPIA is recorded');
  });

  it('fails when the newest DPIA is older than maxAgeDays, rejected, or past its review date', async () => {
    const old = await rule(entity(declared), [
      await releaseWith({ assessedAt: '2026-01-10T00:00:00Z' }),
    ]);
    expect(old.status).toBe('fail');
    expect(old.reason).toContain('327 days old; the limit is 180 days');
    const rejected = await rule(entity(declared), [
      await releaseWith({ outcome: 'rejected' }),
    ]);
    expect(rejected.reason).toContain('rejected the processing');
    const overdue = await rule(entity(declared), [
      await releaseWith({ reviewDue: '2026-11-30T00:00:00Z' }),
    ]);
    expect(overdue.reason).toContain('due for review on 2026-11-30');
  });

  it('fails when retention is missing', async () => {
    const r = await rule(entity(declared.replace('retention: 2y\n', '')), [
      await releaseWith({}),
    ]);
    expect(r.status).toBe('fail');
    expect(r.reason).toContain('no retention period is declared');
  });

  it('fails when encryption in transit or at rest is missing or false', async () => {
    const noTransit = await rule(
      entity(declared.replace('encryptionInTransit: true\n', '')),
      [await releaseWith({})],
    );
    expect(noTransit.status).toBe('fail');
    expect(noTransit.reason).toContain('encryption in transit is not declared');
    expect(noTransit.reason).not.toContain('at rest');
    const noRest = await rule(
      entity(
        declared.replace('encryptionAtRest: true', 'encryptionAtRest: false'),
      ),
      [await releaseWith({})],
    );
    expect(noRest.reason).toContain('encryption at rest is not declared');
  });

  it('fails on an invalid declaration with the reason', async () => {
    const r = await rule(entity(declared.replace('contract', 'because')), [
      await releaseWith({}),
    ]);
    expect(r.status).toBe('fail');
    expect(r.reason).toContain('lawfulBasis must be one of consent, contract');
  });
});
