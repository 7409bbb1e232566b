/** One drift Gantry has seen: an application OutOfSync or a Rollout Degraded. */
export interface DriftKey {
  entityRef: string;
  subject: string;
  kind: string;
}

/** A drift as stored: since when it is seen and when the owners were told, if they were. */
export interface TrackedDrift {
  subject: string;
  kind: string;
  since: string;
  notifiedAt?: string;
}

/** The drift Gantry has seen per entity and whether its owners were told. */
export interface DriftStore {
  /** Every drift stored for the entity. */
  forEntity(entityRef: string): Promise<TrackedDrift[]>;

  /** Forgets a drift that is gone, so a new one starts a new threshold. */
  remove(key: DriftKey): Promise<void>;

  /** Stores the drift as seen since `since` unless it is already known; returns it as stored. */
  track(key: DriftKey, since: string): Promise<TrackedDrift>;

  /**
   * Marks the owners as told at `at`, unless someone (another replica) already did;
   * true when this call made the mark.
   */
  claimNotice(key: DriftKey, at: string): Promise<boolean>;
}
