import { mockServices } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { AuditService } from '../kernel/audit/AuditService';
import { KnexAuditStore } from '../kernel/audit/KnexAuditStore';
import { KnexEvidenceStore } from '../evidence/KnexEvidenceStore';
import { createTestDatabases } from '../__testUtils__/databases';
import type { ApproverDirectory } from '../kernel/approvers';
import { PromotionService } from './PromotionService';
import { KnexPromotionStore } from './KnexPromotionStore';

jest.setTimeout(60_000);
const databases = createTestDatabases();
const HOUR = 3_600_000;

describe.each(databases.eachSupportedId())(
  'promotion expiry on %s',
  databaseId => {
    it('expires a pending request at its deadline and refuses late decisions', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@gantry/plugin-gantry-backend',
          'migrations',
        ),
      });
      let now = Date.parse('2026-11-02T09:00:00Z');
      const clock = () => new Date(now);
      const evidence = new KnexEvidenceStore(knex);
      await knex.transaction(tx =>
        evidence.insertRelease(tx, {
          entityRef: 'component:default/checkout',
          version: '1.0.0',
          commit: 'abcdef1',
          createdAt: clock().toISOString(),
        }),
      );
      const approvers = {
        ownersOf: async () => ['group:default/payments'],
        canApprove: async (user: string) => user !== 'user:default/carol',
        userExists: async () => true,
      } as unknown as ApproverDirectory;
      const service = new PromotionService({
        store: new KnexPromotionStore(knex),
        evidence,
        audit: new AuditService(new KnexAuditStore(knex), clock),
        approvers,
        notifier: { notify: jest.fn().mockResolvedValue(undefined) },
        config: {
          environments: ['production'],
          requiredApprovals: 2,
          extraApproverGroups: {},
          expiresAfterHours: 24,
          emergencyReviewHours: 48,
        },
        environments: ['staging', 'production'],
        logger: mockServices.logger.mock(),
        now: clock,
      });
      const p = await service.request({
        entityRef: 'component:default/checkout',
        version: '1.0.0',
        environment: 'production',
        requestedBy: 'user:default/alice',
        reason: 'release',
        emergency: false,
      });
      expect(p.expiresAt).toBe('2026-11-03T09:00:00.000Z');

      // one of two approvals: still pending
      now += HOUR;
      const half = await service.decide({
        id: p.id,
        userRef: 'user:default/bob',
        decision: 'approve',
      });
      expect(half.status).toBe('pending');
      await expect(
        service.decide({
          id: p.id,
          userRef: 'user:default/bob',
          decision: 'approve',
        }),
      ).rejects.toThrow('You already decided');

      now = Date.parse(p.expiresAt);
      expect((await service.get(p.id)).status).toBe('expired');
      await expect(
        service.decide({
          id: p.id,
          userRef: 'user:default/dave',
          decision: 'approve',
        }),
      ).rejects.toThrow(`expired at ${p.expiresAt}`);
      const gate = await service.approvalState(
        'component:default/checkout',
        '1.0.0',
        'production',
      );
      expect(gate.approved).toBeUndefined();
      expect(gate.latest?.status).toBe('expired');

      // a new request can now be made
      const again = await service.request({
        entityRef: 'component:default/checkout',
        version: '1.0.0',
        environment: 'production',
        requestedBy: 'user:default/alice',
        reason: 'retry',
        emergency: false,
      });
      expect(again.status).toBe('pending');
    });
  },
);
