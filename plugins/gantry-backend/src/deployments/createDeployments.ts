import type { GantryContext } from '../kernel/context';
import type { ReleaseGate } from '../kernel/ports';
import { ArgoCdActionService } from './ArgoCdActionService';
import { ProductionGate, type EmergencyPromotions } from './productionGate';
import {
  DeploymentsService,
  type ArgoCdHistorySink,
} from './DeploymentsService';
import { MigrationSteps } from './MigrationSteps';
import type { ReleaseEvidence } from './migrationStep';
import { createDeploymentsRouter } from './router';

/** The pipeline per entity (Argo CD applications with their Rollouts) and the Argo CD actions. */
export function createDeployments(
  ctx: GantryContext,
  deps: {
    history: ArgoCdHistorySink;
    emergencies: EmergencyPromotions;
    /** Each release's migration report, for the migration step and rollbacks. */
    evidence: ReleaseEvidence;
  },
) {
  const migrations = new MigrationSteps({
    argocd: ctx.providers.argocd,
    evidence: deps.evidence,
  });
  const deployments = new DeploymentsService({
    argocd: ctx.providers.argocd,
    rollouts: ctx.providers.rollouts,
    config: ctx.config,
    history: deps.history,
    logger: ctx.logger,
    migrations,
  });
  const productionGate = new ProductionGate({
    argocd: ctx.providers.argocd,
    emergencies: deps.emergencies,
    environments: ctx.config.environments,
    environmentLabel: ctx.config.environmentLabel,
  });
  const argocdActions = new ArgoCdActionService({
    argocd: ctx.providers.argocd,
    audit: ctx.audit,
    gate: productionGate,
    migrations,
  });
  return {
    router: createDeploymentsRouter({
      access: ctx.access,
      deployments,
      argocdActions,
    }),
    deployments,
    argocdActions,
    /** Register the release gate once the gates are built. */
    useReleaseGate: (gates: ReleaseGate) =>
      productionGate.useReleaseGate(gates),
  };
}
