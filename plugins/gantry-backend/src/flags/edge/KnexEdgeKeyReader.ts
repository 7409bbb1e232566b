import type { Knex } from 'knex';
import type { StoredClientKey } from '../ClientKeyStore';

/** Every client key with its hash, for the edges' key table (keys are few: per entity and environment). */
export class KnexEdgeKeyReader {
  constructor(private readonly db: Knex) {}

  async all(): Promise<StoredClientKey[]> {
    const rows = await this.db('gantry_flag_client_keys').select(
      'id',
      'entity_ref',
      'environment',
      'name',
      'key_hash',
      'key_prefix',
      'created_by',
      'created_at',
      'rotated_at',
      'revoked_at',
    );
    return rows.map(r => ({
      id: r.id,
      entityRef: r.entity_ref,
      environment: r.environment,
      name: r.name,
      keyHash: r.key_hash,
      prefix: r.key_prefix,
      createdBy: r.created_by,
      createdAt: String(r.created_at),
      ...(r.rotated_at ? { rotatedAt: String(r.rotated_at) } : {}),
      ...(r.revoked_at ? { revokedAt: String(r.revoked_at) } : {}),
    }));
  }
}
