import type { CapabilityStatus } from './capabilities';

/** Response of GET /api/gantry/entities/:namespace/:kind/:name/overview */
export interface EntityOverview {
  entityRef: string;
  title: string;
  owner?: string;
  /** Number of capabilities configured for the entity. */
  configuredCount: number;
  capabilities: CapabilityStatus[];
  /** Environments in promotion order, last = production. */
  environments: string[];
  /** Environments whose promotions need approval. */
  approvalEnvironments: string[];
}

/** Response of GET /api/gantry/health */
export interface HealthResponse {
  status: 'ok';
  database: 'ok';
}
