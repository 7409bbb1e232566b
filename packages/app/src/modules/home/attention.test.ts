import { attentionRows, entityPath } from './attention';

describe('Home: what needs attention', () => {
  it('links each entity to where it is acted on, incidents first', () => {
    expect(
      attentionRows({
        rollouts: [
          {
            entityRef: 'component:default/checkout',
            environment: 'staging',
            reason: 'awaiting-promotion',
          },
        ],
        awaiting: [
          {
            entityRef: 'component:shop/payment-gateway',
            version: '2.1.0',
            environment: 'production',
          },
        ],
        incidents: [
          {
            entityRef: 'component:default/checkout',
            title: 'CheckoutHighErrorRate',
            status: 'open',
          },
        ],
      }),
    ).toEqual([
      {
        entityRef: 'component:default/checkout',
        why: 'incident open: CheckoutHighErrorRate',
        href: '/catalog/default/component/checkout/delivery',
      },
      {
        entityRef: 'component:shop/payment-gateway',
        why: '2.1.0 to production awaits your approval',
        href: '/gantry/approvals',
      },
      {
        entityRef: 'component:default/checkout',
        why: 'rollout in staging: awaiting promotion',
        href: '/catalog/default/component/checkout/delivery',
      },
    ]);
  });

  it('reads refs without a namespace as default', () => {
    expect(entityPath('component:checkout', '/flags')).toBe(
      '/catalog/default/component/checkout/flags',
    );
  });
});
