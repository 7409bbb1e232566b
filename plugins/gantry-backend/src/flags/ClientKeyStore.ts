import type { FlagClientKey } from '@gantry/plugin-gantry-common';
import type { RunInTransaction, Transaction } from '../kernel/transaction';

export interface StoredClientKey extends FlagClientKey {
  keyHash: string;
}

/**
 * Client keys by SHA-256 hash; the secret itself is never stored. KnexClientKeyStore
 * keeps them in the database.
 */
export interface ClientKeyStore {
  transaction: RunInTransaction;

  insert(tx: Transaction, k: FlagClientKey, keyHash: string): Promise<void>;
  list(entityRef: string): Promise<FlagClientKey[]>;
  get(id: string, tx?: Transaction): Promise<StoredClientKey | undefined>;
  byHash(keyHash: string): Promise<StoredClientKey | undefined>;
  rotate(
    tx: Transaction,
    id: string,
    keyHash: string,
    prefix: string,
    at: string,
  ): Promise<void>;
  revoke(tx: Transaction, id: string, at: string): Promise<void>;
  /** Records when the key was last used. */
  touch(id: string, at: string): Promise<void>;
}
