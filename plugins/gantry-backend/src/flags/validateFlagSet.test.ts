import { checkoutSet, booleanFlag } from './__fixtures__/flagSets';
import type { FlagSetDocument } from './flagSet';
import { validateFlagSet } from './validateFlagSet';

const withFlag = (flag: unknown): FlagSetDocument =>
  ({ flags: { f: flag } } as FlagSetDocument);

describe('validateFlagSet', () => {
  it('accepts a set with segments, fractional splits and sem_ver', () => {
    expect(validateFlagSet(checkoutSet)).toEqual([]);
  });

  it('names mixed variant types', () => {
    const problems = validateFlagSet(
      withFlag({
        ...booleanFlag,
        variants: { on: true, off: false, beta: 'beta' },
      }),
    );
    expect(problems).toEqual([
      {
        path: 'flags.f.variants',
        message:
          'variants mix types: boolean (on, off) and string (beta); all variants of a flag must have one type',
      },
    ]);
  });

  it('names an unknown operator and where it is', () => {
    const [p] = validateFlagSet(
      withFlag({
        ...booleanFlag,
        targeting: { if: [{ regex: ['a', 'b'] }, 'on', 'off'] },
      }),
    );
    expect(p.path).toBe('flags.f.targeting.if.0');
    expect(p.message).toMatch(
      /^unknown operator 'regex'; flagd supports var, /,
    );
  });

  it('reports fractional weights that cannot split users', () => {
    const problems = validateFlagSet(
      withFlag({
        ...booleanFlag,
        targeting: {
          fractional: [
            ['on', 0],
            ['off', 0],
          ],
        },
      }),
    );
    expect(problems.map(p => p.message)).toEqual([
      'fractional weights sum to 0, so no variant can be chosen; give at least one variant a positive weight. (Gantry is stricter than flagd here: flagd would serve defaultVariant with reason DEFAULT to everyone.)',
    ]);
    const frac = validateFlagSet(
      withFlag({
        ...booleanFlag,
        targeting: {
          fractional: [
            ['on', 2.5],
            ['maybe', 97],
          ],
        },
      }),
    ).map(p => p.message);
    expect(frac).toEqual([
      'fractional weight 2.5 must be an integer or a JsonLogic expression that computes one (use 1/100 % units, e.g. 500 of 10000 for 5 %)',
      "fractional names variant 'maybe', which is not one of the variants (on, off)",
    ]);
  });

  it('accepts a missing or null default variant as flagd-schemas do, and names a wrong one', () => {
    const { defaultVariant: _d, ...noDefault } = booleanFlag;
    expect(validateFlagSet(withFlag(noDefault))).toEqual([]);
    expect(
      validateFlagSet(withFlag({ ...booleanFlag, defaultVariant: null })),
    ).toEqual([]);
    expect(
      validateFlagSet(withFlag({ ...booleanFlag, defaultVariant: 'maybe' }))[0],
    ).toEqual({
      path: 'flags.f.defaultVariant',
      message:
        'defaultVariant "maybe" is not one of the variants (on, off); name one of them, or leave defaultVariant out (or null) to serve the application\'s code default',
    });
  });

  it('accepts computed fractional weights and variants (JsonLogic), checking what is inside them', () => {
    const ramp = {
      ...booleanFlag,
      targeting: {
        fractional: [
          { cat: [{ var: '$flagd.flagKey' }, { var: 'email' }] },
          ['on', { '-': [{ var: '$flagd.timestamp' }, 1_700_000_000] }],
          [{ if: [{ var: 'beta' }, 'on', 'off'] }, 100],
        ],
      },
    };
    expect(validateFlagSet(withFlag(ramp))).toEqual([]);
    const bad = validateFlagSet(
      withFlag({
        ...booleanFlag,
        targeting: {
          fractional: [
            ['on', { regex: ['a'] }],
            ['off', 1],
          ],
        },
      }),
    );
    expect(bad.map(p => p.path)).toEqual(['flags.f.targeting.fractional.0.1']);
    expect(bad[0].message).toMatch(/^unknown operator 'regex'/);
  });

  it('refuses targeting that can return a variant the flag does not have, with the path of the value', () => {
    const problems = validateFlagSet(
      withFlag({
        ...booleanFlag,
        targeting: {
          if: [
            { '==': [{ var: 'tier' }, 'gold'] },
            'gold',
            { in: [{ var: 'tier' }, ['silver']] },
            { if: [{ var: 'beta' }, 'on', 'silver'] },
            null,
          ],
        },
      }),
    );
    expect(problems).toEqual([
      {
        path: 'flags.f.targeting.if.1',
        message: expect.stringContaining(
          "targeting can return 'gold', which is not one of the variants (on, off); every user this rule matches would get an error (\"Variant 'gold' not found\")",
        ),
      },
      {
        path: 'flags.f.targeting.if.3.if.2',
        message: expect.stringContaining("targeting can return 'silver'"),
      },
    ]);
    expect(
      validateFlagSet(
        withFlag({
          ...booleanFlag,
          targeting: {
            fractional: [
              [{ if: [{ var: 'beta' }, 'on', 'gold'] }, 50],
              ['off', 50],
            ],
          },
        }),
      ).map(p => p.path),
    ).toEqual(['flags.f.targeting.fractional.0.0.if.2']);
    // computed results are left to run time; null serves the default
    expect(
      validateFlagSet(
        withFlag({
          ...booleanFlag,
          targeting: { if: [{ var: 'x' }, { var: 'variant' }, null] },
        }),
      ),
    ).toEqual([]);
  });

  it('rejects references to segments that do not exist and bad state', () => {
    const messages = validateFlagSet(
      withFlag({
        ...booleanFlag,
        state: 'ON',
        targeting: { if: [{ $ref: 'vip' }, 'on'] },
      }),
    ).map(p => p.message);
    expect(messages).toEqual([
      'state is "ON"; it must be ENABLED or DISABLED',
      'references segment "vip", which does not exist in this environment; create the segment first. (Gantry is stricter than flagd here: flagd would load the flag and answer PARSE_ERROR to every evaluation.)',
    ]);
  });

  it('falls back to the flagd schema that ships compiled in flagd-core', () => {
    // Our checks pass this, the flagd schema does not (sem_ver operand types aside,
    // `in` needs exactly two arguments).
    const problems = validateFlagSet(
      withFlag({
        ...booleanFlag,
        targeting: { if: [{ in: ['a'] }, 'on', 'off'] },
      }),
    );
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0].message).toMatch(/^does not match the flagd schema: /);
  });
});
