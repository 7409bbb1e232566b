import fs from 'node:fs';
import path from 'node:path';
import { parseEvidence } from '.';

const fixture = () =>
  JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '__fixtures__/chaos-drill.json'),
      'utf8',
    ),
  );
const parse = (doc: object) =>
  parseEvidence('chaos-drill', Buffer.from(JSON.stringify(doc)));

describe('the chaos-drill evidence format', () => {
  it('summarises the experiments, the canary verdict and when the drill ran', async () => {
    expect(await parse(fixture())).toEqual({
      headline:
        'Chaos drill 2026-11-28 in staging: 2 experiments (pod-kill, delay), canary pass',
      chaosDrill: {
        environment: 'staging',
        release: '1.5.0',
        canaryVerdict: 'pass',
        analysisRun: 'checkout-7d9f-2',
        ranAt: '2026-11-28T10:05:00.000Z',
        experiments: [
          {
            kind: 'PodChaos',
            action: 'pod-kill',
            name: 'checkout-pod-kill',
            injectedAt: '2026-11-28T10:00:00.000Z',
            recoveredAt: '2026-11-28T10:00:42.000Z',
          },
          {
            kind: 'NetworkChaos',
            action: 'delay',
            name: 'checkout-latency-200ms',
            injectedAt: '2026-11-28T10:05:00.000Z',
            recoveredAt: '2026-11-28T10:10:00.000Z',
          },
        ],
      },
    });
  });

  it('keeps an experiment that never recovered and says so in the headline', async () => {
    const doc = fixture();
    delete doc.experiments[1].recoveredAt;
    doc.canaryVerdict = 'fail';
    const s = await parse(doc);
    expect(s.headline).toMatch(/canary fail, 1 never recovered$/);
    expect(s.chaosDrill!.experiments[1].recoveredAt).toBeUndefined();
  });

  it('answers bad documents with a 400 naming the field and the expected shape', async () => {
    const bad = async (change: (d: any) => void) => {
      const doc = fixture();
      change(doc);
      return parse(doc).then(
        () => {
          throw new Error('accepted');
        },
        (e: Error) => {
          expect(e.name).toBe('InputError');
          return e.message;
        },
      );
    };
    expect(await bad(d => (d.canaryVerdict = 'passed'))).toMatch(
      /^Invalid chaos-drill evidence at canaryVerdict: Invalid enum value\. Expected 'pass' \| 'fail' \| 'inconclusive'/,
    );
    expect(await bad(d => (d.experiments[1].injectedAt = 'yesterday'))).toMatch(
      /^Invalid chaos-drill evidence at experiments\[1\]\.injectedAt: must be an ISO-8601 time/,
    );
    expect(await bad(d => (d.experiments = []))).toMatch(
      /^Invalid chaos-drill evidence at experiments: Array must contain at least 1/,
    );
    expect(await bad(d => (d.experiments[0].kind = 'pod chaos'))).toMatch(
      /at experiments\[0\]\.kind: must be the Chaos Mesh kind/,
    );
    expect(await bad(d => (d.format = 'dr-drill'))).toMatch(
      /at format: Invalid literal value, expected "chaos-drill"; upload \{"format": "chaos-drill"/,
    );
    expect(await bad(d => (d.extra = 1))).toMatch(
      /at \(document root\): Unrecognized key\(s\) in object: 'extra'/,
    );
    expect(
      await bad(d => (d.experiments[0].recoveredAt = '2026-11-28T09:59:00Z')),
    ).toBe(
      'Invalid chaos-drill evidence at experiments[0].recoveredAt: 2026-11-28T09:59:00Z is before injectedAt 2026-11-28T10:00:00Z; give the time the service was healthy again after the fault',
    );
    expect(
      await bad(d => (d.experiments[0].injectedAt = '2099-01-01T00:00:00Z')),
    ).toMatch(
      /at experiments\[0\]\.injectedAt: 2099-01-01T00:00:00Z is in the future/,
    );
  });

  describe("Chaos Mesh's own experiment objects", () => {
    const mesh = () =>
      JSON.parse(
        fs.readFileSync(
          path.join(__dirname, '__fixtures__/chaos-drill-chaos-mesh.json'),
          'utf8',
        ),
      );

    it('dates each fault from its Apply and Recover events and the AllRecovered condition', async () => {
      const s = await parse(mesh());
      expect(s.chaosDrill!.experiments).toEqual([
        {
          // one-shot pod-kill: Chaos Mesh records no recovery, the upload says when
          kind: 'PodChaos',
          action: 'pod-kill',
          name: 'checkout-pod-kill',
          injectedAt: '2026-11-28T10:00:00.000Z',
          recoveredAt: '2026-11-28T10:00:42.000Z',
        },
        {
          // first successful Apply over both pods (a failed one is ignored), last Recover
          kind: 'NetworkChaos',
          action: 'delay',
          name: 'checkout-latency-200ms',
          injectedAt: '2026-11-28T10:05:00.000Z',
          recoveredAt: '2026-11-28T10:10:01.000Z',
        },
        {
          kind: 'StressChaos',
          action: 'stress',
          name: 'checkout-cpu-burn',
          injectedAt: '2026-11-28T10:12:00.000Z',
          recoveredAt: '2026-11-28T10:14:00.000Z',
        },
      ]);
      expect(s.headline).toBe(
        'Chaos drill 2026-11-28 in staging: 3 experiments (pod-kill, delay, stress), canary pass',
      );
    });

    it('leaves a fault unrecovered until AllRecovered is True, and refuses one never injected', async () => {
      const doc = mesh();
      doc.experiments[2].chaosMesh.status.conditions[1].status = 'False';
      expect((await parse(doc)).chaosDrill!.experiments[2].recoveredAt).toBe(
        undefined,
      );
      const never = mesh();
      never.experiments[1].chaosMesh.status.experiment.containerRecords = [];
      await expect(parse(never)).rejects.toThrow(
        'Invalid chaos-drill evidence at experiments[1].chaosMesh.status.experiment.containerRecords: NetworkChaos checkout-latency-200ms records no successful Apply event: the fault was never injected',
      );
      const foreign = mesh();
      foreign.experiments[0].chaosMesh.apiVersion = 'litmuschaos.io/v1alpha1';
      await expect(parse(foreign)).rejects.toThrow(
        'Invalid chaos-drill evidence at experiments[0].chaosMesh.apiVersion: must be chaos-mesh.org/v1alpha1',
      );
      const badEvent = mesh();
      badEvent.experiments[1].chaosMesh.status.experiment.containerRecords[0].events[0].operation =
        'Inject';
      await expect(parse(badEvent)).rejects.toThrow(
        /at experiments\[1\]\.chaosMesh\.status\.experiment\.containerRecords\[0\]\.events\[0\]\.operation: Invalid enum value\. Expected 'Apply' \| 'Recover'/,
      );
    });
  });
});
