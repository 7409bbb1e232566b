import type { Knex } from 'knex';

export interface AllowlistEntry {
  entityRef: string;
  vulnerabilityId: string;
  justification: string;
  expiresAt: string;
  createdBy: string;
  createdAt: string;
}

export class AllowlistStore {
  constructor(readonly db: Knex) {}

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

  async upsert(tx: Knex.Transaction, e: AllowlistEntry): Promise<void> {
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
    tx: Knex.Transaction,
    entityRef: string,
    vulnerabilityId: string,
  ): Promise<number> {
    return tx('gantry_vuln_allowlist')
      .where({ entity_ref: entityRef, vulnerability_id: vulnerabilityId })
      .delete();
  }
}
