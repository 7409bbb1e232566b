import { mockServices } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuditService } from '../kernel/audit/AuditService';
import { KnexAuditStore } from '../kernel/audit/KnexAuditStore';
import { KnexEvidenceStore } from '../evidence/KnexEvidenceStore';
import { createTestDatabases } from '../__testUtils__/databases';
import { ApproverDirectory } from '../kernel/approvers';
import { PromotionService } from './PromotionService';
import { KnexPromotionStore } from './KnexPromotionStore';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const ENTITY = 'component:default/checkout';

const group = (name: string, members: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
  relations: members.map(m => ({
    type: 'hasMember',
    targetRef: `user:default/${m}`,
  })),
});
const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: { type: 'service', owner: 'group:default/payments' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  },
  // alice is in both groups: asking either group would ask her to approve herself.
  group('payments', ['alice', 'bob']),
  group('release-managers', ['alice', 'carol']),
];

describe.each(databases.eachSupportedId())(
  'promotion notifications on %s',
  databaseId => {
    it('asks the owners and approver groups by name, never the requester', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@gantry/plugin-gantry-backend',
          'migrations',
        ),
      });
      const evidence = new KnexEvidenceStore(knex);
      for (const version of ['1.4.2', '1.4.3'])
        await knex.transaction(tx =>
          evidence.insertRelease(tx, {
            entityRef: ENTITY,
            version,
            commit: 'abcdef1',
            createdAt: new Date().toISOString(),
          }),
        );
      const notify = jest.fn().mockResolvedValue(undefined);
      const service = new PromotionService({
        store: new KnexPromotionStore(knex),
        evidence,
        audit: new AuditService(new KnexAuditStore(knex)),
        approvers: new ApproverDirectory(
          catalogServiceMock({ entities }),
          mockServices.auth(),
        ),
        notifier: { notify },
        config: {
          environments: ['production'],
          requiredApprovals: 1,
          extraApproverGroups: {
            production: ['group:default/release-managers'],
          },
          expiresAfterHours: 24,
          emergencyReviewHours: 48,
        },
        environments: ['staging', 'production'],
        logger: mockServices.logger.mock(),
      });

      await service.request({
        entityRef: ENTITY,
        version: '1.4.2',
        environment: 'production',
        requestedBy: 'user:default/alice',
        reason: 'ship the checkout fix',
        emergency: false,
      });
      await service.request({
        entityRef: ENTITY,
        version: '1.4.3',
        environment: 'production',
        requestedBy: 'user:default/bob',
        reason: 'hotfix for the outage',
        emergency: true,
      });

      const asked = notify.mock.calls.map(([m]) => ({
        title: m.title,
        recipients: [...m.recipients].sort(),
      }));
      expect(asked).toEqual([
        {
          title: `Approve ${ENTITY} 1.4.2 into production?`,
          recipients: ['user:default/bob', 'user:default/carol'],
        },
        {
          title: `Emergency promotion of ${ENTITY} 1.4.3 needs a review`,
          recipients: ['user:default/alice', 'user:default/carol'],
        },
      ]);
    });
  },
);
