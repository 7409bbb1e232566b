import type { Entity } from '@backstage/catalog-model';
import type {
  DeploymentsView,
  GateRuleResult,
  GateVerdict,
} from '@gantry/plugin-gantry-common';
import type { GateRule } from './config/complianceConfig';

/*
 * Interfaces several domains consume and another domain provides. plugin.ts hands the
 * provider's service to the consumers; neither imports the other.
 */

/**
 * A gate rule whose input comes from another domain (SLO budget, canary verdict): the
 * domain provides one, the gates consume all that are registered. A rule with no
 * registered signal reports that nothing reports for the entity, and does not block.
 */
export interface GateSignal {
  rule: Extract<GateRule, 'slo-budget' | 'canary'>;
  evaluate(
    entity: Entity,
    version: string,
    environment: string,
  ): Promise<GateRuleResult | undefined>;
}

/** The release gate of an environment (gates provide it; rollouts and Argo CD actions ask it). */
export interface ReleaseGate {
  evaluate(
    entity: Entity,
    entityRef: string,
    version: string,
    environment: string,
  ): Promise<GateVerdict>;
}

/** An entity's live pipeline: Argo CD applications with their Rollouts (deployments provide it). */
export interface PipelineReader {
  forEntity(entity: Entity, entityRef: string): Promise<DeploymentsView>;
}

/** Marks that someone acted by hand on an environment's deployment (history provides it). */
export interface ManualInterventionLog {
  markManualIntervention(entityRef: string, environment: string): Promise<void>;
}
