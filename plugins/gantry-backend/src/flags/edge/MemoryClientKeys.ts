import { createHash, timingSafeEqual } from 'node:crypto';
import type { FlagClientKeyWithSecret } from '@gantry/plugin-gantry-common';
import type { UsageAggregator } from '@gantry/flags-edge';
import { ClientKeyService, type KeyCheck } from '../ClientKeyService';
import type { EdgeFeed } from './EdgeFeed';

/**
 * Client keys checked against the key table the edge feed holds in memory, so the
 * backend's own OFREP, sync and event routes read no database per request; use is
 * recorded in memory and written in batches. Changes made here reload the table
 * before answering, so a key works (or stops working) on this replica at once; other
 * replicas pick it up at their next poll.
 */
export class MemoryClientKeys extends ClientKeyService {
  constructor(
    deps: ConstructorParameters<typeof ClientKeyService>[0],
    private readonly feed: EdgeFeed,
    private readonly usage: UsageAggregator,
  ) {
    super(deps);
  }

  override async create(
    input: Parameters<ClientKeyService['create']>[0],
  ): Promise<FlagClientKeyWithSecret> {
    const key = await super.create(input);
    await this.feed.reloadKeysAfterChange();
    return key;
  }

  override async rotate(
    input: Parameters<ClientKeyService['rotate']>[0],
  ): Promise<FlagClientKeyWithSecret> {
    const key = await super.rotate(input);
    await this.feed.reloadKeysAfterChange();
    return key;
  }

  override async revoke(
    input: Parameters<ClientKeyService['revoke']>[0],
  ): Promise<void> {
    await super.revoke(input);
    await this.feed.reloadKeysAfterChange();
  }

  override async authenticate(secret: string | undefined): Promise<KeyCheck> {
    if (!secret)
      return {
        ok: false,
        status: 401,
        message:
          'Send a Gantry flag client key as "Authorization: Bearer gfk_…" or "X-API-Key: gfk_…".',
      };
    const hash = createHash('sha256').update(secret).digest('hex');
    let key = this.feed.storedKeyByHash(hash);
    if (!key) {
      await this.feed.refreshKeysForMiss();
      key = this.feed.storedKeyByHash(hash);
    }
    if (!key)
      return { ok: false, status: 401, message: 'Unknown flag client key.' };
    if (key.revokedAt)
      return {
        ok: false,
        status: 403,
        message: `This flag client key was revoked at ${key.revokedAt}; ask the owners for a new one.`,
      };
    this.usage.keyUsed(key.id);
    return { ok: true, key };
  }

  override async authenticateStream(token: string): Promise<KeyCheck> {
    const id = token.split('.')[0];
    if (id && !this.feed.storedKeyById(id))
      await this.feed.refreshKeysForMiss();
    const key = id ? this.feed.storedKeyById(id) : undefined;
    const expected = Buffer.from(key ? this.streamToken(key) : '');
    const given = Buffer.from(token);
    if (
      !key ||
      expected.length !== given.length ||
      !timingSafeEqual(expected, given)
    )
      return { ok: false, status: 401, message: 'Unknown event stream token.' };
    if (key.revokedAt)
      return {
        ok: false,
        status: 403,
        message: 'This flag client key was revoked.',
      };
    return { ok: true, key };
  }
}
