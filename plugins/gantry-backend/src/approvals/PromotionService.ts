import { randomUUID } from 'node:crypto';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PromotionRequest } from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import type { ComplianceConfig } from '../kernel/config/complianceConfig';
import { assertMayDecide, type ApproverDirectory } from '../kernel/approvers';
import type { Notifier } from '../kernel/notifier';
import type { PromotionStore } from './PromotionStore';

/** Whether a release has been recorded (its evidence uploaded); evidence provides it. */
export interface ReleaseLookup {
  getRelease(entityRef: string, version: string): Promise<unknown>;
}

/** Told once a request takes effect (approved, or emergency), after its transaction commits. */
export interface PromotionListener {
  approved(request: PromotionRequest): Promise<void>;
}

const HOUR = 3_600_000;

/**
 * Promotion requests into environments that need approval: N approvals from members
 * of the owning group (or configured approver groups), never from the requester,
 * before an expiry; rejection with a comment; an emergency path that is immediately
 * effective and must be reviewed by another approver afterwards.
 */
export class PromotionService {
  constructor(
    private readonly deps: {
      store: PromotionStore;
      evidence: ReleaseLookup;
      audit: AuditService;
      approvers: ApproverDirectory;
      notifier: Notifier;
      config: ComplianceConfig['approvals'];
      environments: string[];
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  private readonly listeners: PromotionListener[] = [];

  /** Registration instead of an import: gitops writes approved releases into Git. */
  addListener(listener: PromotionListener) {
    this.listeners.push(listener);
  }

  private async tellApproved(request: PromotionRequest) {
    for (const listener of this.listeners)
      await listener
        .approved(request)
        .catch(e =>
          this.deps.logger.error(`Listener failed on ${request.id}: ${e}`),
        );
  }

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  needsApproval(environment: string): boolean {
    return this.deps.config.environments.includes(environment);
  }

  /** Pending requests past their expiry read as expired. */
  private effective(p: PromotionRequest): PromotionRequest {
    return p.status === 'pending' &&
      Date.parse(p.expiresAt) <= this.now().getTime()
      ? { ...p, status: 'expired' }
      : p;
  }

  async request(input: {
    entityRef: string;
    version: string;
    environment: string;
    requestedBy: string;
    reason: string;
    emergency: boolean;
  }): Promise<PromotionRequest> {
    const { environments } = this.deps;
    if (!environments.includes(input.environment)) {
      throw new InputError(
        `Unknown environment '${
          input.environment
        }'. Configured environments: ${environments.join(', ')}.`,
      );
    }
    if (!this.needsApproval(input.environment)) {
      throw new InputError(
        `Promotions into ${
          input.environment
        } need no approval (approvals apply to ${this.deps.config.environments.join(
          ', ',
        )}); promote directly.`,
      );
    }
    if (
      !(await this.deps.evidence.getRelease(input.entityRef, input.version))
    ) {
      throw new NotFoundError(
        `No release ${input.version} of ${input.entityRef}. Upload its evidence first; the first upload creates the release.`,
      );
    }
    const open = await this.deps.store.list({
      entityRef: input.entityRef,
      version: input.version,
      environment: input.environment,
      statuses: ['pending'],
    });
    const stillOpen = open
      .map(p => this.effective(p))
      .find(p => p.status === 'pending');
    if (stillOpen) {
      throw new ConflictError(
        `Release ${input.version} already has a pending request into ${input.environment} (${stillOpen.id}); decide or let it expire first.`,
      );
    }
    const now = this.now();
    const approverGroups =
      this.deps.config.extraApproverGroups[input.environment] ?? [];
    const request: PromotionRequest = {
      id: randomUUID(),
      ...input,
      status: input.emergency ? 'emergency' : 'pending',
      requiredApprovals: this.deps.config.requiredApprovals,
      approverGroups,
      reviewStatus: input.emergency ? 'pending' : undefined,
      createdAt: now.toISOString(),
      expiresAt: new Date(
        now.getTime() +
          (input.emergency
            ? this.deps.config.emergencyReviewHours
            : this.deps.config.expiresAfterHours) *
            HOUR,
      ).toISOString(),
      decisions: [],
    };
    await this.deps.store.transaction(async tx => {
      await this.deps.store.insert(tx, request);
      await this.deps.audit.record(
        {
          actor: input.requestedBy,
          action: input.emergency ? 'promotion.emergency' : 'promotion.request',
          entityRef: input.entityRef,
          details: {
            requestId: request.id,
            version: input.version,
            environment: input.environment,
            reason: input.reason,
          },
        },
        tx,
      );
    });
    if (request.emergency) await this.tellApproved(request);
    await this.notifyApprovers(request).catch(e =>
      this.deps.logger.warn(
        `Could not notify approvers of ${request.id}: ${e}`,
      ),
    );
    return request;
  }

  /** Asks the people who may decide, by name, so the requester is never asked to approve their own request. */
  private async notifyApprovers(request: PromotionRequest) {
    const recipients = await this.deps.approvers.approversToAsk({
      entityRef: request.entityRef,
      extraGroups: request.approverGroups,
      requestedBy: request.requestedBy,
    });
    if (!recipients.length) {
      this.deps.logger.warn(
        `Nobody but the requester may decide ${request.id} (${request.entityRef}); add members to its owning group or gantry.compliance.approvals.extraApproverGroups.`,
      );
      return;
    }
    await this.deps.notifier.notify({
      recipients,
      title: request.emergency
        ? `Emergency promotion of ${request.entityRef} ${request.version} needs a review`
        : `Approve ${request.entityRef} ${request.version} into ${request.environment}?`,
      description: `${request.requestedBy}: ${request.reason}`,
      link: '/gantry/approvals',
      topic: 'gantry-approvals',
    });
  }

  async assertKnownUser(userRef: string): Promise<void> {
    if (!(await this.deps.approvers.userExists(userRef))) {
      throw new InputError(
        `requestedBy ${userRef} is not a User in the catalog.`,
      );
    }
  }

  async get(id: string): Promise<PromotionRequest> {
    const p = await this.deps.store.get(id);
    if (!p) throw new NotFoundError(`No promotion request ${id}.`);
    return this.effective(p);
  }

  private assertApprover(p: PromotionRequest, userRef: string, what: string) {
    return assertMayDecide(this.deps.approvers, {
      userRef,
      requestedBy: p.requestedBy,
      entityRef: p.entityRef,
      extraGroups: p.approverGroups,
      action: what,
      subject: 'promotions',
      ownRequest: `You requested this promotion, so you cannot ${what} it: segregation of duties needs another member of the owning group.`,
    });
  }

  async decide(input: {
    id: string;
    userRef: string;
    decision: 'approve' | 'reject';
    comment?: string;
  }): Promise<PromotionRequest> {
    if (input.decision === 'reject' && !input.comment?.trim()) {
      throw new InputError(
        'A rejection needs a comment that tells the requester what to change.',
      );
    }
    const decided = await this.deps.store.transaction(async tx => {
      const stored = await this.deps.store.get(input.id, tx);
      if (!stored) throw new NotFoundError(`No promotion request ${input.id}.`);
      const p = this.effective(stored);
      if (p.status === 'expired') {
        await this.deps.store.update(tx, p.id, { status: 'expired' });
        throw new ConflictError(
          `Promotion request ${p.id} expired at ${p.expiresAt}; ask for a new one.`,
        );
      }
      if (p.status !== 'pending') {
        throw new ConflictError(
          `Promotion request ${p.id} is already ${p.status}.`,
        );
      }
      await this.assertApprover(p, input.userRef, input.decision);
      if (p.decisions.some(d => d.decidedBy === input.userRef)) {
        throw new ConflictError(
          `You already decided on promotion request ${p.id}.`,
        );
      }
      const now = this.now().toISOString();
      await this.deps.store.addDecision(tx, p.id, {
        decidedBy: input.userRef,
        decision: input.decision,
        comment: input.comment,
        decidedAt: now,
      });
      const approvals =
        p.decisions.filter(d => d.decision === 'approve').length +
        (input.decision === 'approve' ? 1 : 0);
      let status: 'pending' | 'approved' | 'rejected' = 'pending';
      if (input.decision === 'reject') status = 'rejected';
      else if (approvals >= p.requiredApprovals) status = 'approved';
      if (status !== 'pending')
        await this.deps.store.update(tx, p.id, { status, decided_at: now });
      await this.deps.audit.record(
        {
          actor: input.userRef,
          action: `approval.${input.decision}`,
          entityRef: p.entityRef,
          details: {
            requestId: p.id,
            version: p.version,
            environment: p.environment,
            requestedBy: p.requestedBy,
            comment: input.comment ?? null,
            resultingStatus: status,
          },
        },
        tx,
      );
      return (await this.deps.store.get(p.id, tx))!;
    });
    if (decided.status === 'approved') await this.tellApproved(decided);
    return decided;
  }

  /** The after-the-fact review an emergency promotion must get from another approver. */
  async review(input: {
    id: string;
    userRef: string;
    comment: string;
  }): Promise<PromotionRequest> {
    if (!input.comment.trim()) {
      throw new InputError(
        'A review needs a comment: what was checked and whether the change stays.',
      );
    }
    return this.deps.store.transaction(async tx => {
      const p = await this.deps.store.get(input.id, tx);
      if (!p) throw new NotFoundError(`No promotion request ${input.id}.`);
      if (!p.emergency || p.reviewStatus !== 'pending') {
        throw new ConflictError(
          `Promotion request ${p.id} has no pending emergency review.`,
        );
      }
      await this.assertApprover(p, input.userRef, 'review');
      await this.deps.store.update(tx, p.id, {
        review_status: 'done',
        reviewed_by: input.userRef,
        review_comment: input.comment,
      });
      await this.deps.audit.record(
        {
          actor: input.userRef,
          action: 'promotion.emergency-review',
          entityRef: p.entityRef,
          details: {
            requestId: p.id,
            version: p.version,
            comment: input.comment,
          },
        },
        tx,
      );
      return (await this.deps.store.get(p.id, tx))!;
    });
  }

  async listForEntity(entityRef: string): Promise<PromotionRequest[]> {
    return (await this.deps.store.list({ entityRef })).map(p =>
      this.effective(p),
    );
  }

  /** What awaits the user: pending requests and emergency reviews they may decide. */
  async awaiting(userRef: string): Promise<PromotionRequest[]> {
    const open = (
      await this.deps.store.list({ statuses: ['pending'], reviewPending: true })
    )
      .map(p => this.effective(p))
      .filter(p => p.status === 'pending' || p.reviewStatus === 'pending')
      .filter(
        p =>
          p.requestedBy !== userRef &&
          !p.decisions.some(d => d.decidedBy === userRef),
      );
    const out: PromotionRequest[] = [];
    const ownersCache = new Map<string, string[]>();
    for (const p of open) {
      if (!ownersCache.has(p.entityRef))
        ownersCache.set(
          p.entityRef,
          await this.deps.approvers.ownersOf(p.entityRef),
        );
      if (
        await this.deps.approvers.canApprove(
          userRef,
          ownersCache.get(p.entityRef)!,
          p.approverGroups,
        )
      )
        out.push(p);
    }
    return out;
  }

  /** For the approvals gate rule. */
  async approvalState(entityRef: string, version: string, environment: string) {
    const requests = (
      await this.deps.store.list({ entityRef, version, environment })
    ).map(p => this.effective(p));
    return {
      approved: requests.find(p => p.status === 'approved'),
      emergency: requests.find(p => p.status === 'emergency'),
      latest: requests[0],
    };
  }
}
