export interface Config {
  /** Gantry delivery plugins */
  gantry?: {
    /**
     * Environments in promotion order, first to last. The last one is treated as
     * production (promotions into it need approval). Default [staging, production].
     */
    environments?: string[];
    /** Label on Argo CD Applications naming their environment. Default gantry.dev/environment */
    environmentLabel?: string;
    /** Argo CD instances the deployment views read Applications from. Default none. */
    argocd?: {
      /** Per-request timeout in ms. Default 10000. */
      timeoutMs?: number;
      /** Default none: without instances nothing shows as deployed. */
      instances?: Array<{
        /** Identifies the instance; shown with each Application it serves. */
        name: string;
        /** Base URL of the Argo CD API server, e.g. https://argocd.example.com */
        url: string;
        /**
         * Argo CD API token (sent as a bearer token). Default none.
         * @visibility secret
         */
        token?: string;
        /** Marks what this instance serves as demo data in the UI. */
        demo?: boolean;
      }>;
    };
    /** Release and delivery policy: gate rules, trusted builders, approvals. */
    compliance?: {
      /**
       * Named gate policies (annotation gantry.dev/compliance-policy picks one): policy
       * name, then environment, then the rules a release must pass to be promoted there.
       * Adds to or replaces the built-in policies: `default` (every rule into the last
       * environment, vulnerabilities and tests elsewhere) and `strict` (every rule into
       * the last environment, every rule but approvals elsewhere).
       */
      policies?: {
        [policy: string]: {
          [environment: string]: Array<
            | 'vulnerabilities'
            | 'tests'
            | 'sbom'
            | 'provenance'
            | 'secret-scan'
            | 'slo-budget'
            | 'canary'
            | 'approvals'
          >;
        };
      };
      /**
       * SLSA provenance builder.id values the provenance rule trusts. Default none,
       * which trusts provenance from any builder.
       */
      trustedBuilders?: string[];
      /**
       * Vulnerability severities that block a promotion when a fix is available.
       * Default [CRITICAL, HIGH].
       */
      blockingSeverities?: Array<
        'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN'
      >;
      /** Promotion approvals. */
      approvals?: {
        /** Environments promotions into which need approval. Default the last environment. */
        environments?: string[];
        /** Approvals a promotion needs. Default 1. */
        requiredApprovals?: number;
        /**
         * Per environment, group (or user) entity refs that may approve besides the
         * entity's owners, e.g. { production: [group:default/sre] }. Default none.
         */
        extraApproverGroups?: { [environment: string]: string[] };
        /** Hours before an undecided promotion request expires. Default 72. */
        expiresAfterHours?: number;
        /** Hours an emergency promotion has to be reviewed after the fact. Default 48. */
        emergencyReviewHours?: number;
      };
    };
    /** Incidents and drift. */
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
    /** Kubernetes clusters Argo Rollouts are read from (and acted on). Default none. */
    kubernetes?: {
      /** Per-request timeout in ms. Default 10000. */
      timeoutMs?: number;
      /** Default none. */
      clusters?: Array<{
        /** Cluster name; an Application's destination.name is matched against it. */
        name: string;
        /**
         * URL of the cluster's API server; an Application's destination.server is matched
         * against it first. With one cluster configured, every Application maps to it.
         */
        url: string;
        /**
         * Bearer token of the service account Gantry uses. Default none.
         * @visibility secret
         */
        serviceAccountToken?: string;
        /** Skip TLS certificate verification (local demos only). Default false. */
        skipTLSVerify?: boolean;
      }>;
    };
    /** Prometheus, read by SLOs and canary analysis. Default none. */
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
