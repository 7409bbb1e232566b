import { FlagdCore } from '@openfeature/flagd-core';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  buildFlagSet,
  flagSetEtag,
  flagSetId,
  type FlagSetDocument,
} from './flagSet';
import { buildableFlag } from './prerequisites';
import type { FlagStore } from './FlagStore';
import { USAGE_BUCKET_MINUTES, type FlagSetListener } from './FlagService';

/** Start of the 5-minute bucket a moment falls in, as ISO text. */
export function usageBucket(at: Date): string {
  const ms = USAGE_BUCKET_MINUTES * 60_000;
  return new Date(Math.floor(at.getTime() / ms) * ms).toISOString();
}

/** A flag set ready to evaluate: the flagd document, its ETag and a loaded FlagdCore. */
export interface CompiledFlagSet {
  entityRef: string;
  environment: string;
  doc: FlagSetDocument;
  etag: string;
  core: FlagdCore;
}

type Listener = (set: CompiledFlagSet) => void;

/**
 * Compiled flag sets in memory, reloaded when their revision moves. A change made here
 * is pushed to subscribers at once; changes made by other replicas are noticed by
 * polling the revisions table every `pollMs` (or from the edge feed's poll of it).
 */
export class FlagSetRegistry implements FlagSetListener {
  private readonly cache = new Map<
    string,
    Promise<{ revision: number; set: CompiledFlagSet }>
  >();
  /** Highest revision per set this replica has seen, from loads and polls. */
  private readonly revisions = new Map<string, number>();
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Evaluation counts since the last flush, by set, flag, variant and bucket. */
  private readonly counts = new Map<
    string,
    {
      entityRef: string;
      environment: string;
      key: string;
      variant: string;
      bucketStart: string;
      count: number;
    }
  >();
  private timer?: NodeJS.Timeout;
  private polls = 0;

  constructor(
    private readonly store: FlagStore,
    private readonly logger: LoggerService,
    private readonly opts: {
      pollMs: number;
      flushEvaluationsEvery: number;
      /** Off when revisions are handed in through `applyRevisions` instead. */
      pollRevisions?: boolean;
    } = {
      pollMs: 1000,
      flushEvaluationsEvery: 60,
    },
  ) {}

  async get(entityRef: string, environment: string): Promise<CompiledFlagSet> {
    const id = flagSetId(entityRef, environment);
    const cached = this.cache.get(id);
    if (cached) {
      const hit = await cached;
      if (hit.revision >= (this.revisions.get(id) ?? 0)) return hit.set;
    }
    const loading = this.load(entityRef, environment);
    this.cache.set(id, loading);
    loading.catch(() => this.cache.delete(id));
    const { revision, set } = await loading;
    if (revision > (this.revisions.get(id) ?? -1))
      this.revisions.set(id, revision);
    return set;
  }

  private async load(
    entityRef: string,
    environment: string,
  ): Promise<{ revision: number; set: CompiledFlagSet }> {
    // Revision first: content read after it is at least that new.
    const revision = await this.store.revisionOf(entityRef, environment);
    const [flags, segments] = await Promise.all([
      this.store.listFlags(entityRef, environment),
      this.store.listSegments(entityRef, environment),
    ]);
    const doc = buildFlagSet({
      entityRef,
      environment,
      flags: flags.map(buildableFlag),
      segments: segments.map(s => ({ name: s.name, rule: s.rule })),
    });
    const core = new FlagdCore(undefined, {
      error: m => this.logger.error(String(m)),
      warn: m => this.logger.warn(String(m)),
      info: () => {},
      debug: () => {},
    });
    core.setConfigurations(JSON.stringify(doc));
    return {
      revision,
      set: { entityRef, environment, doc, etag: flagSetEtag(doc), core },
    };
  }

  /** Called after a local commit: reload and tell subscribers now, not at the next poll. */
  changed(entityRef: string, environment: string): void {
    this.cache.delete(flagSetId(entityRef, environment));
    this.notify(entityRef, environment);
  }

