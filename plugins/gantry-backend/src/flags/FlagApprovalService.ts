import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { FlagChangeRequest } from '@gantry/plugin-gantry-common';
import { assertMayDecide, type ApproverDirectory } from '../kernel/approvers';
import type { AuditService } from '../kernel/audit/AuditService';
import type { FlagChangeStore } from './FlagChangeStore';
import type { FlagChangeApplier } from './FlagChangeApplier';
import type { FlagApprovalConfig, FlagSetListener } from './FlagService';
import type { Proposal } from './proposals';
import { StaleVersionError } from './StaleVersionError';

/**
 * Four eyes on flag changes, following PromotionService: another member of the owning
 * group (catalog relations via ApproverDirectory, plus configured approver groups)
 * decides, never the author; an approval applies the change on the version it was made
 * on or marks it stale; kill switches get their review here.
 */
export class FlagApprovalService {
  constructor(
    private readonly deps: {
      changes: FlagChangeStore;
      applier: FlagChangeApplier;
      audit: AuditService;
      approvers: ApproverDirectory;
      listener: FlagSetListener;
      approvals: FlagApprovalConfig;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  /** Pending changes and kill reviews first, then the latest history. */
  async listChanges(entityRef: string): Promise<FlagChangeRequest[]> {
    const all = await this.deps.changes.list({ entityRef });
    return all.map(c => this.effective(c));
  }

  /** Open changes and kill reviews across entities that the user may decide, not their own. */
  async awaiting(userRef: string): Promise<FlagChangeRequest[]> {
    const open = (await this.deps.changes.list({ open: true }))
      .map(c => this.effective(c))
      .filter(c => c.status === 'pending' || c.reviewStatus === 'pending')
      .filter(
        c =>
          c.requestedBy.toLocaleLowerCase('en-US') !==
          userRef.toLocaleLowerCase('en-US'),
      );
    const owners = new Map<string, string[]>();
    const out: FlagChangeRequest[] = [];
    for (const c of open) {
      if (!owners.has(c.entityRef))
        owners.set(
          c.entityRef,
          await this.deps.approvers.ownersOf(c.entityRef),
        );
      const extra =
        this.deps.approvals.extraApproverGroups[c.environment] ?? [];
      if (
        await this.deps.approvers.canApprove(
          userRef,
          owners.get(c.entityRef)!,
          extra,
        )
      )
        out.push(c);
    }
    return out;
  }

  private effective(c: FlagChangeRequest): FlagChangeRequest {
    return c.status === 'pending' &&
      Date.parse(c.expiresAt) <= this.now().getTime()
      ? { ...c, status: 'expired' }
      : c;
  }

  private assertApprover(c: FlagChangeRequest, userRef: string, what: string) {
    return assertMayDecide(this.deps.approvers, {
      userRef,
      requestedBy: c.requestedBy,
      entityRef: c.entityRef,
      extraGroups: this.deps.approvals.extraApproverGroups[c.environment] ?? [],
      action: what,
      subject: 'flag changes',
      ownRequest: `You made this flag change, so you cannot ${what} it: four eyes needs another member of the owning group.`,
    });
  }

  /** The change `id` of `entityRef`; a change of another entity is as unknown as a missing one. */
  private async changeOf(
    entityRef: string,
    id: string,
    tx: Parameters<FlagChangeStore['get']>[1],
  ): Promise<FlagChangeRequest> {
    const c = await this.deps.changes.get(id, tx);
    if (
      !c ||
      c.entityRef.toLocaleLowerCase('en-US') !==
        entityRef.toLocaleLowerCase('en-US')
    )
      throw new NotFoundError(`No flag change ${id} for ${entityRef}.`);
    return c;
  }

  async decide(input: {
    entityRef: string;
    id: string;
    userRef: string;
    decision: 'approve' | 'reject';
    comment?: string;
  }): Promise<FlagChangeRequest> {
    if (input.decision === 'reject' && !input.comment?.trim()) {
      throw new InputError(
        'A rejection needs a comment that tells the author what to change.',
      );
    }
    let stale: StaleVersionError | undefined;
    const decided = await this.deps.changes.transaction(async tx => {
      const c = this.effective(
        await this.changeOf(input.entityRef, input.id, tx),
      );
      if (c.status !== 'pending') {
        throw new ConflictError(
          `Flag change ${c.id} is ${c.status}${
            c.status === 'expired'
              ? ` since ${c.expiresAt}; ask for a new one`
              : ''
          }.`,
        );
      }
      await this.assertApprover(c, input.userRef, input.decision);
      const now = this.now().toISOString();
      let status: FlagChangeRequest['status'] =
        input.decision === 'approve' ? 'applied' : 'rejected';
      if (input.decision === 'approve') {
        try {
          await this.deps.applier.apply(tx, {
            entityRef: c.entityRef,
            environment: c.environment,
            proposal: {
              target: c.target,
              operation: c.operation,
              key: c.key,
              input: c.proposed,
            } as Proposal,
            baseVersion: c.baseVersion,
            reason: c.reason,
            actor: c.requestedBy,
            changeId: c.id,
            approvedBy: input.userRef,
          });
        } catch (e) {
          if (!(e instanceof StaleVersionError)) throw e;
          stale = e;
          status = 'stale';
        }
      }
      await this.deps.changes.update(tx, c.id, {
        status,
        decidedBy: input.userRef,
        comment: input.comment ?? null,
        decidedAt: now,
      });
      await this.deps.audit.record(
        {
          actor: input.userRef,
          action: `flag.change.${input.decision}`,
          entityRef: c.entityRef,
          details: {
            changeId: c.id,
            environment: c.environment,
            key: c.key,
            requestedBy: c.requestedBy,
            comment: input.comment ?? null,
            resultingStatus: status,
          },
        },
        tx,
      );
      return (await this.deps.changes.get(c.id, tx))!;
    });
    if (stale) {
      throw new StaleVersionError(
        `Flag change ${decided.id} was made on an older version and is now marked stale: ${stale.message}`,
        stale.current,
      );
    }
    if (decided.status === 'applied')
      this.deps.listener.changed(decided.entityRef, decided.environment);
    return decided;
  }

  /** The after-the-fact review a kill switch or ramp-guard stop in an approval environment needs. */
  async review(input: {
    entityRef: string;
    id: string;
    userRef: string;
    comment: string;
  }): Promise<FlagChangeRequest> {
    if (!input.comment.trim()) {
      throw new InputError(
        'A review needs a comment: what was checked and whether the flag stays killed.',
      );
    }
    return this.deps.changes.transaction(async tx => {
      const c = await this.changeOf(input.entityRef, input.id, tx);
      if (c.reviewStatus !== 'pending') {
        throw new ConflictError(`Flag change ${c.id} has no pending review.`);
      }
      await this.assertApprover(c, input.userRef, 'review');
      await this.deps.changes.update(tx, c.id, {
        reviewStatus: 'done',
        decidedBy: input.userRef,
        comment: input.comment,
        decidedAt: this.now().toISOString(),
      });
      await this.deps.audit.record(
        {
          actor: input.userRef,
          action:
            c.operation === 'kill' ? 'flag.kill.review' : 'flag.change.review',
          entityRef: c.entityRef,
          details: {
            changeId: c.id,
            environment: c.environment,
            key: c.key,
            comment: input.comment,
          },
        },
        tx,
      );
      return (await this.deps.changes.get(c.id, tx))!;
    });
  }
}
