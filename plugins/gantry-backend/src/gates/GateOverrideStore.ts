import type { RunInTransaction, Transaction } from '../kernel/transaction';

/** A person accepted a failing gate rule for one release into one environment. */
export interface GateOverride {
  entityRef: string;
  version: string;
  environment: string;
  rule: string;
  reason: string;
  createdBy: string;
  createdAt: string;
}

export interface GateOverrideStore {
  transaction: RunInTransaction;
  find(
    key: Pick<GateOverride, 'entityRef' | 'version' | 'environment' | 'rule'>,
  ): Promise<GateOverride | undefined>;
  /** Records it; false when one exists already for the same key. */
  insert(tx: Transaction, o: GateOverride): Promise<boolean>;
}
