/** Flag lifecycle types, as in the issue: what a flag is for decides when it is stale. */
export const FLAG_TYPES = [
  'release',
  'experiment',
  'operational',
  'kill-switch',
  'permission',
] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

export type FlagVariantValue =
  | boolean
  | string
  | number
  | { [key: string]: unknown };

/** One flag in the flagd flag-definition format (flagd.dev/schema/v0/flags.json). */
export interface FlagdFlag {
  state: 'ENABLED' | 'DISABLED';
  variants: Record<string, FlagVariantValue>;
  defaultVariant?: string | null;
  targeting?: Record<string, unknown>;
  metadata?: Record<string, string | number | boolean>;
}

/**
 * Gantry keys in a flag's flagd `metadata`. `linkedSlo` names an SLO of the flag's
 * entity whose burn stops a scheduled ramp; the ramp guard sets the other two when it
 * does, so the stop stays visible (and is served to clients as flag metadata).
 */
export const FLAG_METADATA = {
  linkedSlo: 'linkedSlo',
  rampStoppedBySlo: 'rampStoppedBySlo',
  rampStoppedAt: 'rampStoppedAt',
} as const;

/** The SLO a flag's ramp is linked to, if any. */
export function linkedSloOf(flag: FlagdFlag): string | undefined {
  const v = flag.metadata?.[FLAG_METADATA.linkedSlo];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** Set when the ramp guard froze the flag's ramp because its linked SLO burned. */
export function rampStopOf(
  flag: FlagdFlag,
): { slo: string; at?: string } | undefined {
  const slo = flag.metadata?.[FLAG_METADATA.rampStoppedBySlo];
  const at = flag.metadata?.[FLAG_METADATA.rampStoppedAt];
  if (typeof slo !== 'string') return undefined;
  return { slo, ...(typeof at === 'string' ? { at } : {}) };
}

/**
 * A flag this flag depends on: it serves its own rules only while `flag` (in the same
 * entity and environment) evaluates to one of `variants` for the same context, and its
 * safe variant otherwise. A disabled prerequisite is never met.
 */
export interface FlagPrerequisite {
  flag: string;
  variants: string[];
}

/** What an editor sends to create or change a flag. */
export interface FlagInput {
  definition: FlagdFlag;
  type: FlagType;
  /** Group or user ref; defaults to the entity's owner. */
  owner?: string;
  /** ISO-8601 time after which the flag counts as stale. */
  expiresAt?: string | null;
  description?: string;
  /** Variant the kill switch serves; defaults to the `false` variant or the default variant. */
  safeVariant?: string;
  /** Flags that must serve given variants first; while they do not, this flag serves its safe variant. */
  prerequisites?: FlagPrerequisite[];
}

/** The input that re-saves a stored flag as it is; spread changes over it. */
export function flagInputOf(flag: FeatureFlag): FlagInput {
  return {
    definition: flag.definition,
    type: flag.type,
    owner: flag.owner,
    expiresAt: flag.expiresAt ?? null,
    ...(flag.description ? { description: flag.description } : {}),
    safeVariant: flag.safeVariant,
    ...(flag.prerequisites?.length
      ? { prerequisites: flag.prerequisites }
      : {}),
  };
}

/** A stored flag of one entity in one environment. */
export interface FeatureFlag {
  entityRef: string;
  environment: string;
  key: string;
  definition: FlagdFlag;
  type: FlagType;
  owner: string;
  expiresAt?: string;
  description?: string;
  safeVariant: string;
  prerequisites?: FlagPrerequisite[];
  /** Increases with every change; edits carry it back as `baseVersion`. */
  version: number;
  /**
   * Set while the kill switch is on: the flag is served as its safe variant, and
   * `definition` stays exactly as authored so a restore brings it back.
   */
  killedAt?: string;
  killedBy?: string;
  killedReason?: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  lastEvaluatedAt?: string;
  summary: FlagSummary;
}

/** What a list shows without reading the JsonLogic. */
export interface FlagSummary {
  valueType: 'boolean' | 'string' | 'number' | 'object';
  /** Percent per variant of the top-level fractional split, when there is one. */
  rollout?: Record<string, number>;
  /** Segment names the targeting references. */
  segments: string[];
  /** Short human text: "static: on", "rollout: on 5%, off 95%", "rules (2 segments)". */
  targeting: string;
}

/** A named reusable targeting rule (a flagd `$evaluators` entry). */
export interface FlagSegment {
  entityRef: string;
  environment: string;
  name: string;
  rule: Record<string, unknown>;
  description?: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export type FlagChangeStatus =
  | 'pending'
  | 'applied'
  | 'rejected'
  | 'expired'
  | 'stale';

/** A change to a flag or segment; in approval environments it waits for another owner. */
export interface FlagChangeRequest {
  id: string;
  entityRef: string;
  environment: string;
  target: 'flag' | 'segment';
  key: string;
  operation: 'upsert' | 'delete' | 'kill' | 'restore';
  /** Version the change was made on; null when creating. */
  baseVersion: number | null;
  proposed?: unknown;
  reason: string;
  requestedBy: string;
  status: FlagChangeStatus;
  /** Kill switches apply at once and wait for this review. */
  reviewStatus?: 'pending' | 'done';
  decidedBy?: string;
  comment?: string;
  createdAt: string;
  expiresAt: string;
  decidedAt?: string;
}

/** Result of a write: applied at once, or waiting for approval (HTTP 202). */
export type FlagWriteResult =
  | { status: 'applied'; flag?: FeatureFlag; segment?: FlagSegment }
  | { status: 'pending'; change: FlagChangeRequest };

/** The field of a flag or segment edit a validation problem belongs to, for the dialogs. */
export type FlagEditField =
  | 'key'
  | 'definition'
  | 'type'
  | 'owner'
  | 'expiresAt'
  | 'description'
  | 'safeVariant'
  | 'prerequisites'
  | 'rule'
  | 'reason'
  | 'baseVersion';

/** One problem of a refused flag or segment edit (the `problems` of its 400 body). */
export interface FlagEditProblem {
  field: FlagEditField;
  /** Where inside the field, as a dotted path: `targeting.if.1` of the definition. */
  path: string;
  message: string;
}

/** Body of a 400 for a flag or segment edit: Backstage's error shape plus the problems by field. */
export interface FlagEditErrorResponse {
  error: { name: 'InputError'; message: string };
  problems: FlagEditProblem[];
}

/** Body of a 412: the edit was made on an older version; here is the current state. */
export interface StaleEditResponse {
  error: { name: 'PreconditionFailedError'; message: string };
  current: FeatureFlag | FlagSegment | null;
}

/** An application credential for one entity's flags in one environment. The secret is shown once. */
export interface FlagClientKey {
  id: string;
  entityRef: string;
  environment: string;
  name: string;
  /** First characters of the secret, to recognise it. */
  prefix: string;
  createdBy: string;
  createdAt: string;
  rotatedAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

export interface FlagClientKeyWithSecret extends FlagClientKey {
  secret: string;
}

export interface StaleFlag {
  environment: string;
  key: string;
  type: FlagType;
  owner: string;
  reasons: string[];
}

/** GET …/flags/cleanup-report */
export interface FlagCleanupReport {
  entityRef: string;
  generatedAt: string;
  thresholds: { fullyRolledOutDays: number; notEvaluatedDays: number };
  items: StaleFlag[];
}

/** What the frontend gets back from a save: applied, pending approval, or stale (412). */
export type FlagSaveResult =
  | FlagWriteResult
  | {
      status: 'stale';
      message: string;
      current: FeatureFlag | FlagSegment | null;
    };

/** One audited flag event of an entity (GET …/flags/history), newest first. */
export interface FlagHistoryEntry {
  seq: number;
  occurredAt: string;
  actor: string;
  /** `flag.create`, `flag.update`, `flag.kill`, `flag.change.approve`, `flag.clientkey.rotate`… */
  action: string;
  environment?: string;
  key?: string;
  reason?: string;
  before?: FeatureFlag | FlagSegment | null;
  after?: FeatureFlag | FlagSegment | null;
}

/** GET …/flags/usage: evaluations per flag and variant over time, for one environment. */
export interface FlagUsage {
  environment: string;
  bucketMinutes: number;
  from: string;
  to: string;
  rows: Array<{
    bucketStart: string;
    key: string;
    variant: string;
    count: number;
  }>;
  /** The entity's error rate and p99 latency over the same period, when Prometheus is configured. */
  metrics: FlagUsageMetrics;
}

/** A Prometheus series as [unix seconds, value] pairs. */
export type MetricPoints = Array<[number, number]>;

export type FlagUsageMetrics =
  | {
      status: 'ok';
      /** Label matchers used for the entity, e.g. service="checkout". */
      selector: string;
      errorRate: MetricPoints;
      p99LatencySeconds: MetricPoints;
    }
  | { status: 'unavailable'; message: string };

/** How an experiment on a flag is judged (PUT .../experiment). */
export interface FlagExperimentConfig {
  /** The tracking event that counts as a conversion, e.g. checkout_completed. */
  conversionEvent: string;
  /** The variant the others are compared with. */
  controlVariant: string;
  /** Smallest absolute change in conversion rate worth detecting, e.g. 0.02 = 2 points. */
  minimumDetectableEffect: number;
  /** Expected control rate for the sample size; the observed control rate when absent. */
  baselineRate?: number;
  /** Two-sided significance level, default 0.05 (split over the comparisons). */
  alpha: number;
  /** Probability of detecting the minimum effect, default 0.8. */
  power: number;
}

export interface FlagExperiment extends FlagExperimentConfig {
  entityRef: string;
  environment: string;
  flagKey: string;
  version: number;
  startedAt: string;
  updatedAt: string;
  updatedBy: string;
}

export interface ExperimentVariantResult {
  variant: string;
  isControl: boolean;
  /** Distinct targeting keys first exposed to this variant. */
  exposures: number;
  /** Of those, how many sent the conversion event. */
  conversions: number;
  rate: number;
  /** Wilson score interval at the experiment's confidence level. */
  interval: [number, number];
  /** Share of exposures the configured split expects, 0..1. */
  expectedShare?: number;
  /** Against control (absent on the control row). */
  comparison?: {
    difference: number;
    relativeLift?: number;
    z: number;
    pValue: number;
    significant: boolean;
  };
}

export type ExperimentDecision =
  | { status: 'no-data'; message: string }
  | { status: 'sample-ratio-mismatch'; message: string }
  | { status: 'collecting'; message: string }
  | { status: 'inconclusive'; message: string }
  | { status: 'winner'; winner: string; message: string };

/** GET …/flags/:environment/:key/experiment: results, or `experiment: null` when none is configured. */
export type FlagExperimentResponse =
  | FlagExperimentResults
  | { experiment: null };

export interface FlagExperimentResults {
  experiment: FlagExperiment;
  /** Per-comparison significance level (alpha split by Bonferroni). */
  comparisonAlpha: number;
  variants: ExperimentVariantResult[];
  sampleRatio?: {
    chiSquare: number;
    degreesOfFreedom: number;
    pValue: number;
    mismatch: boolean;
  };
  /** Why no sample-ratio check could be made, e.g. no fractional split. */
  sampleRatioNote?: string;
  /** Exposures each variant needs before a winner may be declared. */
  requiredSampleSize?: number;
  decision: ExperimentDecision;
  unexposedConversions: number;
}

/** One exposure or conversion sent by an application (POST /flags/events). */
export type FlagExperimentEvent =
  | {
      id: string;
      type: 'exposure';
      flagKey: string;
      variant: string;
      targetingKey: string;
      timestamp?: string;
    }
  | {
      id: string;
      type: 'conversion';
      event: string;
      targetingKey: string;
      timestamp?: string;
    };

export interface FlagEventIngestResult {
  received: number;
  /** Events whose id was already ingested (a retried batch). */
  duplicates: number;
  /** Exposures of flags without an experiment, conversions no experiment tracks. */
  ignored: number;
  stored: number;
}
