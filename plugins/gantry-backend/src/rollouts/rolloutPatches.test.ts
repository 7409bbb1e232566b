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
/** The patches in the order the CLI sends them while /status exists. */
const bytes = (r: RolloutObject, a: Parameters<typeof rolloutPatches>[0]) => {
  const plan = rolloutPatches(a, r);
  return [
    ...(plan.status ? [`status ${JSON.stringify(plan.status)}`] : []),
    ...(plan.main ? [`main ${JSON.stringify(plan.main)}`] : []),
  ];
};
/** The one patch the CLI sends to the main resource when /status answers 404. */
const unified = (r: RolloutObject, a: Parameters<typeof rolloutPatches>[0]) =>
  JSON.stringify(rolloutPatches(a, r).unified);

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

  it('promote clears the pause condition, then unpauses a user-paused rollout (CLI order)', () => {
    const r = canary(
      {
        currentStepIndex: 1,
        pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 't' }],
      },
      true,
    );
    expect(bytes(r, 'promote')).toEqual([
      'status {"status":{"pauseConditions":null}}',
      'main {"spec":{"paused":false}}',
    ]);
    expect(unified(r, 'promote')).toBe(
      '{"spec":{"paused":false},"status":{"pauseConditions":null}}',
    );
  });

  it('promote of a rollout paused only by spec.paused unpauses it and moves on a step', () => {
    const r = canary(
      { currentStepIndex: 2, currentPodHash: 'b', stableRS: 'a' },
      true,
    );
    expect(bytes(r, 'promote')).toEqual([
      'status {"status":{"pauseConditions":null,"currentStepIndex":3}}',
      'main {"spec":{"paused":false}}',
    ]);
    expect(unified(r, 'promote')).toBe(
      '{"spec":{"paused":false},"status":{"pauseConditions":null,"currentStepIndex":3}}',
    );
  });

  it('promote of a step whose analysis was Inconclusive also clears controllerPause and moves to the next step', () => {
    const r = canary({
      currentStepIndex: 2,
      currentPodHash: 'b',
      stableRS: 'a',
      controllerPause: true,
      pauseConditions: [
        {
          reason: 'InconclusiveAnalysisRun',
          startTime: '2026-11-26T10:00:00Z',
        },
      ],
      canary: { currentStepAnalysisRunStatus: { status: 'Inconclusive' } },
    });
    expect(bytes(r, 'promote')).toEqual([
      'status {"status":{"pauseConditions":null,"controllerPause":false,"currentStepIndex":3}}',
    ]);
    // The CLI's fallback patch for this branch stays the plain one.
    expect(unified(r, 'promote')).toBe(
      '{"spec":{"paused":false},"status":{"pauseConditions":null}}',
    );
    // At the last step the index stays put, as GetCurrentCanaryStep caps it.
    const last = canary({ ...r.status, currentStepIndex: 5 });
    expect(bytes(last, 'promote')).toEqual([
      'status {"status":{"pauseConditions":null,"controllerPause":false,"currentStepIndex":5}}',
    ]);
    // Without controllerPause it is an ordinary pause.
    expect(
      bytes(canary({ ...r.status, controllerPause: false }), 'promote'),
    ).toEqual(['status {"status":{"pauseConditions":null}}']);
  });

  it('promote-full of a rollout paused with spec.paused also unpauses it', () => {
    const r = canary(
      { currentStepIndex: 1, currentPodHash: 'b', stableRS: 'a' },
      true,
    );
    expect(bytes(r, 'promote-full')).toEqual([
      'status {"status":{"promoteFull":true}}',
      'main {"spec":{"paused":false}}',
    ]);
    expect(unified(r, 'promote-full')).toBe(
      '{"spec":{"paused":false},"status":{"promoteFull":true}}',
    );
    // Fully promoted but paused: only the unpause is left to send.
    const promoted = canary(
      { currentStepIndex: 5, currentPodHash: 'a', stableRS: 'a' },
      true,
    );
    expect(bytes(promoted, 'promote-full')).toEqual([
      'main {"spec":{"paused":false}}',
    ]);
  });

  it('abort and retry fall back to the same patch on the main resource', () => {
    const running = canary({
      currentStepIndex: 1,
      currentPodHash: 'b',
      stableRS: 'a',
    });
    expect(unified(running, 'abort')).toBe('{"status":{"abort":true}}');
    expect(
      unified(
        canary({ abort: true, currentPodHash: 'b', stableRS: 'a' }),
        'retry',
      ),
    ).toBe('{"status":{"abort":false}}');
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
