import type { ReleaseRecord } from '@gantry/plugin-gantry-common';
import fs from 'node:fs';
import path from 'node:path';
import { parseEvidence } from '../../evidence/parsers';
import { drDrillRule } from './drDrill';

const NOW = new Date('2026-12-03T12:00:00Z');
const fixture = () =>
  JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '../../evidence/parsers/__fixtures__/dr-drill.json'),
      'utf8',
    ),
  );

/** A release carrying one DR drill record, parsed as an upload would be. */
async function releaseWith(
  version: string,
  drill: object,
): Promise<ReleaseRecord> {
  return {
    entityRef: 'component:default/checkout',
    version,
    commit: 'a'.repeat(40),
    createdAt: '2026-11-01T00:00:00Z',
    evidence: [
      {
        id: version,
        entityRef: 'component:default/checkout',
        version,
        format: 'dr-drill',
        sha256: '0'.repeat(64),
        sizeBytes: 1,
        uploadedBy: 'service:ci',
        uploadedAt: '2026-11-01T00:00:00Z',
        summary: await parseEvidence(
          'dr-drill',
          Buffer.from(JSON.stringify({ ...fixture(), ...drill })),
        ),
      },
    ],
  };
}
const rule = (releases: ReleaseRecord[], maxRtoSeconds?: number) =>
  drDrillRule(
    { entityRef: 'component:default/checkout', now: NOW },
    {
      config: { maxAgeDays: 30, maxRtoSeconds },
      releases: { listReleases: async () => releases },
    },
  );

describe('the dr-drill gate rule', () => {
  it('passes on the newest drill of any release within the age and the RTO', async () => {
    const releases = [
      await releaseWith('1.5.0', {}),
      await releaseWith('1.4.0', { restoredAt: '2026-08-01T00:00:00Z' }),
    ];
    expect(await rule(releases, 600)).toEqual({
      rule: 'dr-drill',
      status: 'pass',
      reason:
        'The last DR drill (2026-11-20, PostgreSQL orders database (pg_restore of the nightly dump), RTO 412 s), 13 days ago, within 30 days and the 600 s RTO.',
    });
  });

  it('fails with no drill, an old one, a slow one or one whose checks failed', async () => {
    expect((await rule([])).reason).toMatch(
      /^No DR drill recorded for component:default\/checkout/,
    );
    const old = await releaseWith('1.4.0', {
      restoredAt: '2026-10-01T00:00:00Z',
    });
    expect((await rule([old])).reason).toMatch(
      /is 63 days old; production needs one within 30 days\.$/,
    );
    expect((await rule([await releaseWith('1.5.0', {})], 300)).reason).toMatch(
      /took longer than the 300 s recovery time objective\.$/,
    );
    expect(
      (await rule([await releaseWith('1.5.0', { verified: false })])).status,
    ).toBe('fail');
  });

  it('refuses a record from the future or without its measured RTO', async () => {
    await expect(
      releaseWith('1.5.0', { restoredAt: '2099-01-01T00:00:00Z' }),
    ).rejects.toThrow(
      'Invalid dr-drill evidence at restoredAt: 2099-01-01T00:00:00Z is in the future',
    );
    await expect(
      releaseWith('1.5.0', { rtoSeconds: undefined }),
    ).rejects.toThrow('Invalid dr-drill evidence at rtoSeconds: Required');
  });
});
