import { FlagdCore } from '@openfeature/flagd-core';
import type { FlagdFlag } from '@gantry/plugin-gantry-common';
import { buildFlagSet } from './flagSet';
import {
  prerequisiteProblems,
  type FlagWithPrerequisites,
} from './prerequisites';
import { checkWithFlagdCore, validateFlagSet } from './validateFlagSet';

const KEYS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
const PLANS = ['free', 'pro', 'enterprise'];
const contextOf = (i: number) => ({
  targetingKey: KEYS[i],
  plan: PLANS[i % 3],
  tenant: i % 7 === 0 ? 'acme' : 'other',
});

const onOff = (
  targeting?: Record<string, unknown>,
  over: Partial<FlagdFlag> = {},
): FlagdFlag => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  ...(targeting ? { targeting } : {}),
  ...over,
});
const split = (on: number) => ({
  fractional: [
    ['on', on],
    ['off', 100 - on],
  ],
});

const segments = [
  { name: 'acme', rule: { '==': [{ var: 'tenant' }, 'acme'] } },
];

/** Loads the served set into flagd-core, compiled (the default) or interpreted. */
function load(flags: FlagWithPrerequisites[], interpreted = false) {
  const doc = buildFlagSet({
    entityRef: 'component:default/checkout',
    environment: 'production',
    flags,
    segments,
  });
  expect(checkWithFlagdCore(doc)).toEqual([]);
  const core = new FlagdCore(undefined, undefined, {
    disableDynamicCodeGeneration: interpreted,
  });
  core.setConfigurations(JSON.stringify(doc));
  const variant = (key: string, i: number) =>
    core.resolveStringEvaluation(key, 'x', contextOf(i)).variant ??
    core.resolveBooleanEvaluation(key, false, contextOf(i)).variant;
  return { doc, core, variant };
}

/**
 * Checks, for every key, that the dependent follows its own rules exactly when the
 * prerequisite allows it; returns the share of keys let through.
 */
function gatedShare(
  flags: FlagWithPrerequisites[],
  dependent: string,
  allowed: (i: number, variant: (k: string, i: number) => unknown) => boolean,
) {
  const shares: number[] = [];
  for (const interpreted of [false, true]) {
    const { variant } = load(flags, interpreted);
    const alone = load(
      flags.map(f =>
        f.key === dependent ? { ...f, prerequisites: undefined } : f,
      ),
      interpreted,
    );
    let met = 0;
    KEYS.forEach((_, i) => {
      const ok = allowed(i, variant);
      if (ok) met += 1;
      const safe = flags.find(f => f.key === dependent)!.safeVariant;
      expect([i, variant(dependent, i)]).toEqual([
        i,
        ok ? alone.variant(dependent, i) : safe,
      ]);
    });
    shares.push(met / KEYS.length);
  }
  expect(shares[0]).toBe(shares[1]);
  return shares[0];
}

