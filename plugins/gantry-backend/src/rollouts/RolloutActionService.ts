import type { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { ANNOTATIONS } from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import type { ManualInterventionLog, ReleaseGate } from '../kernel/ports';
import type { RolloutsClient } from '../providers/RolloutsClient';
import {
  labelsOf,
  releaseOf,
  type RolloutObject,
} from '../providers/rolloutTypes';
import { entitySelector } from '../kernel/entitySelector';
import { matchesLabels } from '../kernel/labelSelector';
import { rolloutPatches, type RolloutAction } from './rolloutPatches';

/**
 * Promote, promote fully, abort or retry an entity's Rollout, with the patches the Argo
 * Rollouts CLI sends. Promotions into the last environment (production) must pass the
 * release's quality gate, approvals included; aborts and retries never wait.
 */
export class RolloutActionService {
  constructor(
    private readonly deps: {
      client: RolloutsClient;
      gates: ReleaseGate;
      audit: AuditService;
      environments: string[];
      environmentLabel: string;
      /** Marks the deployment as touched by hand, for the DORA "without intervention" rate. */
      history?: ManualInterventionLog;
    },
  ) {}

  async act(input: {
    entity: Entity;
    entityRef: string;
    cluster: string;
    namespace: string;
    name: string;
    action: RolloutAction;
    actor: string;
  }): Promise<{
    action: RolloutAction;
    patches: number;
    environment?: string;
  }> {
    const selector = entitySelector(input.entity);
    if (!selector) {
      throw new NotAllowedError(
        `${input.entityRef} has no ${ANNOTATIONS.kubernetesId} or ${ANNOTATIONS.kubernetesLabelSelector} annotation, so none of its rollouts can be acted on.`,
      );
    }
    const rollout: RolloutObject = await this.deps.client.getRollout(
      input.cluster,
      input.namespace,
      input.name,
    );
    // metadata.labels only: the set the API server's labelSelector matches when listing.
    if (!matchesLabels(selector, rollout.metadata.labels ?? {})) {
      throw new NotFoundError(
        `Rollout ${input.namespace}/${input.name} in cluster ${input.cluster} does not belong to ${input.entityRef} (its labels do not match the selector ${selector.text}).`,
      );
    }
    const labels = labelsOf(rollout);
    const environment = labels[this.deps.environmentLabel];
    const production =
      this.deps.environments[this.deps.environments.length - 1];
    if (
      (input.action === 'promote' || input.action === 'promote-full') &&
      environment === production
    ) {
      await this.assertGate(
        input.entity,
        input.entityRef,
        rollout,
        production,
        input.action,
      );
    }
    const patches = await this.deps.client.applyPlan(
      input.cluster,
      input.namespace,
      input.name,
      rolloutPatches(input.action, rollout),
    );
    await this.deps.audit.record({
      actor: input.actor,
      action: `rollout.${input.action}`,
      entityRef: input.entityRef,
      details: {
        cluster: input.cluster,
        namespace: input.namespace,
        rollout: input.name,
        environment: environment ?? null,
        release: releaseOf(rollout) ?? null,
        patches: patches.map(p => ({
          subresource: p.subresource,
          body: p.body,
        })),
      },
    });
    if (environment)
      await this.deps.history?.markManualIntervention(
        input.entityRef,
        environment,
      );
    return { action: input.action, patches: patches.length, environment };
  }

  private async assertGate(
    entity: Entity,
    entityRef: string,
    rollout: RolloutObject,
    environment: string,
    action: RolloutAction,
  ) {
    const version = releaseOf(rollout);
    if (!version) {
      throw new ConflictError(
        `Cannot tell which release Rollout ${rollout.metadata.name} runs (no app.kubernetes.io/version label, no image tag), so its ${environment} quality gate cannot be checked.`,
      );
    }
    let verdict;
    try {
      verdict = await this.deps.gates.evaluate(
        entity,
        entityRef,
        version,
        environment,
      );
    } catch (e) {
      if ((e as Error).name === 'NotFoundError') {
        throw new ConflictError(
          `Promotion into ${environment} is blocked: no release ${version} of ${entityRef} is recorded. Upload its evidence first.`,
        );
      }
      throw e;
    }
    // promote-full skips the remaining analysis steps, so a canary not judged yet blocks
    // it; a step promote does not, since the analysis that judges it still runs after it.
    const blocking = verdict.rules.filter(
      r =>
        r.status === 'fail' ||
        (action === 'promote-full' && r.status === 'pending'),
    );
    if (verdict.verdict !== 'pass' || blocking.length) {
      const failing = blocking.map(
        r =>
          `${r.rule}${r.status === 'pending' ? ' (pending)' : ''}: ${r.reason}`,
      );
      throw new ConflictError(
        `Promotion of ${version} into ${environment} is blocked by its quality gate. ${failing.join(
          ' ',
        )}`,
      );
    }
  }
}
