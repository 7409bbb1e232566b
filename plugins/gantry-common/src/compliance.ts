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
    /** At most 200 findings, most severe first. */
    findings: VulnerabilityFinding[];
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
    components: number;
  };
  provenance?: {
    predicateType: string;
    builderId?: string;
    buildType?: string;
    subjects: Array<{ name: string; sha256?: string }>;
    signed: boolean;
  };
  codeScan?: {
    tools: string[];
    secretScan: boolean;
    results: { error: number; warning: number; note: number; none: number };
  };
  loadTest?: {
    requests: number;
    errorRate: number;
    p95Ms?: number;
    p99Ms?: number;
  };
  attestation?: { type: string; by?: string[]; url?: string; ticket?: string };
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

export type GateRuleStatus = 'pass' | 'fail' | 'not-applicable';

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

export interface ControlResult {
  control: 'CC8.1' | 'CC7.1' | 'CC6.1';
  title: string;
  status: 'pass' | 'fail';
  summary: string;
  findings: string[];
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
  eligibleApprovers: string[];
}