describe('prerequisite flags compiled into flagd targeting', () => {
  it('serves the dependent only to users the prerequisite serves an allowed variant, bucketed as the prerequisite is', () => {
    const flags: FlagWithPrerequisites[] = [
      { key: 'new-checkout', definition: onOff(split(30)) },
      {
        key: 'one-click-pay',
        definition: onOff(split(50)),
        prerequisites: [{ flag: 'new-checkout', variants: ['on'] }],
        safeVariant: 'off',
      },
    ];
    expect(
      gatedShare(
        flags,
        'one-click-pay',
        (i, variant) => variant('new-checkout', i) === 'on',
      ),
    ).toBeCloseTo(0.3, 1);
    // ~30 % pass the gate and half of those get the feature
    const { variant } = load(flags);
    const on = KEYS.filter((_, i) => variant('one-click-pay', i) === 'on');
    expect(on.length / KEYS.length).toBeGreaterThan(0.13);
    expect(on.length / KEYS.length).toBeLessThan(0.17);
  });

  it('counts a null targeting result as the default variant, and inlines segments', () => {
    const flags: FlagWithPrerequisites[] = [
      // on for acme (null, i.e. the default "on", for everyone else) except free plans
      {
        key: 'payments-v2',
        definition: {
          state: 'ENABLED',
          variants: { on: 'v2', off: 'v1' },
          defaultVariant: 'on',
          targeting: {
            if: [
              { $ref: 'acme' },
              'on',
              { '==': [{ var: 'plan' }, 'free'] },
              'off',
            ],
          },
        },
      },
      {
        key: 'refunds-ui',
        definition: onOff(),
        prerequisites: [{ flag: 'payments-v2', variants: ['on'] }],
        safeVariant: 'off',
      },
    ];
    expect(
      gatedShare(
        flags,
        'refunds-ui',
        i => contextOf(i).tenant === 'acme' || contextOf(i).plan !== 'free',
      ),
    ).toBeCloseTo(0.714, 1);
  });

  it('chains: a flag gated on a gated flag sees what that flag serves', () => {
    const flags: FlagWithPrerequisites[] = [
      { key: 'a', definition: onOff(split(60)) },
      {
        key: 'b',
        definition: onOff(split(50)),
        prerequisites: [{ flag: 'a', variants: ['on'] }],
        safeVariant: 'off',
      },
      {
        key: 'c',
        definition: onOff(undefined, { defaultVariant: 'on' }),
        prerequisites: [{ flag: 'b', variants: ['on'] }],
        safeVariant: 'off',
      },
    ];
    expect(
      gatedShare(flags, 'c', (i, variant) => variant('b', i) === 'on'),
    ).toBeCloseTo(0.3, 1);
  });

  it('matches boolean targeting results and explicit $flagd.flagKey bucketing', () => {
    const flags: FlagWithPrerequisites[] = [
      {
        key: 'pro-only',
        definition: {
          state: 'ENABLED',
          variants: { true: true, false: false },
          defaultVariant: 'false',
          targeting: { '==': [{ var: 'plan' }, 'pro'] },
        },
      },
      {
        key: 'sticky',
        definition: onOff({
          fractional: [
            { cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] },
            ['on', 25],
            ['off', 75],
          ],
        }),
      },
      {
        key: 'dependent',
        definition: onOff(undefined, { defaultVariant: 'on' }),
        prerequisites: [
          { flag: 'pro-only', variants: ['true'] },
          { flag: 'sticky', variants: ['on'] },
        ],
        safeVariant: 'off',
      },
    ];
    expect(
      gatedShare(
        flags,
        'dependent',
        (i, variant) =>
          variant('pro-only', i) === 'true' && variant('sticky', i) === 'on',
      ),
    ).toBeCloseTo(0.083, 1);
  });

  it('leaves a flag untouched when its prerequisite is statically met, and serves the safe variant when it is disabled or killed', () => {
    const dependent: FlagWithPrerequisites = {
      key: 'dependent',
      definition: onOff(undefined, { defaultVariant: 'on' }),
      prerequisites: [{ flag: 'pre', variants: ['on'] }],
      safeVariant: 'off',
    };
    const met = load([
      { key: 'pre', definition: onOff(undefined, { defaultVariant: 'on' }) },
      dependent,
    ]);
    expect(met.doc.flags.dependent).toEqual(dependent.definition);
    expect(met.core.resolveBooleanEvaluation('dependent', false, {})).toEqual(
      expect.objectContaining({ value: true, reason: 'STATIC' }),
    );
    for (const pre of [
      onOff(split(50), { state: 'DISABLED' }),
      onOff(undefined, { defaultVariant: 'off' }),
    ]) {
      const { core } = load([{ key: 'pre', definition: pre }, dependent]);
      for (let i = 0; i < 50; i++) {
        expect(
          core.resolveBooleanEvaluation('dependent', true, contextOf(i)),
        ).toEqual(expect.objectContaining({ value: false, variant: 'off' }));
      }
    }
    // a killed dependent serves its safe variant, not its prerequisite gate
    const killed = load([
      { key: 'pre', definition: onOff(split(50)) },
      {
        ...dependent,
        definition: onOff(undefined, { defaultVariant: 'off' }),
        killed: true,
      },
    ]);
    expect(killed.doc.flags.dependent.targeting).toBeUndefined();
  });

  it('follows a change of the prerequisite the next time the set is built', () => {
    const dependent: FlagWithPrerequisites = {
      key: 'dependent',
      definition: onOff(undefined, { defaultVariant: 'on' }),
      prerequisites: [{ flag: 'pre', variants: ['on'] }],
      safeVariant: 'off',
    };
    const count = (pre: FlagdFlag) => {
      const { variant } = load([{ key: 'pre', definition: pre }, dependent]);
      return KEYS.filter((_, i) => variant('dependent', i) === 'on').length;
    };
    const at5 = count(onOff(split(5)));
    const at25 = count(onOff(split(25)));
    expect(Math.abs(at5 / KEYS.length - 0.05)).toBeLessThan(0.01);
    expect(Math.abs(at25 / KEYS.length - 0.25)).toBeLessThan(0.01);
  });
});

