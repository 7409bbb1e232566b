import type { Knex } from 'knex';
import {
  knexTransactions,
  type RunInTransaction,
  type Transaction,
} from '../kernel/transaction';
import type { AllowlistEntry, AllowlistStore } from './AllowlistStore';

export class KnexAllowlistStore implements AllowlistStore {
  readonly transaction: RunInTransaction;

  constructor(private readonly db: Knex) {
    this.transaction = knexTransactions(db);
  }

  async activeIds(entityRef: string, now: Date): Promise<Set<string>> {
    const rows = await this.db('gantry_vuln_allowlist')
      .where({ entity_ref: entityRef })
      .where('expires_at', '>', now.toISOString())
      .select('vulnerability_id');
    return new Set(rows.map((r: any) => r.vulnerability_id));
  }

  async list(entityRef: string): Promise<AllowlistEntry[]> {
    const rows = await this.db('gantry_vuln_allowlist')
      .where({ entity_ref: entityRef })
      .orderBy('expires_at');
    return rows.map((r: any) => ({
      entityRef: r.entity_ref,
      vulnerabilityId: r.vulnerability_id,
      justification: r.justification,
      expiresAt: r.expires_at,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }

  async upsert(tx: Transaction, e: AllowlistEntry): Promise<void> {
    await tx('gantry_vuln_allowlist')
      .insert({
        entity_ref: e.entityRef,
        vulnerability_id: e.vulnerabilityId,
        justification: e.justification,
        expires_at: e.expiresAt,
        created_by: e.createdBy,
        created_at: e.createdAt,
      })
      .onConflict(['entity_ref', 'vulnerability_id'])
      .merge();
  }

  async remove(
    tx: Transaction,
    entityRef: string,
    vulnerabilityId: string,
  ): Promise<number> {
    return tx('gantry_vuln_allowlist')
      .where({ entity_ref: entityRef, vulnerability_id: vulnerabilityId })
      .delete();
  }
}
