import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { FlagdCore } from '@openfeature/flagd-core';
import type { CompiledFlagSet } from './evaluate';
import type {
  EdgeFlagSet,
  EdgeKey,
  EdgeMessage,
  EdgeSnapshot,
  FlagSetDocument,
} from './protocol';

/** `component:default/checkout` + `production` -> the id sets, caches and streams use. */
export const setIdOf = (entityRef: string, environment: string) =>
  `${entityRef}#${environment}`;

/** Content hash of a flag set: every shape and replica gives the same ETag for the same flags. */
export function flagSetEtag(doc: FlagSetDocument): string {
  return `"${createHash('sha256')
    .update(canonicalize(doc) ?? '')
    .digest('base64url')
    .slice(0, 27)}"`;
}

const quietLogger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
};

/** Compiles a flag set with flagd-core; throws when flagd-core refuses the document. */
export function compileFlagSet(set: EdgeFlagSet): CompiledFlagSet {
  const core = new FlagdCore(undefined, quietLogger);
  core.setConfigurations(JSON.stringify(set.doc));
  return {
    entityRef: set.entityRef,
    environment: set.environment,
    doc: set.doc,
    etag: flagSetEtag(set.doc),
    core,
  };
}

export type EdgeSource = 'none' | 'stream' | 'snapshot-file';

type Entry = { revision: number; set: EdgeFlagSet; compiled: CompiledFlagSet };

/**
 * What an edge serves from: compiled flag sets and client key hashes, in memory. Fed by
 * change-stream messages; a set never moves back to an older revision.
 */
export class EdgeState {
  private readonly sets = new Map<string, Entry>();
  private keysByHash = new Map<string, EdgeKey>();
  private keysById = new Map<string, EdgeKey>();
  private readonly setListeners = new Set<(set: CompiledFlagSet) => void>();
  private readonly keyListeners = new Set<() => void>();
  usageBucketMinutes = 5;
  /** Where the data came from: the live stream, or the persisted snapshot at start. */
  source: EdgeSource = 'none';
  /** Last time the control plane was heard from (message or ping), ms since epoch. */
  lastContactMs?: number;
  /** When the data served was produced by the control plane. */
  dataAt?: string;
  connected = false;
  /** What the control plane last said about its database (a ping means it reads it). */
  controlPlaneDatabase?:
    | { database: 'ok' }
    | { database: 'down'; since: string };
  /** Sets the control plane sent that flagd-core refused; served from their last good revision. */
  readonly rejected = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  get revision(): number {
    let sum = 0;
    for (const e of this.sets.values()) sum += e.revision;
    return sum;
  }

  get setCount(): number {
    return this.sets.size;
  }

  get hasData(): boolean {
    return this.source !== 'none';
  }

  set(entityRef: string, environment: string): CompiledFlagSet | undefined {
    return this.sets.get(setIdOf(entityRef, environment))?.compiled;
  }

  keyByHash(hash: string): EdgeKey | undefined {
    return this.keysByHash.get(hash);
  }

  keyById(id: string): EdgeKey | undefined {
    return this.keysById.get(id);
  }

  /** What a persisted snapshot holds: enough to serve after a restart without the control plane. */
  toSnapshot(): EdgeSnapshot {
    return {
      revision: this.revision,
      sets: [...this.sets.values()].map(e => e.set),
      keys: [...this.keysById.values()],
      usageBucketMinutes: this.usageBucketMinutes,
      at: this.dataAt ?? new Date(this.now()).toISOString(),
    };
  }

  onSetChange(fn: (set: CompiledFlagSet) => void): () => void {
    this.setListeners.add(fn);
    return () => this.setListeners.delete(fn);
  }

  onKeysChange(fn: () => void): () => void {
    this.keyListeners.add(fn);
    return () => this.keyListeners.delete(fn);
  }

  /** Applies one stream message; `from` says whether it is live or read back from disk. */
  apply(message: EdgeMessage, from: EdgeSource = 'stream'): void {
    if (message.type === 'status') {
      this.controlPlaneDatabase = {
        database: 'down',
        since: message.since,
      };
      return;
    }
    if (message.type === 'ping') this.controlPlaneDatabase = { database: 'ok' };
    if (from === 'stream')
      this.lastContactMs =
        this.now() -
        (message.type === 'snapshot' ? message.snapshot.ageMs ?? 0 : 0);
    switch (message.type) {
      case 'snapshot': {
        const s = message.snapshot;
        // A snapshot older than what is served (a lagging control-plane replica) only
        // brings sets forward, never back.
        for (const set of s.sets) this.putSet(set);
        this.replaceKeys(s.keys);
        this.usageBucketMinutes = s.usageBucketMinutes;
        if (from === 'stream' || !this.dataAt) this.dataAt = s.at;
        this.source = from;
        return;
      }
      case 'set':
        this.putSet(message.set);
        this.dataAt = new Date(this.now()).toISOString();
        return;
      case 'keys':
        this.replaceKeys(message.keys);
        return;
      default:
        return;
    }
  }

  private putSet(set: EdgeFlagSet) {
    const id = setIdOf(set.entityRef, set.environment);
    const known = this.sets.get(id);
    if (known && known.revision >= set.revision) return;
    let compiled: CompiledFlagSet;
    try {
      compiled = compileFlagSet(set);
    } catch (e) {
      this.rejected.set(
        id,
        `revision ${set.revision}: ${(e as Error).message}`,
      );
      return;
    }
    this.rejected.delete(id);
    this.sets.set(id, { revision: set.revision, set, compiled });
    if (known?.compiled.etag !== compiled.etag)
      this.setListeners.forEach(fn => fn(compiled));
  }

  private replaceKeys(keys: EdgeKey[]) {
    this.keysByHash = new Map(keys.map(k => [k.hash, k]));
    this.keysById = new Map(keys.map(k => [k.id, k]));
    this.keyListeners.forEach(fn => fn());
  }
}
