import { ConfigReader } from '@backstage/config';
import type { ReleaseRecord } from '@gantry/plugin-gantry-common';
import fs from 'node:fs';
import path from 'node:path';
import { parseEvidence } from '../../evidence/parsers';
import {
  readChaosDrillConfig,
  type ChaosDrillConfig,
} from '../chaosDrillConfig';
import { chaosDrillRule } from './chaosDrill';

const NOW = new Date('2026-12-03T12:00:00Z');
const ENTITY = 'component:default/checkout';
const fixture = () =>
  JSON.parse(
    fs.readFileSync(
      path.join(
        __dirname,
        '../../evidence/parsers/__fixtures__/chaos-drill.json',
      ),
      'utf8',
    ),
  );

/** A release carrying one chaos drill, parsed as an upload would be. */
async function releaseWith(
  version: string,
  change: (doc: any) => void = () => {},
): Promise<ReleaseRecord> {
  const doc = { ...fixture(), release: version };
  change(doc);
  return {
    entityRef: ENTITY,
    version,
    commit: 'a'.repeat(40),
    createdAt: '2026-11-01T00:00:00Z',
    evidence: [
      {
        id: `drill-${version}`,
        entityRef: ENTITY,
        version,
        format: 'chaos-drill',
        sha256: '0'.repeat(64),
        sizeBytes: 1,
        uploadedBy: 'service:ci',
        uploadedAt: '2026-11-28T11:00:00Z',
        summary: await parseEvidence(
          'chaos-drill',
          Buffer.from(JSON.stringify(doc)),
        ),
      },
    ],
  };
}
const DEFAULTS: ChaosDrillConfig = {
  maxAgeDays: 30,
  requiredActions: [],
  environments: {},
};
const rule = (
  version: string,
  releases: ReleaseRecord[],
  config: ChaosDrillConfig = DEFAULTS,
) =>
  chaosDrillRule(
    {
      entityRef: ENTITY,
      version,
      environment: 'production',
      evidence: releases.find(r => r.version === version)?.evidence ?? [],
      now: NOW,
    },
    { config, releases: { listReleases: async () => releases } },
  );

describe('the chaos-drill gate rule', () => {
  it("passes on the release's own passed drill", async () => {
    expect(await rule('1.5.0', [await releaseWith('1.5.0')])).toEqual({
      rule: 'chaos-drill',
      status: 'pass',
      reason:
        'The newest chaos drill of 1.5.0 (2026-11-28 in staging, release 1.5.0) passed: canary pass under pod-kill, delay, every experiment recovered.',
    });
  });

  it("passes a release without a drill on the service's recent passed one, and fails it once that is too old", async () => {
    const older = await releaseWith('1.4.0');
    expect(await rule('1.5.0', [older])).toMatchObject({
      status: 'pass',
      reason: expect.stringMatching(
        /^The newest chaos drill \(2026-11-28 in staging, release 1\.4\.0\) passed: .*, 5 days ago\.$/,
      ),
    });
    expect(
      await rule('1.5.0', [older], { ...DEFAULTS, maxAgeDays: 3 }),
    ).toEqual({
      rule: 'chaos-drill',
      status: 'fail',
      reason:
        'The newest chaos drill (2026-11-28 in staging, release 1.4.0) is 5 days old and 1.5.0 has none of its own; production needs one within 3 days.',
    });
  });

  it('fails with no drill at all', async () => {
    expect(await rule('1.5.0', [])).toEqual({
      rule: 'chaos-drill',
      status: 'fail',
      reason:
        "No chaos drill recorded for component:default/checkout: run the release's staging canary with fault injection and upload the result as evidence format chaos-drill (production needs canary verdict pass, every experiment recovered).",
    });
  });

  it('fails on a failed or inconclusive canary verdict', async () => {
    for (const verdict of ['fail', 'inconclusive']) {
      const r = await rule('1.5.0', [
        await releaseWith('1.5.0', d => (d.canaryVerdict = verdict)),
      ]);
      expect(r.status).toBe('fail');
      expect(r.reason).toContain(
        `did not pass: the canary analysis judged it ${verdict}.`,
      );
    }
  });

  it('fails when an experiment never recovered', async () => {
    const r = await rule('1.5.0', [
      await releaseWith('1.5.0', d => delete d.experiments[1].recoveredAt),
    ]);
    expect(r).toEqual({
      rule: 'chaos-drill',
      status: 'fail',
      reason:
        'The newest chaos drill of 1.5.0 (2026-11-28 in staging, release 1.5.0) did not pass: the service never recovered from checkout-latency-200ms (NetworkChaos delay). Fix the cause and run the drill again (production needs canary verdict pass, every experiment recovered).',
    });
  });

  it("lets the release's own failed drill decide over an earlier release's passed one", async () => {
    const r = await rule('1.5.0', [
      await releaseWith('1.5.0', d => (d.canaryVerdict = 'fail')),
      await releaseWith('1.4.0'),
    ]);
    expect(r.status).toBe('fail');
  });

  it('fails a drill without the actions the environment requires', async () => {
    const config = readChaosDrillConfig(
      new ConfigReader({
        gantry: {
          compliance: {
            chaosDrill: {
              environments: {
                production: { requiredActions: ['pod-kill', 'loss'] },
              },
            },
          },
        },
      }),
      ['staging', 'production'],
    );
    const r = await rule('1.5.0', [await releaseWith('1.5.0')], config);
    expect(r.status).toBe('fail');
    expect(r.reason).toContain(
      'did not pass: it injected no loss (required). Fix the cause and run the drill again (production needs canary verdict pass, every experiment recovered, actions pod-kill, loss).',
    );
  });
});

describe('gantry.compliance.chaosDrill', () => {
  const read = (chaosDrill: object) =>
    readChaosDrillConfig(
      new ConfigReader({ gantry: { compliance: { chaosDrill } } }),
      ['staging', 'production'],
    );

  it('defaults to 30 days and no required action, with per-environment settings', () => {
    expect(read({})).toEqual(DEFAULTS);
    expect(
      read({
        maxAgeDays: 14,
        environments: { production: { requiredActions: ['pod-kill'] } },
      }),
    ).toEqual({
      maxAgeDays: 14,
      requiredActions: [],
      environments: { production: { requiredActions: ['pod-kill'] } },
    });
  });

  it('stops startup on an unknown environment or an impossible value, naming the key', () => {
    expect(() => read({ environments: { prod: {} } })).toThrow(
      'gantry.compliance.chaosDrill.environments.prod is not a configured environment; use one of staging, production',
    );
    expect(() =>
      read({ environments: { production: { maxAgeDays: 0 } } }),
    ).toThrow(
      'gantry.compliance.chaosDrill.environments.production.maxAgeDays is 0; give whole days ≥ 1',
    );
    expect(() => read({ requiredActions: ['Pod Kill'] })).toThrow(
      "gantry.compliance.chaosDrill.requiredActions has 'Pod Kill'",
    );
  });
});
