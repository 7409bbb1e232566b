import { InputError, NotFoundError } from '@backstage/errors';
import type { AuditService } from '../kernel/audit/AuditService';
import type { AllowlistEntry, AllowlistStore } from './AllowlistStore';

const MAX_DAYS = 365;

/** Accepted vulnerabilities: each with a justification and an expiry, every change audited. */
export class AllowlistService {
  constructor(
    private readonly store: AllowlistStore,
    private readonly audit: AuditService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(entityRef: string) {
    return this.store.list(entityRef);
  }

  async accept(input: {
    entityRef: string;
    vulnerabilityId: string;
    justification: string;
    expiresAt: string;
    actor: string;
  }): Promise<AllowlistEntry> {
    const now = this.now();
    const expires = Date.parse(input.expiresAt);
    if (expires <= now.getTime()) {
      throw new InputError(
        `expiresAt ${input.expiresAt} is in the past; give a future date.`,
      );
    }
    if (expires > now.getTime() + MAX_DAYS * 86_400_000) {
      throw new InputError(
        `expiresAt may be at most ${MAX_DAYS} days ahead; review the acceptance again before then.`,
      );
    }
    const entry: AllowlistEntry = {
      entityRef: input.entityRef,
      vulnerabilityId: input.vulnerabilityId,
      justification: input.justification,
      expiresAt: new Date(expires).toISOString(),
      createdBy: input.actor,
      createdAt: now.toISOString(),
    };
    await this.store.transaction(async tx => {
      await this.store.upsert(tx, entry);
      await this.audit.record(
        {
          actor: input.actor,
          action: 'allowlist.accept',
          entityRef: input.entityRef,
          details: {
            vulnerabilityId: entry.vulnerabilityId,
            justification: entry.justification,
            expiresAt: entry.expiresAt,
          },
        },
        tx,
      );
    });
    return entry;
  }

  async revoke(input: {
    entityRef: string;
    vulnerabilityId: string;
    actor: string;
  }) {
    await this.store.transaction(async tx => {
      const n = await this.store.remove(
        tx,
        input.entityRef,
        input.vulnerabilityId,
      );
      if (n === 0)
        throw new NotFoundError(
          `${input.vulnerabilityId} is not allowlisted for ${input.entityRef}.`,
        );
      await this.audit.record(
        {
          actor: input.actor,
          action: 'allowlist.revoke',
          entityRef: input.entityRef,
          details: { vulnerabilityId: input.vulnerabilityId },
        },
        tx,
      );
    });
  }
}
