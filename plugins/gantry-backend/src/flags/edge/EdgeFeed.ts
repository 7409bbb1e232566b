import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  EdgeFlagSet,
  EdgeKey,
  EdgeMessage,
  EdgeSnapshot,
} from '@gantry/flags-edge';
import type { StoredClientKey } from '../ClientKeyStore';
import { buildFlagSet, flagSetId } from '../flagSet';
import { USAGE_BUCKET_MINUTES, type FlagSetListener } from '../FlagService';
import type { FlagStore } from '../FlagStore';
import { buildableFlag } from '../prerequisites';

type Subscriber = (message: EdgeMessage) => void;

const toEdgeKey = (k: StoredClientKey): EdgeKey => ({
  id: k.id,
  hash: k.keyHash,
  entityRef: k.entityRef,
  environment: k.environment,
  ...(k.revokedAt ? { revokedAt: k.revokedAt } : {}),
});

/**
 * The control plane's side of the change stream: every flag set (compiled to its flagd
 * document) and every client key hash, held in memory and kept current from local
 * commits (at once) and the database (every `pollMs`, for other replicas' commits).
 * Subscribers get a full snapshot, then each change. A set only ever moves forward in
 * revision.
 */
export class EdgeFeed implements FlagSetListener {
  private readonly sets = new Map<string, EdgeFlagSet>();
  private readonly loading = new Map<string, Promise<void>>();
  private keys: StoredClientKey[] = [];
  private keysByHash = new Map<string, StoredClientKey>();
  private keysById = new Map<string, StoredClientKey>();
  private keysText = '';
  private readonly subscribers = new Set<Subscriber>();
  private timer?: NodeJS.Timeout;
  private failing = false;
  private readonly readyPromise: Promise<void>;
  private markReady!: () => void;
  /** Last successful read of the database, ms since epoch. */
  lastRefreshMs?: number;
  /** When reads started failing (ms since epoch); unset while they succeed. */
  failingSinceMs?: number;

  constructor(
    private readonly deps: {
      store: FlagStore;
      keys: { all(): Promise<StoredClientKey[]> };
      logger: LoggerService;
      pollMs: number;
      /** Hears every revisions read, so other pollers of that table need not read it too. */
      onRevisions?: (
        revisions: Array<{
          entityRef: string;
          environment: string;
          revision: number;
        }>,
      ) => void;
    },
  ) {
    this.readyPromise = new Promise(r => {
      this.markReady = r;
    });
  }

  /** Resolves once the first full load is done. */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  /**
   * A read that failed, or none that succeeded for 10 polls (at least 10 s): a read that
   * hangs (a pool waiting for connections that never come) is as bad as one that fails.
   */
  get healthy(): boolean {
    return (
      !this.failing &&
      this.lastRefreshMs !== undefined &&
      Date.now() - this.lastRefreshMs < Math.max(10 * this.deps.pollMs, 10_000)
    );
  }

  snapshot(): EdgeSnapshot {
    const sets = [...this.sets.values()];
    return {
      revision: sets.reduce((n, s) => n + s.revision, 0),
      sets,
      keys: this.keys.map(toEdgeKey),
      usageBucketMinutes: USAGE_BUCKET_MINUTES,
      at: new Date().toISOString(),
      ageMs:
        this.lastRefreshMs === undefined ? 0 : Date.now() - this.lastRefreshMs,
    };
  }

  storedKeyByHash(hash: string): StoredClientKey | undefined {
    return this.keysByHash.get(hash);
  }

  storedKeyById(id: string): StoredClientKey | undefined {
    return this.keysById.get(id);
  }

  /** Snapshot first (once loaded), then changes. */
  subscribe(fn: Subscriber): () => void {
    this.subscribers.add(fn);
    void this.readyPromise.then(() => {
      if (this.subscribers.has(fn))
        fn({ type: 'snapshot', snapshot: this.snapshot() });
    });
    return () => this.subscribers.delete(fn);
  }

  get subscriberCount() {
    return this.subscribers.size;
  }

  private publish(message: EdgeMessage) {
    for (const fn of this.subscribers) {
      try {
        fn(message);
      } catch (e) {
        this.deps.logger.warn(`Flag edge subscriber failed: ${e}`);
      }
    }
  }

  /** A local commit: reload that set now rather than at the next poll. */
  changed(entityRef: string, environment: string): void {
    this.reloadSet(entityRef, environment).catch(e =>
      this.deps.logger.warn(
        `Could not reload flag set ${entityRef} ${environment} for the edges: ${e}`,
      ),
    );
  }

