import { randomUUID } from 'node:crypto';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  FeatureFlag,
  FlagChangeRequest,
  FlagHistoryEntry,
  FlagInput,
  FlagUsage,
  FlagWriteResult,
} from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import type { FlagChangeStore } from './FlagChangeStore';
import type { FlagStore } from './FlagStore';
import type { FlagChangeApplier } from './FlagChangeApplier';
import type { Proposal } from './proposals';

/** Width of the evaluation-count buckets. */
export const USAGE_BUCKET_MINUTES = 5;

const HOUR = 3_600_000;

export interface FlagApprovalConfig {
  /** Environments whose flag changes need another owner's approval. */
  environments: string[];
  extraApproverGroups: Record<string, string[]>;
  expiresAfterHours: number;
}

/** Told after every committed change, so caches reload and SSE clients refetch. */
export interface FlagSetListener {
  changed(entityRef: string, environment: string): void;
}

/** The variant a kill switch serves when none is named: `false`, else the default, else the first. */
function defaultSafeVariant(input: FlagInput): string {
  const variants = Object.entries(input.definition.variants ?? {});
  return (
    variants.find(([, v]) => v === false)?.[0] ??
    input.definition.defaultVariant ??
    variants[0]?.[0] ??
    ''
  );
}

/**
 * Flags and segments of an entity: reads, and writes under change control. A write is
 * checked (flagd validity, version) before anything is stored, then applied at once or,
 * in approval environments, stored as a pending change for FlagApprovalService. The
 * kill switch applies at once and leaves a review behind. Every change is audited in
 * its own transaction.
 */
