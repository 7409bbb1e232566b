import type { FlagdFlag } from '@gantry/plugin-gantry-common';
import type { FlagSetDocument } from '../flagSet';

export const booleanFlag: FlagdFlag = {
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
};

/** new-checkout: on for the beta segment, 5 % of everyone else, off otherwise. */
export const checkoutSet: FlagSetDocument = {
  flags: {
    'new-checkout': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: {
        if: [
          { $ref: 'beta-tenants' },
          'on',
          {
            fractional: [
              ['on', 500],
              ['off', 9500],
            ],
          },
        ],
      },
    },
    'checkout-theme': {
      state: 'ENABLED',
      variants: { classic: 'classic', dark: 'dark' },
      defaultVariant: 'classic',
      targeting: {
        if: [{ sem_ver: [{ var: 'appVersion' }, '>=', '2.0.0'] }, 'dark'],
      },
    },
  },
  $evaluators: {
    'beta-tenants': { in: [{ var: 'tenant' }, ['acme', 'globex']] },
  },
};
