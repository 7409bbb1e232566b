import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { groupsOfUser } from '@gantry/plugin-gantry-common';
import { ApproverDirectory, assertMayDecide } from './approvers';

const rel = (type: string, targetRef: string) => ({ type, targetRef });
const user = (name: string, group: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: {},
  relations: [rel('memberOf', `group:default/${group}`)],
});
const group = (
  name: string,
  members: string[],
  links: { parent?: string; children?: string[] },
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: links.children ?? [] },
  relations: [
    ...members.map(m => rel('hasMember', `user:default/${m}`)),
    ...(links.parent ? [rel('childOf', `group:default/${links.parent}`)] : []),
    ...(links.children ?? []).map(c => rel('parentOf', `group:default/${c}`)),
  ],
});
// payments-oncall is a child of payments; olivia is only in the child group.
const entities: Entity[] = [
  group('payments', ['alice'], { children: ['payments-oncall'] }),
  group('payments-oncall', ['olivia'], { parent: 'payments' }),
  group('storefront', ['sam'], {}),
  user('alice', 'payments'),
  user('olivia', 'payments-oncall'),
  user('sam', 'storefront'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: { owner: 'group:default/payments' },
    relations: [rel('ownedBy', 'group:default/payments')],
  },
];
const CHECKOUT = 'component:default/checkout';

describe('ApproverDirectory membership', () => {
  const catalog = catalogServiceMock({ entities });
  const approvers = new ApproverDirectory(catalog, mockServices.auth());
  const decide = (userRef: string, requestedBy = 'user:default/alice') =>
    assertMayDecide(approvers, {
      userRef,
      requestedBy,
      entityRef: CHECKOUT,
      extraGroups: [],
      action: 'approve',
      subject: 'promotions',
      ownRequest: 'You cannot approve your own request.',
    });

  it('lets a member of a child group of the owner decide, as the permission policy lets them act', async () => {
    expect(await approvers.groupsOf('user:default/olivia')).toEqual([
      'group:default/payments-oncall',
      'group:default/payments',
    ]);
    await expect(decide('user:default/olivia')).resolves.toBeUndefined();
  });

  it('refuses a member of another team, and the requester', async () => {
    await expect(decide('user:default/sam')).rejects.toThrow(
      'Only members of group:default/payments may approve promotions of component:default/checkout; user:default/sam is not a member.',
    );
    await expect(
      decide('user:default/olivia', 'user:default/olivia'),
    ).rejects.toThrow('You cannot approve your own request.');
  });

  it('asks the members of child groups too, never the requester', async () => {
    expect(
      await approvers.approversToAsk({
        entityRef: CHECKOUT,
        extraGroups: [],
        requestedBy: 'user:default/alice',
      }),
    ).toEqual(['user:default/olivia']);
    expect(
      (
        await approvers.approversToAsk({
          entityRef: CHECKOUT,
          extraGroups: ['group:default/storefront'],
          requestedBy: 'user:default/olivia',
        })
      ).sort(),
    ).toEqual(['user:default/alice', 'user:default/sam']);
  });

  it('agrees with the membership rule the permission policy uses, user by user', async () => {
    const credentials = await mockServices.auth().getOwnServiceCredentials();
    const reader = {
      entity: (ref: string) => catalog.getEntityByRef(ref, { credentials }),
      entities: async (refs: string[]) =>
        (await catalog.getEntitiesByRefs({ entityRefs: refs }, { credentials }))
          .items,
    };
    for (const u of ['alice', 'olivia', 'sam']) {
      const ref = `user:default/${u}`;
      const groups = await groupsOfUser(ref, reader);
      for (const g of ['payments', 'payments-oncall', 'storefront']) {
        const members = await approvers.membersOf(`group:default/${g}`);
        expect([g, members.includes(ref)]).toEqual([
          g,
          groups.includes(`group:default/${g}`),
        ]);
      }
    }
  });
});
