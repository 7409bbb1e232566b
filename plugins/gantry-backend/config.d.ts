export interface Config {
  /** Gantry delivery plugins */
  gantry?: {
    /**
     * Environments in promotion order, first to last. The last one is treated as
     * production (promotions into it need approval).
     */
    environments?: string[];
    /** Label on Argo CD Applications naming their environment. Default gantry.dev/environment */
    environmentLabel?: string;
    argocd?: {
      /** Per-request timeout in ms. Default 10000. */
      timeoutMs?: number;
      instances: Array<{
        name: string;
        url: string;
        /** @visibility secret */
        token?: string;
        /** Marks what this instance serves as demo data in the UI. */
        demo?: boolean;
      }>;
    };
    incidents?: {
      /** How long before an alert a deployment counts as its suspect, e.g. 2h (default). */
      correlationWindow?: string;
      /** How often unacknowledged incidents are checked for escalation. Default 60. */
      escalationCheckSeconds?: number;
      /** How long an app may stay OutOfSync (or a Rollout Degraded) before the owners hear of it, e.g. 15m (default). */
      driftThreshold?: string;
      /** How often drift is checked. Default 300. */
      driftCheckSeconds?: number;
    };
    kubernetes?: {
      /** Per-request timeout in ms. Default 10000. */
      timeoutMs?: number;
      clusters: Array<{
        name: string;
        url: string;
        /** @visibility secret */
        serviceAccountToken?: string;
        skipTLSVerify?: boolean;
      }>;
    };
    prometheus?: {
      /** Base URL of the Prometheus HTTP API, e.g. http://prometheus-operated.monitoring:9090 */
      baseUrl: string;
      /** Per-request timeout in milliseconds. Default 10000. */
      timeoutMs?: number;
    };
    /** Canary analysis (annotation gantry.dev/canary-analysis: default or a set name) */
    canary?: {
      /** Of the Mann-Whitney confidence interval. Default 0.98. */
      confidenceLevel?: number;
      /** Score (0-100) for Pass and Marginal. Default 95 and 75. */
      thresholds?: { pass?: number; marginal?: number };
      /** Percent of the score per metric group; unnamed groups share the rest. */
      groupWeights?: { [group: string]: number };
      /**
       * Named metric template sets; each query contains ${selector} for the baseline's
       * or canary's label matchers. Checked when used: a bad set gives an Error verdict.
       */
      metricSets?: { [name: string]: Array<{ [key: string]: any }> };
    };
    /** Feature flags (annotation gantry.dev/feature-flags) */
    flags?: {
      /** OFREP, SSE and sync requests per second one client key may make on one replica. Default 1000. */
      rateLimitPerSecond?: number;
      /** How often a replica checks for flag changes made by other replicas, in ms. Default 1000. */
      pollIntervalMs?: number;
      /** Days ids of ingested exposure/conversion events are kept to spot retried batches. Default 7. */
      eventIdRetentionDays?: number;
      stale?: {
        /** A release/experiment flag serving one variant to everyone this long is stale. Default 14. */
        fullyRolledOutDays?: number;
        /** A flag not evaluated this long is stale. Default 30. */
        notEvaluatedDays?: number;
      };
    };
    /** SLOs (annotations gantry.dev/slo-spec or gantry.dev/slos) */
    slos?: {
      gate?: {
        /**
         * Error budget (percent, 0-100) every SLO of an entity must have left before a
         * promotion into the environment passes the slo-budget gate rule. Default 0.
         */
        minBudgetRemainingPercent?: { [environment: string]: number };
      };
    };
  };
}
