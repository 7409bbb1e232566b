import { FlagdCore } from '@openfeature/flagd-core';
import { percentageRollout, rampTargeting } from '@gantry/plugin-gantry-common';
import { isFullyRolledOut, rampOf, summarize } from './rollout';
import { validateFlagSet } from './validateFlagSet';

const KEYS = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);

function onSet(percent: number): Set<string> {
  const core = new FlagdCore();
  core.setConfigurations(
    JSON.stringify({
      flags: {
        'new-checkout': {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'off',
          targeting: percentageRollout([
            { variant: 'on', percent },
            {
              variant: 'off',
              percent: Math.round((100 - percent) * 100) / 100,
            },
          ]),
        },
      },
    }),
  );
  const on = new Set<string>();
  for (const targetingKey of KEYS) {
    const r = core.resolveBooleanEvaluation('new-checkout', false, {
      targetingKey,
    });
    if (r.value) on.add(targetingKey);
  }
  return on;
}

describe('percentage rollouts with flagd fractional', () => {
  it('lands within ±0.5 % of 5/25/50 % over 100,000 keys, and a rise never turns a user off', () => {
    let previous = new Set<string>();
    for (const percent of [0.01, 1, 5, 25, 50, 100]) {
      const on = onSet(percent);
      const share = (on.size / KEYS.length) * 100;
      expect(Math.abs(share - percent)).toBeLessThanOrEqual(0.5);
      for (const k of previous) expect(on.has(k)).toBe(true);
      previous = on;
    }
  });

  it('is sticky: the same key always gets the same variant', () => {
    expect([...onSet(25)]).toEqual([...onSet(25)]);
  });

  it('resolves 0.01 % steps and refuses splits that do not add up', () => {
    expect(
      percentageRollout([
        { variant: 'on', percent: 0.01 },
        { variant: 'off', percent: 99.99 },
      ]),
    ).toEqual({
      fractional: [
        ['on', 1],
        ['off', 9999],
      ],
    });
    expect(() =>
      percentageRollout([
        { variant: 'on', percent: 5 },
        { variant: 'off', percent: 90 },
      ]),
    ).toThrow(
      'Rollout percentages sum to 95 %, not 100 %; adjust them so they add up',
    );
    expect(() =>
      percentageRollout([
        { variant: 'on', percent: 0.005 },
        { variant: 'off', percent: 99.995 },
      ]),
    ).toThrow(/steps of 0.01/);
  });

  it('summarises a rollout for the list and knows when it is complete', () => {
    const flag = {
      state: 'ENABLED' as const,
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: percentageRollout([
        { variant: 'on', percent: 12.5 },
        { variant: 'off', percent: 87.5 },
      ]),
    };
    expect(summarize(flag)).toEqual({
      valueType: 'boolean',
      segments: [],
      rollout: { on: 12.5, off: 87.5 },
      targeting: 'rollout: on 12.5%, off 87.5%',
    });
    expect(isFullyRolledOut(flag)).toBe(false);
    expect(
      isFullyRolledOut({
        ...flag,
        targeting: percentageRollout([
          { variant: 'on', percent: 100 },
          { variant: 'off', percent: 0 },
        ]),
      }),
    ).toBe(true);
  });
});

describe('scheduled ramps as flagd targeting', () => {
  const steps = [
    { at: '2026-12-01T09:00:00Z', percent: 1 },
    { at: '2026-12-02T09:00:00Z', percent: 5 },
    { at: '2026-12-03T09:00:00Z', percent: 25 },
    { at: '2026-12-04T09:00:00Z', percent: 50 },
    { at: '2026-12-05T09:00:00Z', percent: 100 },
  ];
  const flag = {
    state: 'ENABLED' as const,
    variants: { on: true, off: false },
    defaultVariant: 'off',
    targeting: rampTargeting('on', 'off', steps),
  };
  const core = new FlagdCore();
  core.setConfigurations(JSON.stringify({ flags: { ramp: flag } }));
  const keys = KEYS.slice(0, 20_000);
  const onAt = (iso: string) => {
    jest.useFakeTimers({ now: new Date(iso) });
    try {
      return new Set(
        keys.filter(
          targetingKey =>
            core.resolveBooleanEvaluation('ramp', false, { targetingKey })
              .value,
        ),
      );
    } finally {
      jest.useRealTimers();
    }
  };

  it('is valid flagd and rises step by step without turning anyone off', () => {
    expect(validateFlagSet({ flags: { ramp: flag } })).toEqual([]);
    let previous = onAt('2026-11-30T09:00:00Z');
    expect(previous.size).toBe(0);
    for (const step of steps) {
      const on = onAt(new Date(Date.parse(step.at) + 60_000).toISOString());
      expect(
        Math.abs((on.size / keys.length) * 100 - step.percent),
      ).toBeLessThan(1);
      for (const k of previous) expect(on.has(k)).toBe(true);
      previous = on;
    }
  });

  it('summarises the step in force and the next one', () => {
    const now = Date.parse('2026-12-02T10:00:00Z') / 1000;
    expect(rampOf(flag, now)).toEqual({
      current: { on: 5, off: 95 },
      next: { at: '2026-12-03T09:00:00.000Z', split: { on: 25, off: 75 } },
    });
    jest.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z') });
    try {
      expect(summarize(flag).targeting).toBe(
        'ramp: on 5%, off 95% now; on 25%, off 75% from 2026-12-03T09:00:00.000Z',
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses ramps that fall or go back in time', () => {
    expect(() =>
      rampTargeting('on', 'off', [
        { at: '2026-12-01T09:00:00Z', percent: 25 },
        { at: '2026-12-02T09:00:00Z', percent: 5 },
      ]),
    ).toThrow('goes to 5 % after 25 %; a ramp only rises, up to 100 %');
    expect(() =>
      rampTargeting('on', 'off', [
        { at: '2026-12-02T09:00:00Z', percent: 5 },
        { at: '2026-12-01T09:00:00Z', percent: 25 },
      ]),
    ).toThrow('must come after the step before it');
  });
});
