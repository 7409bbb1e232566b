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
      'fractional weights sum to 0, so no variant can be chosen; give at least one variant a positive weight',
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
      'fractional weight 2.5 must be an integer (use 1/100 % units, e.g. 500 of 10000 for 5 %)',
      "fractional names variant 'maybe', which is not one of the variants (on, off)",
    ]);
  });

  it('requires a default variant, or an explicit null', () => {
    const { defaultVariant: _d, ...noDefault } = booleanFlag;
    expect(validateFlagSet(withFlag(noDefault))[0]).toEqual({
      path: 'flags.f.defaultVariant',
      message:
        "defaultVariant is missing: name the variant served when no rule matches (on, off), or set it to null to fall back to the application's code default",
    });
    expect(
      validateFlagSet(withFlag({ ...booleanFlag, defaultVariant: null })),
    ).toEqual([]);
    expect(
      validateFlagSet(withFlag({ ...booleanFlag, defaultVariant: 'maybe' }))[0]
        .message,
    ).toBe('defaultVariant "maybe" is not one of the variants (on, off)');
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
      'references segment "vip", which does not exist in this environment; create the segment first',
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