  private notify(entityRef: string, environment: string) {
    const subs = this.listeners.get(flagSetId(entityRef, environment));
    if (!subs?.size) return;
    this.get(entityRef, environment).then(
      set => subs.forEach(fn => fn(set)),
      e =>
        this.logger.warn(
          `Could not reload flag set ${entityRef} ${environment}: ${e}`,
        ),
    );
  }

  subscribe(entityRef: string, environment: string, fn: Listener): () => void {
    const id = flagSetId(entityRef, environment);
    if (!this.listeners.has(id)) this.listeners.set(id, new Set());
    this.listeners.get(id)!.add(fn);
    return () => this.listeners.get(id)?.delete(fn);
  }

  /** Picks up changes committed by other replicas. */
  async poll(): Promise<void> {
    this.applyRevisions(await this.store.revisions());
  }

  /**
   * Every set's revision as just read from the database, by this registry's own poll or
   * by the edge feed's (which reads the same table on the same interval; one read
   * serves both when `pollRevisions` is off).
   */
  applyRevisions(
    revisions: Array<{
      entityRef: string;
      environment: string;
      revision: number;
    }>,
  ): void {
    for (const r of revisions) {
      const id = flagSetId(r.entityRef, r.environment);
      const known = this.revisions.get(id);
      if (known !== undefined && r.revision <= known) continue;
      this.revisions.set(id, r.revision);
      // Nobody here has loaded a set we never saw, so there is no one to tell.
      if (known !== undefined) {
        this.cache.delete(id);
        this.notify(r.entityRef, r.environment);
      }
    }
  }

  /** Counts an evaluation in memory; written to the database in batches. */
  recordEvaluation(
    entityRef: string,
    environment: string,
    key: string,
    variant: string,
    at: Date = new Date(),
  ) {
    const bucketStart = usageBucket(at);
    const id = [entityRef, environment, key, variant, bucketStart].join(
      '\u0000',
    );
    const hit = this.counts.get(id);
    if (hit) hit.count += 1;
    else
      this.counts.set(id, {
        entityRef,
        environment,
        key,
        variant,
        bucketStart,
        count: 1,
      });
  }

  /**
   * Writes the counts gathered since the last flush. When the write fails they are
   * merged back (with whatever was counted meanwhile) for the next flush, not lost.
   */
  async flushEvaluations(): Promise<void> {
    if (!this.counts.size) return;
    const rows = [...this.counts.values()];
    this.counts.clear();
    try {
      await this.store.addEvaluationCounts(rows);
    } catch (e) {
      for (const row of rows) {
        const id = [
          row.entityRef,
          row.environment,
          row.key,
          row.variant,
          row.bucketStart,
        ].join('\u0000');
        const hit = this.counts.get(id);
        if (hit) hit.count += row.count;
        else this.counts.set(id, row);
      }
      throw e;
    }
    // The counts are stored; a failure to stamp "last evaluated" must not count them twice.
    const flags = new Map(
      rows.map(r => [`${r.entityRef}#${r.environment}#${r.key}`, r]),
    );
    await this.store.markEvaluated(
      [...flags.values()],
      new Date().toISOString(),
    );
  }

  start(): void {
    const tick = async () => {
      try {
        if (this.opts.pollRevisions !== false) await this.poll();
        this.polls += 1;
        if (this.polls % this.opts.flushEvaluationsEvery === 0)
          await this.flushEvaluations();
      } catch (e) {
        this.logger.warn(`Flag set poll failed: ${e}`);
      }
      if (this.timer) this.timer = setTimeout(tick, this.opts.pollMs).unref();
    };
    this.timer = setTimeout(tick, this.opts.pollMs).unref();
  }

  async stop(): Promise<void> {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
    await this.flushEvaluations().catch(() => {});
  }
}
