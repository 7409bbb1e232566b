import type { Knex } from 'knex';
import {
  knexTransactions,
  type RunInTransaction,
  type Transaction,
} from '../kernel/transaction';
import type { GateOverride, GateOverrideStore } from './GateOverrideStore';

const toOverride = (r: any): GateOverride => ({
  entityRef: r.entity_ref,
  version: r.version,
  environment: r.environment,
  rule: r.rule,
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export class KnexGateOverrideStore implements GateOverrideStore {
  readonly transaction: RunInTransaction;

  constructor(private readonly db: Knex) {
    this.transaction = knexTransactions(db);
  }

  async find(
    key: Pick<GateOverride, 'entityRef' | 'version' | 'environment' | 'rule'>,
  ): Promise<GateOverride | undefined> {
    const row = await this.db('gantry_gate_overrides')
      .where({
        entity_ref: key.entityRef,
        version: key.version,
        environment: key.environment,
        rule: key.rule,
      })
      .first();
    return row ? toOverride(row) : undefined;
  }

  async insert(tx: Transaction, o: GateOverride): Promise<boolean> {
    const inserted = await tx('gantry_gate_overrides')
      .insert({
        entity_ref: o.entityRef,
        version: o.version,
        environment: o.environment,
        rule: o.rule,
        reason: o.reason,
        created_by: o.createdBy,
        created_at: o.createdAt,
      })
      .onConflict(['entity_ref', 'version', 'environment', 'rule'])
      .ignore()
      .returning('rule');
    return inserted.length > 0;
  }
}
