import type {
  DeploymentRecord,
  PromotionRequest,
  ReleaseRecord,
} from '@gantry/plugin-gantry-common';

/** Releases with their evidence summaries, newest first (evidence provides it). */
export interface ReleaseHistory {
  listReleases(entityRef: string, limit: number): Promise<ReleaseRecord[]>;
}

/** Promotion requests as stored, newest first (approvals provide it). */
export interface PromotionLog {
  list(filter: {
    entityRef: string;
    limit: number;
  }): Promise<PromotionRequest[]>;
}

/** Vulnerabilities accepted until a date (gates provide it). */
export interface AcceptedVulnerabilities {
  activeIds(entityRef: string, now: Date): Promise<Set<string>>;
}

/** Deployments Argo CD / Argo Rollouts reported (history provides it). */
export interface DeploymentLog {
  /** Every deployment of one entity and environment that started in [from, to), oldest first. */
  between(
    entityRef: string,
    environment: string,
    from: string,
    to: string,
  ): Promise<DeploymentRecord[]>;
}
