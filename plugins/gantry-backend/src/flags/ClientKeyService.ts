import {
  createHash,
  createHmac,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  FlagClientKey,
  FlagClientKeyWithSecret,
} from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import type { ClientKeyStore, StoredClientKey } from './ClientKeyStore';

const PREFIX = 'gfk_';
/** How long a looked-up key is trusted in memory; revocations elsewhere take at most this long. */
const CACHE_MS = 5_000;
const TOUCH_MS = 60_000;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function newSecret() {
  const secret = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashSecret(secret), prefix: secret.slice(0, 12) };
}

export type KeyCheck =
  | { ok: true; key: StoredClientKey }
  | { ok: false; status: 401 | 403; message: string };

/**
 * Per-entity, per-environment application keys: created, rotated and revoked by the
 * owners, stored as SHA-256 hashes (the secrets are 256-bit random, so a slow hash adds
 * nothing), and checked on every OFREP, SSE and sync request.
 */
export class ClientKeyService {
  private readonly cache = new Map<
    string,
    { key?: StoredClientKey; until: number }
  >();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly deps: {
      store: ClientKeyStore;
      audit: AuditService;
      environments: string[];
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  list(entityRef: string): Promise<FlagClientKey[]> {
    return this.deps.store.list(entityRef);
  }

  async create(input: {
    entityRef: string;
    environment: string;
    name: string;
    actor: string;
  }): Promise<FlagClientKeyWithSecret> {
    if (!this.deps.environments.includes(input.environment)) {
      throw new InputError(
        `Unknown environment '${
          input.environment
        }'. Configured environments: ${this.deps.environments.join(', ')}.`,
      );
    }
    const { secret, hash, prefix } = newSecret();
    const key: FlagClientKey = {
      id: randomUUID(),
      entityRef: input.entityRef,
      environment: input.environment,
      name: input.name,
      prefix,
      createdBy: input.actor,
      createdAt: this.now().toISOString(),
    };
    await this.deps.store.transaction(async tx => {
      await this.deps.store.insert(tx, key, hash);
      await this.deps.audit.record(
        {
          actor: input.actor,
          action: 'flag.clientkey.create',
          entityRef: input.entityRef,
          details: {
            keyId: key.id,
            environment: key.environment,
            name: key.name,
            prefix,
          },
        },
        tx,
      );
    });
    return { ...key, secret };
  }

  private async own(entityRef: string, id: string) {
    const key = await this.deps.store.get(id);
    if (!key || key.entityRef !== entityRef)
      throw new NotFoundError(`No client key ${id} for ${entityRef}.`);
    if (key.revokedAt)
      throw new ConflictError(
        `Client key ${id} was revoked at ${key.revokedAt}.`,
      );
    return key;
  }

  /** A new secret for the same key; the old one stops working at once. */
  async rotate(input: {
    entityRef: string;
    id: string;
    actor: string;
  }): Promise<FlagClientKeyWithSecret> {
    const key = await this.own(input.entityRef, input.id);
    const { secret, hash, prefix } = newSecret();
    const at = this.now().toISOString();
    await this.deps.store.transaction(async tx => {
      await this.deps.store.rotate(tx, key.id, hash, prefix, at);
      await this.deps.audit.record(
        {
          actor: input.actor,
          action: 'flag.clientkey.rotate',
          entityRef: input.entityRef,
          details: {
            keyId: key.id,
            environment: key.environment,
            previousPrefix: key.prefix,
            prefix,
          },
        },
        tx,
      );
    });
    this.cache.delete(key.keyHash);
    const { keyHash: _h, ...rest } = key;
    return { ...rest, prefix, rotatedAt: at, secret };
  }

  async revoke(input: { entityRef: string; id: string; actor: string }) {
    const key = await this.own(input.entityRef, input.id);
    const at = this.now().toISOString();
    await this.deps.store.transaction(async tx => {
      await this.deps.store.revoke(tx, key.id, at);
      await this.deps.audit.record(
        {
          actor: input.actor,
          action: 'flag.clientkey.revoke',
          entityRef: input.entityRef,
          details: {
            keyId: key.id,
            environment: key.environment,
            prefix: key.prefix,
          },
        },
        tx,
      );
    });
    this.cache.delete(key.keyHash);
  }

  /** 401 for a missing or unknown secret, 403 for a revoked one. */
  async authenticate(secret: string | undefined): Promise<KeyCheck> {
    if (!secret) {
      return {
        ok: false,
        status: 401,
        message:
          'Send a Gantry flag client key as "Authorization: Bearer gfk_…" or "X-API-Key: gfk_…".',
      };
    }
    const hash = hashSecret(secret);
    const nowMs = this.now().getTime();
    let hit = this.cache.get(hash);
    if (!hit || hit.until < nowMs) {
      hit = {
        key: await this.deps.store.byHash(hash),
        until: nowMs + CACHE_MS,
      };
      this.cache.set(hash, hit);
    }
    if (!hit.key)
      return { ok: false, status: 401, message: 'Unknown flag client key.' };
    if (hit.key.revokedAt)
      return {
        ok: false,
        status: 403,
        message: `This flag client key was revoked at ${hit.key.revokedAt}; ask the owners for a new one.`,
      };
    if ((this.touched.get(hit.key.id) ?? 0) + TOUCH_MS < nowMs) {
      this.touched.set(hit.key.id, nowMs);
      await this.deps.store.touch(hit.key.id, this.now().toISOString());
    }
    return { ok: true, key: hit.key };
  }

  /** The opaque token that goes in the SSE URL (EventSource cannot send headers). */
  streamToken(key: StoredClientKey): string {
    const mac = createHmac('sha256', key.keyHash)
      .update(`sse:${key.id}`)
      .digest('base64url');
    return `${key.id}.${mac}`;
  }

  async authenticateStream(token: string): Promise<KeyCheck> {
    const [id, mac] = token.split('.');
    const key =
      id && mac
        ? await this.deps.store.get(id).catch(() => undefined)
        : undefined;
    const expected = key ? this.streamToken(key).split('.')[1] : '';
    if (
      !key ||
      expected.length !== mac.length ||
      !timingSafeEqual(Buffer.from(expected), Buffer.from(mac))
    ) {
      return { ok: false, status: 401, message: 'Unknown event stream token.' };
    }
    if (key.revokedAt)
      return {
        ok: false,
        status: 403,
        message: 'This flag client key was revoked.',
      };
    return { ok: true, key };
  }
}
