import { matchesLabels, parseLabelSelector } from './labelSelector';

const matches = (selector: string, labels: Record<string, string>) =>
  matchesLabels(parseLabelSelector(selector), labels);

describe('Kubernetes label selectors', () => {
  it('parses every operator and writes the selector back in the API server syntax', () => {
    const s = parseLabelSelector(
      ' app in (checkout, cart ),tier!=batch, env==prod,team=payments,!legacy,canary, track notin (beta),rev>3,rank<10',
    );
    expect(s.requirements.map(r => r.operator)).toEqual([
      'in',
      '!=',
      '==',
      '=',
      '!',
      'exists',
      'notin',
      '>',
      '<',
    ]);
    expect(s.text).toBe(
      'app in (cart,checkout),tier!=batch,env==prod,team=payments,!legacy,canary,track notin (beta),rev>3,rank<10',
    );
    expect(parseLabelSelector(s.text)).toEqual(s);
  });

  // Requirement.Matches of k8s.io/apimachinery/pkg/labels
  it.each([
    ['app=checkout', { app: 'checkout' }, true],
    ['app=checkout', { app: 'cart' }, false],
    ['app=checkout', {}, false],
    ['app==checkout', { app: 'checkout' }, true],
    ['app!=checkout', { app: 'cart' }, true],
    ['app!=checkout', {}, true],
    ['app!=checkout', { app: 'checkout' }, false],
    ['app in (checkout,cart)', { app: 'cart' }, true],
    ['app in (checkout,cart)', { app: 'payment-gateway' }, false],
    ['app in (checkout,cart)', {}, false],
    ['app notin (checkout,cart)', { app: 'payment-gateway' }, true],
    ['app notin (checkout,cart)', {}, true],
    ['app notin (checkout,cart)', { app: 'checkout' }, false],
    ['app', { app: '' }, true],
    ['app', {}, false],
    ['!app', {}, true],
    ['!app', { app: 'x' }, false],
    ['rev>3', { rev: '4' }, true],
    ['rev>3', { rev: '3' }, false],
    ['rev>3', { rev: 'four' }, false],
    ['rev<3', {}, false],
    ['app=', { app: '' }, true],
    ['app in (checkout,)', { app: '' }, true],
    ['app=checkout,tier!=batch', { app: 'checkout', tier: 'web' }, true],
    ['app=checkout,tier!=batch', { app: 'checkout', tier: 'batch' }, false],
  ] as const)('%s selects %j: %s', (selector, labels, expected) => {
    expect(matches(selector, labels)).toBe(expected);
  });

  it.each([
    ['app in checkout', "expected '(' after 'app in'"],
    ['app in (checkout', "the value list of 'app' is not closed with ')'"],
    [
      'app checkout',
      "expected an operator (=, ==, !=, in, notin, >, <) after 'app' but found 'checkout'",
    ],
    ['app=check out', "expected ',' between requirements but found 'out'"],
    ['app=checkout,', 'a trailing comma ends it'],
    ['-app=x', "'-app' is not a label key"],
    ['app=-x', "'-x' is not a label value"],
    ['rev>three', "'rev >' needs an integer, not 'three'"],
    ['!app=x', "expected ',' between requirements but found '='"],
    [
      'Example.COM/app=x',
      "the prefix 'Example.COM' of key 'Example.COM/app' is not a DNS subdomain",
    ],
  ])('refuses %s, saying why', (selector, why) => {
    expect(() => parseLabelSelector(selector)).toThrow(
      `'${selector}' is not a Kubernetes label selector: ${why}`,
    );
  });
});
