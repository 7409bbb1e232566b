/** Evidence formats the ingestion API accepts (the `:format` path segment). */
export const EVIDENCE_FORMATS = [
  'trivy',
  'sarif',
  'cyclonedx',
  'spdx',
  'junit',
  'in-toto',
  'load-test',
  'attestation',
  'migration',
  'dr-drill',
  'dpia',
  'chaos-drill',
] as const;
export type EvidenceFormat = (typeof EVIDENCE_FORMATS)[number];

export const SEVERITIES = [
  'CRITICAL',
  'HIGH',
  'MEDIUM',
  'LOW',
  'UNKNOWN',
] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface VulnerabilityFinding {
  id: string;
  severity: Severity;
  package?: string;
  installedVersion?: string;
  fixedVersion?: string;
  fixAvailable: boolean;
}

export interface SecretFinding {
  ruleId: string;
  severity: Severity;
  target: string;
  title?: string;
  line?: number;
}

export interface MisconfigurationFinding {
  id: string;
  severity: Severity;
  target: string;
  title?: string;
}

export interface SeverityCount {
  total: number;
  fixable: number;
}

/** What the gates read from one piece of evidence; each format fills its parts. */
export interface EvidenceSummary {
  /** One line a person can read in a table. */
  headline: string;
  vulnerabilities?: {
    counts: Record<Severity, SeverityCount>;
    /**
     * At most 200 findings, most severe first, for people to read. The gates never read
     * this list: every finding is stored apart and counted by the database.
     */
    findings: VulnerabilityFinding[];
  };
  /** Secrets a scanner found (Trivy `Secrets[]`); every one counts for the secret-scan rule. */
  secrets?: {
    tool: string;
    total: number;
    counts: Record<Severity, number>;
    /** At most 50, most severe first; the matched text is never kept. */
    findings: SecretFinding[];
  };
  /** Failed configuration checks (Trivy `Misconfigurations[]` with Status FAIL). */
  misconfigurations?: {
    failures: number;
    counts: Record<Severity, number>;
    /** At most 50, most severe first. */
    findings: MisconfigurationFinding[];
  };
  tests?: {
    total: number;
    passed: number;
    failed: number;
    skipped: number;
    /** At most 50 failing cases. */
    failures: Array<{ suite?: string; name: string; message?: string }>;
  };
  sbom?: {
    format: 'CycloneDX' | 'SPDX';
    specVersion: string;
    /** Every component, nested ones included (CycloneDX `components[].components[]`). */
    components: number;
    /** A CycloneDX document that carries only vulnerabilities (VEX), not an inventory. */
    vexOnly?: boolean;
  };
  provenance?: {
    predicateType: string;
    builderId?: string;
    buildType?: string;
    subjects: Array<{ name: string; sha256?: string }>;
    /**
     * @deprecated Written before signatures were verified: it says only that the DSSE
     * envelope carried a signature. Read `signature`.
     */
    signed?: boolean;
  };
  /** The signature of a signed document (DSSE envelope, Sigstore bundle); absent when unsigned. */
  signature?: SignatureReport;
  codeScan?: {
    tools: string[];
    secretScan: boolean;
    results: { error: number; warning: number; note: number; none: number };
  };
  loadTest?: {
    requests: number;
    /** Throughput: k6's http_reqs rate. */
    requestsPerSecond?: number;
    errorRate: number;
    p95Ms?: number;
    p99Ms?: number;
  };
  attestation?: { type: string; by?: string[]; url?: string; ticket?: string };
  migrations?: MigrationSummary;
  /** A restore test of the service's data (format `dr-drill`). */
  drDrill?: {
    /** When the restored copy served again (ISO-8601). */
    restoredAt: string;
    /** Measured recovery time: from the start of the restore to serving, in seconds. */
    rtoSeconds: number;
    /** What was restored, e.g. "PostgreSQL orders (pg_restore)". */
    scope: string;
    /** Whether every check after the restore passed. */
    verified: boolean;
    runbook?: string;
  };
  /** A failure-injection drill during a staging canary (format `chaos-drill`). */
  chaosDrill?: ChaosDrillSummary;
  /** A data protection impact assessment (format `dpia`, GDPR Art. 35). */
  dpia?: {
    assessedAt: string;
    assessor: string;
    outcome: 'approved' | 'approved-with-conditions' | 'rejected';
    reviewDue?: string;
  };
}

/** One fault a chaos drill injected (Chaos Mesh kind and action) and when it was over. */
export interface ChaosExperiment {
  /** Chaos Mesh kind, e.g. PodChaos, NetworkChaos, StressChaos. */
  kind: string;
  /** e.g. pod-kill, delay, loss. */
  action: string;
  name: string;
  injectedAt: string;
  /** When the service was healthy again after the fault; absent when it never recovered. */
  recoveredAt?: string;
}

/** A resilience drill: faults injected while a canary ran, and how the analysis judged it. */
export interface ChaosDrillSummary {
  environment: string;
  release: string;
  experiments: ChaosExperiment[];
  canaryVerdict: 'pass' | 'fail' | 'inconclusive';
  analysisRun?: string;
  /** The newest injection time, which dates the drill. */
  ranAt: string;
}

/** One finding of the migration linter (squawk) in a release's migration files. */
export interface MigrationFinding {
  file: string;
  /** 1-based. */
  line: number;
  rule: string;
  level: string;
  message: string;
}

