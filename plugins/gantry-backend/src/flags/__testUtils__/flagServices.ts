import type { Knex } from 'knex';
import type { ApproverDirectory } from '../../kernel/approvers';
import { AuditService } from '../../kernel/audit/AuditService';
import { KnexAuditStore } from '../../kernel/audit/KnexAuditStore';
import { FlagApprovalService } from '../FlagApprovalService';
import { FlagChangeApplier } from '../FlagChangeApplier';
import { FlagService, type FlagSetListener } from '../FlagService';
import { KnexFlagChangeStore } from '../KnexFlagChangeStore';
import { KnexFlagStore } from '../KnexFlagStore';

/**
 * The flag services wired as createFlags wires them, on a migrated test database:
 * staging and production, production needing another owner's approval.
 */
export function flagServicesFor(
  knex: Knex,
  opts: {
    approvers: Pick<ApproverDirectory, 'ownersOf' | 'canApprove'>;
    listener?: FlagSetListener;
  },
) {
  const audit = new AuditService(new KnexAuditStore(knex));
  const store = new KnexFlagStore(knex);
  const changes = new KnexFlagChangeStore(knex);
  const applier = new FlagChangeApplier({ store, audit });
  const listener = opts.listener ?? { changed: () => {} };
  const approvals = {
    environments: ['production'],
    extraApproverGroups: {},
    expiresAfterHours: 24,
  };
  return {
    audit,
    store,
    changes,
    applier,
    flags: new FlagService({
      store,
      changes,
      applier,
      audit,
      listener,
      environments: ['staging', 'production'],
      approvals,
    }),
    approvals: new FlagApprovalService({
      changes,
      applier,
      audit,
      approvers: opts.approvers as ApproverDirectory,
      listener,
      approvals,
    }),
  };
}
