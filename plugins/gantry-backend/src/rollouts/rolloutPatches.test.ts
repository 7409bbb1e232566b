import type { RolloutObject } from '../providers/rolloutTypes';
import { rolloutPatches } from './rolloutPatches';

const canary = (
  status: RolloutObject['status'],
  paused = false,
): RolloutObject => ({
  metadata: { name: 'checkout', namespace: 'shop' },
  spec: {
    paused,
    strategy: {
      canary: {
        steps: [
          { setWeight: 5 },
          { pause: {} },
          { setWeight: 25 },
          { pause: {} },
          { setWeight: 100 },
        ],
      },
    },
  },
  status,
});
const bytes = (r: RolloutObject, a: Parameters<typeof rolloutPatches>[0]) =>
  rolloutPatches(a, r).map(p => `${p.subresource} ${JSON.stringify(p.body)}`);

describe('rollout patches (as kubectl argo rollouts sends them)', () => {
  it('promote clears a pause condition on the status subresource', () => {
    const r = canary({
      currentStepIndex: 1,
      pauseConditions: [
        { reason: 'CanaryPauseStep', startTime: '2026-11-26T10:00:00Z' },
      ],
      currentPodHash: 'b',
      stableRS: 'a',
    });
    expect(bytes(r, 'promote')).toEqual([
      'status {"status":{"pauseConditions":null}}',
    ]);
  });

  it('promote skips to the next step when nothing pauses the canary', () => {
    expect(
      bytes(
        canary({ currentStepIndex: 2, currentPodHash: 'b', stableRS: 'a' }),
        'promote',
      ),
    ).toEqual([
      'status {"status":{"pauseConditions":null,"currentStepIndex":3}}',
    ]);
  });

  it('promote unpauses a user-paused rollout on the main resource first', () => {
    const r = canary(
      {
        currentStepIndex: 1,
        pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 't' }],
      },
      true,
    );
    expect(bytes(r, 'promote')).toEqual([
      'main {"spec":{"paused":false}}',
      'status {"status":{"pauseConditions":null}}',
    ]);
  });

  it('promote-full, abort and retry', () => {
    const running = canary({
      currentStepIndex: 1,
      currentPodHash: 'b',
      stableRS: 'a',
    });
    expect(bytes(running, 'promote-full')).toEqual([
      'status {"status":{"promoteFull":true}}',
    ]);
    expect(bytes(running, 'abort')).toEqual([
      'status {"status":{"abort":true}}',
    ]);
    expect(
      bytes(
        canary({ abort: true, currentPodHash: 'b', stableRS: 'a' }),
        'retry',
      ),
    ).toEqual(['status {"status":{"abort":false}}']);
  });

  it('refuses what the CLI would refuse, saying why', () => {
    const done = canary({
      currentStepIndex: 5,
      currentPodHash: 'a',
      stableRS: 'a',
    });
    expect(() => rolloutPatches('promote-full', done)).toThrow(
      'Rollout checkout is already fully promoted.',
    );
    expect(() => rolloutPatches('abort', done)).toThrow(
      'is fully promoted; there is nothing to abort',
    );
    expect(() => rolloutPatches('promote', done)).toThrow(
      'has completed all 5 steps',
    );
    expect(() =>
      rolloutPatches('retry', canary({ currentStepIndex: 1 })),
    ).toThrow('is not aborted');
  });
});