/**
 * A release's SQL migrations as linted in CI (format `migration`): what the previous
 * release, still running during a canary or blue-green release, would no longer
 * understand, and how each step is rolled back.
 */
export interface MigrationSummary {
  linter: string;
  files: number;
  findings: { total: number; errors: number; warnings: number };
  /** Backward-incompatible changes (drop/rename/retype, new required column) in expand steps. */
  breaking: MigrationFinding[];
  /** Contract steps: the destructive half of an expand/contract change, with its expand release. */
  contractSteps: Array<{ file: string; expandedIn: string; findings: number }>;
  rollback: {
    /** Files that ship a down migration. */
    reversible: number;
    forwardOnly: Array<{ file: string; reason: string }>;
  };
  /** At most 50, breaking first, for people to read. */
  listed: MigrationFinding[];
}

/**
 * `verified`: checked against configured trust (gantry.compliance.signatures);
 * `unverified`: signed, but nothing configured could check it;
 * `invalid`: checked and it does not hold (wrong key, altered payload, untrusted identity).
 */
export type SignatureStatus = 'verified' | 'unverified' | 'invalid';

export interface SignatureReport {
  status: SignatureStatus;
  /** Who signed, only when verified: the key id, or the certificate identity (SAN). */
  signer?: string;
  /** The OIDC issuer of a keyless (Fulcio) certificate, when verified. */
  issuer?: string;
  /** How it was checked, or why it could not be or did not hold. */
  reason: string;
  /** What carried the signature. */
  envelope: 'dsse' | 'sigstore-bundle';
}

export interface EvidenceRecord {
  id: string;
  entityRef: string;
  version: string;
  format: EvidenceFormat;
  sha256: string;
  sizeBytes: number;
  uploadedBy: string;
  uploadedAt: string;
  summary: EvidenceSummary;
}

export interface ReleaseRecord {
  entityRef: string;
  version: string;
  commit: string;
  imageDigest?: string;
  createdAt: string;
  evidence: EvidenceRecord[];
}

/**
 * `pending`: the rule applies but its input does not exist yet (no canary judged so
 * far); it is not a pass, and it does not fail the verdict on its own.
 */
export type GateRuleStatus = 'pass' | 'fail' | 'pending' | 'not-applicable';

export interface GateRuleResult {
  rule: string;
  status: GateRuleStatus;
  reason: string;
}

export interface GateVerdict {
  entityRef: string;
  version: string;
  environment: string;
  policy: string;
  verdict: 'pass' | 'fail';
  evaluatedAt: string;
  rules: GateRuleResult[];
}

export type PromotionStatus =
  | 'pending'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'emergency';

export interface ApprovalDecision {
  decidedBy: string;
  decision: 'approve' | 'reject';
  comment?: string;
  decidedAt: string;
}

export interface PromotionRequest {
  id: string;
  entityRef: string;
  version: string;
  environment: string;
  requestedBy: string;
  reason: string;
  status: PromotionStatus;
  requiredApprovals: number;
  approverGroups: string[];
  emergency: boolean;
  /** Emergency promotions need a review by another approver after the fact. */
  reviewStatus?: 'pending' | 'done';
  reviewedBy?: string;
  reviewComment?: string;
  createdAt: string;
  expiresAt: string;
  decidedAt?: string;
  decisions: ApprovalDecision[];
}

/** One record a control's result rests on; `href` is an API path when the record can be fetched. */
export interface ControlEvidence {
  kind: 'deployment' | 'promotion' | 'release' | 'evidence' | 'approver';
  id: string;
  label: string;
  href?: string;
}

export interface ControlResult {
  control: 'CC8.1' | 'CC7.1' | 'CC6.1';
  title: string;
  status: 'pass' | 'fail';
  summary: string;
  findings: string[];
  evidence: ControlEvidence[];
}

/**
 * How a production deployment in the history is covered: by an approved promotion request
 * of its release, by a reviewed emergency request, or not at all.
 */
export type DeploymentCoverage =
  | 'approved'
  | 'emergency-reviewed'
  | 'emergency-unreviewed'
  | 'unapproved';

/** One production deployment of the period, reconciled against the promotion requests. */
export interface ReconciledDeployment {
  deploymentId: string;
  environment: string;
  application: string;
  revision: string;
  startedAt: string;
  outcome: string;
  /** The release the revision maps to; absent when no release matches it. */
  version?: string;
  coverage: DeploymentCoverage;
  requestId?: string;
}

export interface ProductionChange {
  requestId: string;
  version: string;
  environment: string;
  requestedBy: string;
  requestedAt: string;
  reason: string;
  emergency: boolean;
  approvals: Array<{ by: string; at: string }>;
  reviewedBy?: string;
  testsPassed: boolean;
  scanned: boolean;
  evidenceLinks: Array<{ format: string; headline: string; href: string }>;
}

export interface ComplianceReport {
  entityRef: string;
  from: string;
  to: string;
  generatedAt: string;
  auditHead: { seq: number; hash: string };
  controls: ControlResult[];
  changes: ProductionChange[];
  /** Every production deployment of the period (from the deployment history), oldest first. */
  deployments: ReconciledDeployment[];
  eligibleApprovers: string[];
}
