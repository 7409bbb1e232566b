/**
 * The change stream from the control plane (Gantry's backend) to edges. Over HTTP it is
 * `text/event-stream`: `event: snapshot` first on every connection, then `event: set`
 * and `event: keys` as things change, and `: ping` comments that prove the control plane
 * is alive. In process the same messages are handed over as objects.
 */

/** A flag set as flagd reads it (flags.json). */
export interface FlagSetDocument {
  $schema?: string;
  flags: Record<string, any>;
  $evaluators?: Record<string, Record<string, unknown>>;
  metadata?: Record<string, string | number | boolean>;
}

/** One flag set at one revision (revisions are per set and only ever go up). */
export interface EdgeFlagSet {
  entityRef: string;
  environment: string;
  revision: number;
  doc: FlagSetDocument;
}

/** A client key as the edge knows it: its SHA-256 hash, never the secret. */
export interface EdgeKey {
  id: string;
  /** Hex SHA-256 of the secret. */
  hash: string;
  entityRef: string;
  environment: string;
  revokedAt?: string;
}

export interface EdgeSnapshot {
  /** Sum of the sets' revisions: moves up whenever any set changes. */
  revision: number;
  sets: EdgeFlagSet[];
  keys: EdgeKey[];
  /** Width of the usage buckets the control plane stores counts in. */
  usageBucketMinutes: number;
  /** When the control plane produced it (ISO). */
  at: string;
  /**
   * How old the data was when sent: the time since the control plane last read its
   * database. The edge counts staleness from there (no clock comparison between hosts).
   */
  ageMs?: number;
}

export type EdgeMessage =
  | { type: 'snapshot'; snapshot: EdgeSnapshot }
  | { type: 'set'; set: EdgeFlagSet }
  /** The whole key table (small), replacing the previous one. */
  | { type: 'keys'; keys: EdgeKey[] }
  /**
   * Sent instead of a ping while the control plane cannot read its database: it is alive
   * but cannot vouch for its data, so this does not count as contact.
   */
  | { type: 'status'; database: 'down'; since: string }
  | { type: 'ping' };

/** What an edge ships back in batches. */
export interface EdgeUsageBatch {
  counts: Array<{
    entityRef: string;
    environment: string;
    key: string;
    variant: string;
    bucketStart: string;
    count: number;
  }>;
  /** Client key id -> last time it was used (ISO). */
  keysUsed: Array<{ id: string; at: string }>;
}

/** Where the change stream and the usage upload live on the control plane. */
export const EDGE_STREAM_PATH = '/flags/edge/v1/stream';
export const EDGE_USAGE_PATH = '/flags/edge/v1/usage';