  private reloadSet(entityRef: string, environment: string): Promise<void> {
    const id = flagSetId(entityRef, environment);
    // One load per set at a time; a change during a load queues one more.
    const previous = this.loading.get(id) ?? Promise.resolve();
    const next = previous
      .catch(() => {})
      .then(() => this.loadSet(entityRef, environment));
    this.loading.set(id, next);
    return next.finally(() => {
      if (this.loading.get(id) === next) this.loading.delete(id);
    });
  }

  private async loadSet(entityRef: string, environment: string) {
    const { store } = this.deps;
    // Revision first: content read after it is at least that new.
    const revision = await store.revisionOf(entityRef, environment);
    const id = flagSetId(entityRef, environment);
    const known = this.sets.get(id);
    if (known && known.revision >= revision) return;
    const [flags, segments] = await Promise.all([
      store.listFlags(entityRef, environment),
      store.listSegments(entityRef, environment),
    ]);
    const doc = buildFlagSet({
      entityRef,
      environment,
      flags: flags.map(buildableFlag),
      segments: segments.map(s => ({ name: s.name, rule: s.rule })),
    });
    const current = this.sets.get(id);
    if (current && current.revision >= revision) return;
    const set: EdgeFlagSet = { entityRef, environment, revision, doc };
    this.sets.set(id, set);
    this.publish({ type: 'set', set });
  }

  private keysLoading?: Promise<void>;

  private missLoadMs = 0;

  /**
   * For a key this replica has not seen (created on another replica since the last
   * poll): a re-read that starts after the request came in, shared by concurrent misses
   * and started at most every `minIntervalMs`, so a flood of unknown keys costs the
   * database a few queries a second, not one per request. Never throws.
   */
  async refreshKeysForMiss(minIntervalMs = 100): Promise<void> {
    await this.keysLoading?.catch(() => {});
    if (Date.now() - this.missLoadMs < minIntervalMs) return;
    this.missLoadMs = Date.now();
    await this.reloadKeys().catch(() => {});
  }

  /** Re-reads the key table (one read at a time); tells subscribers when it changed. */
  reloadKeys(): Promise<void> {
    this.keysLoading ??= this.loadKeys().finally(() => {
      this.keysLoading = undefined;
    });
    return this.keysLoading;
  }

  /** After a local key change: a read that starts after the change committed. */
  async reloadKeysAfterChange(): Promise<void> {
    await this.keysLoading?.catch(() => {});
    await this.reloadKeys();
  }

  private async loadKeys(): Promise<void> {
    const keys = await this.deps.keys.all();
    keys.sort((a, b) => a.id.localeCompare(b.id));
    const text = JSON.stringify(keys.map(toEdgeKey));
    this.keys = keys;
    this.keysByHash = new Map(keys.map(k => [k.keyHash, k]));
    this.keysById = new Map(keys.map(k => [k.id, k]));
    if (text === this.keysText) return;
    this.keysText = text;
    this.publish({ type: 'keys', keys: keys.map(toEdgeKey) });
  }

  /** Picks up commits made by other replicas (and the first load). */
  async refresh(): Promise<void> {
    const revisions = await this.deps.store.revisions();
    this.deps.onRevisions?.(revisions);
    await Promise.all(
      revisions
        .filter(
          r =>
            (this.sets.get(flagSetId(r.entityRef, r.environment))?.revision ??
              -1) < r.revision,
        )
        .map(r => this.reloadSet(r.entityRef, r.environment)),
    );
    await this.reloadKeys();
    this.lastRefreshMs = Date.now();
  }

  /** Loads everything once (so the first snapshot is complete), then follows changes. */
  async start(): Promise<void> {
    await this.refresh();
    this.markReady();
    const tick = async () => {
      try {
        await this.refresh();
        if (this.failing)
          this.deps.logger.info('Flag edge feed reads the database again');
        this.failing = false;
        this.failingSinceMs = undefined;
      } catch (e) {
        if (!this.failing)
          this.deps.logger.warn(
            `Flag edge feed cannot read the database; edges keep serving what they have: ${e}`,
          );
        this.failing = true;
        this.failingSinceMs ??= Date.now();
      }
      if (this.timer) {
        this.timer = setTimeout(tick, this.deps.pollMs);
        this.timer.unref();
      }
    };
    this.timer = setTimeout(tick, this.deps.pollMs);
    this.timer.unref();
  }

  stop(): void {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
    this.subscribers.clear();
  }
}