describe('prerequisiteProblems', () => {
  const flag = (
    key: string,
    prerequisites?: FlagWithPrerequisites['prerequisites'],
  ): FlagWithPrerequisites => ({
    key,
    definition: onOff(),
    prerequisites,
    safeVariant: 'off',
  });

  it('accepts a valid graph', () => {
    expect(
      prerequisiteProblems([
        flag('a'),
        flag('b', [{ flag: 'a', variants: ['on'] }]),
      ]),
    ).toEqual([]);
  });

  it('names missing flags, unknown variants, self references and repeats', () => {
    expect(
      prerequisiteProblems([
        flag('a'),
        flag('b', [
          { flag: 'nope', variants: ['on'] },
          { flag: 'a', variants: ['enabled'] },
          { flag: 'b', variants: ['on'] },
          { flag: 'a', variants: ['on'] },
        ]),
      ]),
    ).toEqual([
      {
        path: 'flags.b.prerequisites.0.flag',
        message:
          "prerequisite 'nope' is not a flag of this environment (flags: a); create it first or remove the prerequisite",
      },
      {
        path: 'flags.b.prerequisites.1.variants',
        message: "'enabled' is not a variant of 'a' (variants: on, off)",
      },
      {
        path: 'flags.b.prerequisites.2.flag',
        message:
          'a flag cannot be its own prerequisite; name another flag of this environment',
      },
      {
        path: 'flags.b.prerequisites.3.flag',
        message:
          "'a' is listed twice; list each prerequisite once with every variant that lets 'b' through",
      },
    ]);
  });

  it('finds cycles once and chains deeper than five levels', () => {
    const cycle = prerequisiteProblems([
      flag('a', [{ flag: 'c', variants: ['on'] }]),
      flag('b', [{ flag: 'a', variants: ['on'] }]),
      flag('c', [{ flag: 'b', variants: ['on'] }]),
    ]);
    expect(cycle).toHaveLength(1);
    expect(cycle[0].message).toMatch(
      /^prerequisites form a cycle \(a → c → b → a\)/,
    );
    const chain = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6'];
    const deep = chain.map((k, i) =>
      flag(k, i < 6 ? [{ flag: chain[i + 1], variants: ['on'] }] : undefined),
    );
    expect(prerequisiteProblems(deep)).toEqual([
      {
        path: 'flags.f0.prerequisites',
        message:
          'the prerequisite chain f0 → f1 → f2 → f3 → f4 → f5 → f6 is 6 levels deep; at most 5 are allowed, because each level is inlined into the served targeting',
      },
    ]);
    expect(prerequisiteProblems(deep.slice(1))).toEqual([]);
  });

  it('keeps the served set valid flagd even with variants named like a null', () => {
    const flags: FlagWithPrerequisites[] = [
      {
        key: 'odd',
        definition: {
          state: 'ENABLED',
          variants: { null: 'n', set: 's' },
          defaultVariant: 'null',
          targeting: { if: [{ $ref: 'acme' }, 'set'] },
        },
      },
      {
        key: 'dependent',
        definition: onOff(undefined, { defaultVariant: 'on' }),
        prerequisites: [{ flag: 'odd', variants: ['set'] }],
        safeVariant: 'off',
      },
    ];
    expect(
      validateFlagSet(
        buildFlagSet({
          entityRef: 'component:default/checkout',
          environment: 'production',
          flags,
          segments,
        }),
      ),
    ).toEqual([]);
    expect(
      gatedShare(flags, 'dependent', i => contextOf(i).tenant === 'acme'),
    ).toBeCloseTo(0.143, 1);
  });
});