export class FlagService {
  constructor(
    private readonly deps: {
      store: FlagStore;
      changes: FlagChangeStore;
      applier: FlagChangeApplier;
      audit: AuditService;
      listener: FlagSetListener;
      environments: string[];
      approvals: FlagApprovalConfig;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  needsApproval(environment: string): boolean {
    return this.deps.approvals.environments.includes(environment);
  }

  private assertEnvironment(environment: string) {
    if (!this.deps.environments.includes(environment)) {
      throw new InputError(
        `Unknown environment '${environment}'. Configured environments: ${this.deps.environments.join(
          ', ',
        )}.`,
      );
    }
  }

  listFlags(entityRef: string, environment?: string) {
    return this.deps.store.listFlags(entityRef, environment);
  }

  async getFlag(entityRef: string, environment: string, key: string) {
    const flag = await this.deps.store.getFlag(entityRef, environment, key);
    if (!flag)
      throw new NotFoundError(
        `No flag '${key}' in ${environment} for ${entityRef}.`,
      );
    return flag;
  }

  listSegments(entityRef: string, environment?: string) {
    return this.deps.store.listSegments(entityRef, environment);
  }

  /** The entity's audited flag events, newest first, read from the shared audit log. */
  async history(entityRef: string, limit = 100): Promise<FlagHistoryEntry[]> {
    const records = await this.deps.audit.list({ entityRef, limit: 1000 });
    return records
      .filter(r => r.action.startsWith('flag.'))
      .slice(0, limit)
      .map(r => {
        const d = (r.details ?? {}) as Record<string, any>;
        return {
          seq: r.seq,
          occurredAt: r.occurredAt,
          actor: r.actor,
          action: r.action,
          ...(d.environment ? { environment: d.environment } : {}),
          ...(d.key ? { key: d.key } : {}),
          ...(d.reason ? { reason: d.reason } : {}),
          ...('before' in d ? { before: d.before } : {}),
          ...('after' in d ? { after: d.after } : {}),
        };
      });
  }

  /** Evaluations per flag and variant in 5-minute buckets (flushed about once a minute). */
  async usage(
    entityRef: string,
    environment: string,
    hours: number,
  ): Promise<Omit<FlagUsage, 'metrics'>> {
    this.assertEnvironment(environment);
    const to = this.now();
    const from = new Date(to.getTime() - hours * HOUR).toISOString();
    return {
      environment,
      bucketMinutes: USAGE_BUCKET_MINUTES,
      from,
      to: to.toISOString(),
      rows: await this.deps.store.evaluationCounts(
        entityRef,
        environment,
        from,
      ),
    };
  }

  /**
   * Fills in owner and safe variant so what is approved is exactly what gets applied.
   * A safe variant that cannot be derived (the definition is broken) is left out:
   * the definition's own problems are reported, not a field the user never set.
   */
  completeInput(input: FlagInput, entityOwner: string): FlagInput {
    const derived = defaultSafeVariant(input);
    const safeVariant =
      input.safeVariant ??
      (derived in (input.definition.variants ?? {}) ? derived : undefined);
    return {
      ...input,
      owner: input.owner ?? entityOwner,
      ...(safeVariant !== undefined ? { safeVariant } : {}),
    };
  }

  /**
   * Creates, changes or deletes a flag or segment. Applied at once, or stored as a
   * pending change where the environment needs approval. A `safety` change (the ramp
   * guard stopping a ramp) applies at once everywhere and, like the kill switch, leaves
   * a review behind in approval environments.
   */
  async write(input: {
    entityRef: string;
    environment: string;
    proposal: Proposal;
    baseVersion: number | null;
    reason: string;
    actor: string;
    safety?: boolean;
  }): Promise<FlagWriteResult> {
    this.assertEnvironment(input.environment);
    const { entityRef, environment, proposal } = input;
    // Check validity and version now, so a broken or stale edit never waits for approval.
    await this.deps.applier.checkCandidate(entityRef, environment, proposal);
    await this.deps.applier.currentAt(
      entityRef,
      environment,
      proposal,
      input.baseVersion,
    );
    if (!this.needsApproval(environment)) {
      const applied = await this.deps.store.transaction(tx =>
        this.deps.applier.apply(tx, { ...input, changeId: undefined }),
      );
      this.deps.listener.changed(entityRef, environment);
      return applied;
    }
    if (input.safety) return this.applyForReview(input);
    const now = this.now();
    const change: FlagChangeRequest = {
      id: randomUUID(),
      entityRef,
      environment,
      target: proposal.target,
      key: proposal.key,
      operation: proposal.operation,
      baseVersion: input.baseVersion,
      ...('input' in proposal ? { proposed: proposal.input } : {}),
      reason: input.reason,
      requestedBy: input.actor,
      status: 'pending',
      createdAt: now.toISOString(),
      expiresAt: new Date(
        now.getTime() + this.deps.approvals.expiresAfterHours * HOUR,
      ).toISOString(),
    };
    await this.deps.store.transaction(async tx => {
      const before = await this.deps.applier.currentAt(
        entityRef,
        environment,
        proposal,
        input.baseVersion,
        tx,
      );
      await this.deps.changes.insert(tx, change);
      await this.deps.audit.record(
        {
          actor: input.actor,
          action: `flag.change.request`,
          entityRef,
          details: {
            changeId: change.id,
            environment,
            target: proposal.target,
            key: proposal.key,
            operation: proposal.operation,
            reason: input.reason,
            before: before ?? null,
            after: change.proposed ?? null,
          },
        },
        tx,
      );
    });
    return { status: 'pending', change };
  }

  private async applyForReview(input: {
    entityRef: string;
    environment: string;
    proposal: Proposal;
    baseVersion: number | null;
    reason: string;
    actor: string;
  }): Promise<FlagWriteResult> {
    const { entityRef, environment, proposal } = input;
    const now = this.now().toISOString();
    const change: FlagChangeRequest = {
      id: randomUUID(),
      entityRef,
      environment,
      target: proposal.target,
      key: proposal.key,
      operation: proposal.operation,
      baseVersion: input.baseVersion,
      ...('input' in proposal ? { proposed: proposal.input } : {}),
      reason: input.reason,
      requestedBy: input.actor,
      status: 'applied',
      reviewStatus: 'pending',
      createdAt: now,
      expiresAt: now,
    };
    const applied = await this.deps.store.transaction(async tx => {
      const result = await this.deps.applier.apply(tx, {
        ...input,
        changeId: change.id,
      });
      await this.deps.changes.insert(tx, change);
      return result;
    });
    this.deps.listener.changed(entityRef, environment);
    return applied;
  }

  /**
   * The kill switch: applies at once everywhere (a review follows in approval
   * environments). It marks the flag killed and leaves the authored definition as it
   * is; the served flag set turns a killed flag into its safe variant (flagSet.ts).
   */
  async kill(input: {
    entityRef: string;
    environment: string;
    key: string;
    reason: string;
    actor: string;
  }): Promise<{ flag: FeatureFlag; change: FlagChangeRequest }> {
    this.assertEnvironment(input.environment);
    const { entityRef, environment, key } = input;
    const result = await this.deps.store.transaction(async tx => {
      const now = this.now();
      await this.deps.store.bumpRevision(
        tx,
        entityRef,
        environment,
        now.toISOString(),
      );
      const before = await this.deps.store.getFlag(
        entityRef,
        environment,
        key,
        tx,
      );
      if (!before)
        throw new NotFoundError(
          `No flag '${key}' in ${environment} for ${entityRef}.`,
        );
      if (before.killedAt) {
        throw new ConflictError(
          `The flag '${key}' in ${environment} is already killed (by ${before.killedBy} at ${before.killedAt}); it serves '${before.safeVariant}'. Restore it to serve its definition again.`,
        );
      }
      const { summary: _summary, ...stored } = before;
      await this.deps.store.updateFlag(tx, {
        ...stored,
        version: before.version + 1,
        killedAt: now.toISOString(),
        killedBy: input.actor,
        killedReason: input.reason,
        updatedAt: now.toISOString(),
        updatedBy: input.actor,
      });
      const after = (await this.deps.store.getFlag(
        entityRef,
        environment,
        key,
        tx,
      ))!;
      const change: FlagChangeRequest = {
        id: randomUUID(),
        entityRef,
        environment,
        target: 'flag',
        key,
        operation: 'kill',
        baseVersion: before.version,
        reason: input.reason,
        requestedBy: input.actor,
        status: 'applied',
        ...(this.needsApproval(environment)
          ? { reviewStatus: 'pending' as const }
          : {}),
        createdAt: now.toISOString(),
        expiresAt: now.toISOString(),
      };
      await this.deps.changes.insert(tx, change);
      await this.deps.audit.record(
        {
          actor: input.actor,
          action: 'flag.kill',
          entityRef,
          details: {
            changeId: change.id,
            environment,
            key,
            reason: input.reason,
            safeVariant: before.safeVariant,
            reviewRequired: change.reviewStatus === 'pending',
            before,
            after,
          },
        },
        tx,
      );
      return { flag: after, change };
    });
    this.deps.listener.changed(entityRef, environment);
    return result;
  }

  /**
   * Lifts the kill switch, serving the definition as it was authored before the kill
   * (or as edited while killed). Restoring turns traffic back on, so in approval
   * environments it waits for another owner like any other change.
   */
  restore(input: {
    entityRef: string;
    environment: string;
    key: string;
    baseVersion: number;
    reason: string;
    actor: string;
  }): Promise<FlagWriteResult> {
    return this.write({
      entityRef: input.entityRef,
      environment: input.environment,
      proposal: { target: 'flag', operation: 'restore', key: input.key },
      baseVersion: input.baseVersion,
      reason: input.reason,
      actor: input.actor,
    });
  }
}
