import { createServiceFactory } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { notificationService } from '@backstage/plugin-notifications-node';

const user = (name: string, groups: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf: groups },
  relations: groups.map(g => ({
    type: 'memberOf',
    targetRef: `group:default/${g}`,
  })),
});

const group = (name: string, members: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], members },
  relations: members.map(m => ({
    type: 'hasMember',
    targetRef: `user:default/${m}`,
  })),
});

/** A component owned by payments; alice and bob are payments, carol is platform, sam is security. */
export const complianceEntities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: { 'gantry.dev/compliance-policy': 'default' },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/payments',
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  },
  group('payments', ['alice', 'bob']),
  group('security', ['sam']),
  user('alice', ['payments']),
  user('bob', ['payments']),
  user('carol', ['platform']),
  user('sam', ['security']),
];

export const sentNotifications: unknown[] = [];

export const notificationsMock = createServiceFactory({
  service: notificationService,
  deps: {},
  factory: () => ({
    send: async (n: unknown) => {
      sentNotifications.push(n);
    },
  }),
});
