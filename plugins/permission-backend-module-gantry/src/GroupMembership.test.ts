import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { GroupMembership } from './GroupMembership';

const rel = (type: string, targetRef: string) => ({ type, targetRef });
const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'olivia', namespace: 'default' },
    spec: {},
    relations: [rel('memberOf', 'group:default/oncall')],
  },
  ...[
    ['oncall', 'payments'],
    ['payments', 'engineering'],
    // a cycle in the catalog must not loop forever
    ['engineering', 'oncall'],
  ].map(([name, parent]) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [rel('childOf', `group:default/${parent}`)],
  })),
];

describe('GroupMembership', () => {
  it('follows parent groups to any depth, once each', async () => {
    const membership = new GroupMembership({
      catalog: catalogServiceMock({ entities }),
      auth: mockServices.auth(),
      ttlMs: 1000,
    });
    expect(await membership.groupsOf('user:default/olivia')).toEqual([
      'group:default/oncall',
      'group:default/payments',
      'group:default/engineering',
    ]);
    expect(await membership.groupsOf('user:default/nobody')).toEqual([]);
  });

  it('asks the catalog again only after the cache time', async () => {
    const catalog = catalogServiceMock({ entities });
    const lookups = jest.spyOn(catalog, 'getEntityByRef');
    let now = 0;
    const membership = new GroupMembership({
      catalog,
      auth: mockServices.auth(),
      ttlMs: 1000,
      now: () => now,
    });
    await membership.groupsOf('user:default/olivia');
    now = 999;
    await membership.groupsOf('user:default/olivia');
    expect(lookups).toHaveBeenCalledTimes(1);
    now = 1000;
    await membership.groupsOf('user:default/olivia');
    expect(lookups).toHaveBeenCalledTimes(2);
  });
});
