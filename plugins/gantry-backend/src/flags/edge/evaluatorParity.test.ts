import type { EvaluationContext } from '@openfeature/core';
import {
  compileFlagSet,
  evaluateFlag as edgeEvaluate,
} from '@gantry/flags-edge';
import { checkoutSet } from '../__fixtures__/flagSets';
import { evaluateFlag as routeEvaluate } from '../ofrepEvaluation';

/**
 * The edge (packages/flags-edge) and the backend's own OFREP route must answer alike:
 * a change to one evaluator's semantics that the other misses fails here.
 */
describe('the edge evaluator and the backend route evaluator', () => {
  const doc = {
    ...checkoutSet,
    flags: {
      ...checkoutSet.flags,
      disabled: {
        state: 'DISABLED',
        variants: { on: true, off: false },
        defaultVariant: 'on',
      },
      'no-default': {
        state: 'ENABLED',
        variants: { a: 'a', b: 'b' },
        defaultVariant: null,
        targeting: { if: [{ '==': [{ var: 'tier' }, 'gold'] }, 'b', null] },
      },
      ramp: {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: {
          fractional: [
            ['on', 25],
            ['off', 75],
          ],
        },
      },
    },
  };
  const set = compileFlagSet({
    entityRef: 'component:default/checkout',
    environment: 'staging',
    revision: 1,
    doc: doc as never,
  });
  const contexts: EvaluationContext[] = [
    {},
    { targetingKey: 'user-1' },
    { targetingKey: 'user-2', tenant: 'acme' },
    { targetingKey: '' },
    { targetingKey: 'user-3', appVersion: '2.1.0', tier: 'gold' },
    { appVersion: 'not-a-version' },
  ];

  it.each([...Object.keys(doc.flags), 'missing'])('%s', key => {
    for (const context of contexts)
      expect({ context, result: edgeEvaluate(set, key, context) }).toEqual({
        context,
        result: routeEvaluate(set as never, key, context),
      });
  });
});
