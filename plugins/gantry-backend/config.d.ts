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
        /**
         * The name (in gantry.kubernetes.clusters) of the cluster this Argo CD runs in:
         * its apps whose destination is https://kubernetes.default.svc (`in-cluster`)
         * deploy there. Default: the only configured cluster; with several, such apps
         * show no rollouts and an error asking for this key.
         */
        inClusterName?: string;
      }>;
    };
    /** Release and delivery policy: gate rules, trusted builders, approvals. */
    compliance?: {
      /**
       * Named gate policies (annotation gantry.dev/compliance-policy picks one): policy
       * name, then environment, then the rules a release must pass to be promoted there.
       * Adds to or replaces the built-in policies: `default` (every rule into the last
       * environment, vulnerabilities and tests elsewhere) and `strict` (every rule into
       * the last environment, every rule but approvals elsewhere). `migrations`,
       * `load-test`, `dr-drill`, `dpia` and `chaos-drill` are opt-in: only policies that name them check them.
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
            | 'migrations'
            | 'load-test'
            | 'dr-drill'
            | 'dpia'
            | 'chaos-drill'
          >;
        };
      };
      /**
       * The `load-test` rule (k6 summaries, evidence format load-test). A release fails
       * when its newest run misses the thresholds of the environment it is promoted
       * into, or is worse than the run of the last released version by more than
       * maxRegressionPercent (p95 latency up, throughput down); a regression can be
       * overridden for one release by a person with a reason (audited).
       */
      loadTest?: {
        /** Environment -> limits. */
        thresholds?: {
          [environment: string]: {
            p95Ms?: number;
            p99Ms?: number;
            /** Fraction of failed requests, 0..1. */
            errorRate?: number;
            minRequestsPerSecond?: number;
            minRequests?: number;
          };
        };
        /** Default 10 each. */
        maxRegressionPercent?: { p95?: number; throughput?: number };
      };
      /** The `dr-drill` rule: the service's newest DR drill record (evidence format dr-drill). */
      drDrill?: {
        /** How old the newest drill may be. Default 90. */
        maxAgeDays?: number;
        /** The recovery time objective the drill must meet. Default none. */
        maxRtoSeconds?: number;
      };
      /**
       * The `chaos-drill` rule: a passed resilience drill (evidence format chaos-drill:
       * canary verdict pass under fault, every experiment recovered) before promotion.
       * The newest drill of the release decides; without one, the service's newest drill
       * counts when it passed within maxAgeDays.
       */
      chaosDrill?: {
        /** How old a passed drill of an earlier release may be. Default 30. */
        maxAgeDays?: number;
        /** Experiment actions the drill must inject, e.g. [pod-kill, delay]. Default none. */
        requiredActions?: string[];
        /** Environment promoted into -> what it sets differently. */
        environments?: {
          [environment: string]: {
            maxAgeDays?: number;
            requiredActions?: string[];
          };
        };
      };
      /**
       * The `dpia` rule, for services whose gantry.dev/personal-data annotation declares
       * personal data: a DPIA (evidence format dpia), retention, encryption in transit and at rest.
       */
      dpia?: {
        /** How old the newest DPIA may be. Default 365. */
        maxAgeDays?: number;
      };
      /**
       * SLSA provenance builder.id values the provenance rule trusts, e.g.
       * https://github.com/actions/runner/github-hosted. With none configured the
       * provenance rule fails: no builder is trusted by default.
       */
      trustedBuilders?: string[];
      /**
       * Who may sign evidence (DSSE envelopes, Sigstore bundles v0.1-v0.3). An uploaded
       * signature is checked against this once, at upload, and recorded as verified,
       * unverified (nothing here could check it) or invalid (wrong key, altered payload,
       * identity not listed). Gantry never fetches trust material: there is no TUF
       * update, so refresh the trusted root yourself when Sigstore rotates its keys.
       */
      signatures?: {
        /** Public keys (PEM, SubjectPublicKeyInfo), e.g. cosign.pub; keyId matches a DSSE keyid or a bundle's key hint. */
        keys?: Array<{ keyId: string; publicKey: string }>;
        /**
         * Keyless (Fulcio) signers: the OIDC issuer (e.g.
         * https://token.actions.githubusercontent.com) and the certificate identity,
         * either exactly (subject, e.g.
         * https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main) or as
         * a regular expression matched against the whole identity (subjectRegExp).
         * Needs trustedRootFile or trustedRoot.
         */
        keyless?: Array<{
          issuer: string;
          subject?: string;
          subjectRegExp?: string;
        }>;
        /**
         * Path of Sigstore's TrustedRoot JSON (trusted_root.json: Fulcio CAs, Rekor and CT
         * log keys, timestamp authorities), read once at startup. It is the
         * `trusted_root.json` target of the TUF repository of the Sigstore instance that
         * issued the certificates (for the public-good instance,
         * https://tuf-repo-cdn.sigstore.dev); fetch it with a TUF client, which checks it
         * against the repository's signed metadata, and replace the file when the
         * instance rotates its keys. Gantry ships no copy.
         */
        trustedRootFile?: string;
        /** The same TrustedRoot JSON given inline (or with `$file`); set this or trustedRootFile. */
        trustedRoot?: string;
        /**
         * Whether the provenance rule accepts only provenance with a verified signature.
         * Default true when keys or keyless signers are configured, else false.
         */
        required?: boolean;
        /** Per policy: `required` set differently for a named policy. */
        byPolicy?: { [policy: string]: { required?: boolean } };
      };
      /**
       * Vulnerability severities that block a promotion when a fix is available.
       * Default [CRITICAL, HIGH].
       */
      blockingSeverities?: Array<
        'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN'
      >;
      /**
       * How the vulnerabilities rule treats findings without a fix and SARIF scores, for
       * every policy; `byPolicy` sets them differently for a named policy.
       */
      vulnerabilities?: {
        /**
         * A SARIF result whose rule's security-severity is at least this blocks, with or
         * without a fix, unless its rule id is allowlisted. Default 7.0 (GitHub's "high").
         */
        securitySeverityThreshold?: number;
        /** Severities that block even when no fix is available. Default none. */
        blockUnfixable?: Array<
          'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN'
        >;
        /** Policy name -> the settings above for that policy. */
        byPolicy?: {
          [policy: string]: {
            securitySeverityThreshold?: number;
            blockUnfixable?: Array<
              'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN'
            >;
          };
        };
      };
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
    /** DORA figures (the DORA card and /dora). */
    dora?: {
      /**
       * Rollback time objectives, measured per failed deployment over the history: time
       * to restore (failure detected -> a good version healthy again) and time to
       * recover (bad change live -> a good version healthy again). A restore that misses
       * either notifies the entity's owner. Defaults: 5 and 15 minutes.
       */
      objectives?: {
        timeToRestoreMinutes?: number;
        timeToRecoverMinutes?: number;
      };
    };
    /** The Rollouts attention page. */
    rollouts?: {
      /** How often each replica re-reads every annotated entity's rollouts for the page, in seconds. Default 60. */
      attentionRefreshSeconds?: number;
    };
    /**
     * Per-principal limits on expensive routes (each replica counts on its own): over the
     * limit a caller gets 429 with Retry-After. Defaults: complianceReport 30/min burst 20,
     * dora 240/min burst 60, evidenceUpload 300/min burst 200.
     */
    limits?: {
      complianceReport?: { requestsPerMinute?: number; burst?: number };
      dora?: { requestsPerMinute?: number; burst?: number };
      evidenceUpload?: { requestsPerMinute?: number; burst?: number };
      evidenceStorage?: {
        /** Evidence content one entity may store, in MiB; over it an upload gets 413. Default 1024. */
        megabytesPerEntity?: number;
      };
    };
    /** Feature flags (annotation gantry.dev/feature-flags) */
    flags?: {
      /** OFREP, SSE and sync requests per second one client key may make on one replica. Default 1000. */
      rateLimitPerSecond?: number;
      /** How often a replica checks for flag changes made by other replicas, in ms. Default 1000. */
      pollIntervalMs?: number;
      /** Days ids of ingested exposure/conversion events are kept to spot retried batches. Default 7. */
      eventIdRetentionDays?: number;
      /**
       * The flag data plane (OFREP, SSE, flagd sync served from memory, outside the
       * portal's request pipeline) and the change stream standalone edges follow.
       */
      edge?: {
        /** Port of the edge listener inside the backend process; no listener when unset. */
        port?: number;
        /** Interface the listener binds to. Default all. */
        host?: string;
        /** Static-token subjects (backend.auth.externalAccess) allowed to follow the change stream. Default [gantry-flags-edge]. */
        subjects?: string[];
        /** Ping interval on the change stream, in ms. Default 5000. */
        heartbeatMs?: number;
        /** Seconds without word from the control plane after which data is stale. Default 300. */
        staleAfterSeconds?: number;
        /** Stale data: refuse with OFREP GENERAL (fail-closed, default) or keep serving it (fail-open). */
        staleMode?: 'fail-closed' | 'fail-open';
        /** Open SSE streams one client key may hold per listener. Default 20. */
        maxStreamsPerKey?: number;
        /** Requests per second with a missing, unknown or revoked key, per client address. Default 20. */
        unknownKeyRateLimitPerSecond?: number;
        /** Origin clients reach the listener at, for SSE URLs in bulk responses. Default the request's Host. */
        publicBaseUrl?: string;
      };
      stale?: {
        /** A release/experiment flag serving one variant to everyone this long is stale. Default 14. */
        fullyRolledOutDays?: number;
        /** A flag not evaluated this long is stale. Default 30. */
        notEvaluatedDays?: number;
      };
    };
    /**
     * Approved promotions written into the service's GitOps repository (annotations
     * gantry.dev/gitops-repo, -path, -mode, -image). Credentials and pull/merge request
     * APIs come from Backstage's `integrations` (github, gitlab).
     */
    gitops?: {
      /** Author of Gantry's commits. Default Gantry <gantry@localhost>. */
      author?: { name?: string; email?: string };
      /**
       * Minutes after which a change still being written (its writer stopped) may be
       * tried again. Default 10.
       */
      staleAfterMinutes?: number;
      /**
       * Seconds an approval waits for its Git change before answering; the change goes
       * on and is recorded when done (shown as pending meanwhile). Default 20.
       */
      approvalWaitSeconds?: number;
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
