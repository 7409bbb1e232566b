import type { Knex } from 'knex';
import type { FlagClientKey } from '@gantry/plugin-gantry-common';
import { knexTransactions, type RunInTransaction } from '../kernel/transaction';
import type { ClientKeyStore, StoredClientKey } from './ClientKeyStore';

type Row = {
  id: string;
  entity_ref: string;
  environment: string;
  name: string;
  key_hash: string;
  key_prefix: string;
  created_by: string;
  created_at: string;
  rotated_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
};

function toKey(r: Row): FlagClientKey {
  return {
    id: r.id,
    entityRef: r.entity_ref,
    environment: r.environment,
    name: r.name,
    prefix: r.key_prefix,
    createdBy: r.created_by,
    createdAt: r.created_at,
    ...(r.rotated_at ? { rotatedAt: r.rotated_at } : {}),
    ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
    ...(r.last_used_at ? { lastUsedAt: r.last_used_at } : {}),
  };
}

/** Client keys in gantry_flag_client_keys, by SHA-256 hash; the secret itself is never stored. */
export class KnexClientKeyStore implements ClientKeyStore {
  readonly transaction: RunInTransaction;

  constructor(private readonly db: Knex) {
    this.transaction = knexTransactions(db);
  }

  async insert(
    tx: Knex.Transaction,
    k: FlagClientKey,
    keyHash: string,
  ): Promise<void> {
    await tx('gantry_flag_client_keys').insert({
      id: k.id,
      entity_ref: k.entityRef,
      environment: k.environment,
      name: k.name,
      key_hash: keyHash,
      key_prefix: k.prefix,
      created_by: k.createdBy,
      created_at: k.createdAt,
    });
  }

  async list(entityRef: string): Promise<FlagClientKey[]> {
    const rows = await this.db<Row>('gantry_flag_client_keys')
      .where({ entity_ref: entityRef })
      .orderBy(['environment', 'created_at']);
    return rows.map(toKey);
  }

  async get(
    id: string,
    tx: Knex = this.db,
  ): Promise<StoredClientKey | undefined> {
    const row = await tx<Row>('gantry_flag_client_keys').where({ id }).first();
    return row ? { ...toKey(row), keyHash: row.key_hash } : undefined;
  }

  async byHash(keyHash: string): Promise<StoredClientKey | undefined> {
    const row = await this.db<Row>('gantry_flag_client_keys')
      .where({ key_hash: keyHash })
      .first();
    return row ? { ...toKey(row), keyHash: row.key_hash } : undefined;
  }

  async rotate(
    tx: Knex.Transaction,
    id: string,
    keyHash: string,
    prefix: string,
    at: string,
  ): Promise<void> {
    await tx('gantry_flag_client_keys')
      .where({ id })
      .update({ key_hash: keyHash, key_prefix: prefix, rotated_at: at });
  }

  async revoke(tx: Knex.Transaction, id: string, at: string): Promise<void> {
    await tx('gantry_flag_client_keys')
      .where({ id })
      .update({ revoked_at: at });
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db('gantry_flag_client_keys')
      .where({ id })
      .update({ last_used_at: at });
  }
}
