import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type {
  CanaryAnalysis,
  GateRuleResult,
  RolloutView,
} from '@gantry/plugin-gantry-common';
import type { GateSignal, PipelineReader } from '../kernel/ports';
import type { CanaryAnalysisStore } from './CanaryAnalysisStore';

const describe = (a: CanaryAnalysis) =>
  `${a.rollout.namespace}/${a.rollout.name} step ${a.step} scored ${a.score} (${a.reason})`;

/**
 * Gate rule `canary`: the judge's stored verdicts for the release. A release's canary is
 * found through the Rollouts that run it (their release label or image tag): their
 * current pod-template hash is the canary hash the judge stored its analyses under.
 *
 * - any Fail -> fail;
 * - Pass or Marginal -> pass. Marginal passes because the Rollout's own analysis step
 *   already stops on it (Inconclusive) until a person promotes past it; the reason names
 *   the marginal score so the gate shows it;
 * - nothing judged yet (or only Error, which the judge retries) -> pending, never pass;
 * - an entity without any canary Rollout -> not-applicable.
 */
export function canaryGateSignal(deps: {
  store: Pick<CanaryAnalysisStore, 'listForCanary'>;
  pipeline: PipelineReader;
}): GateSignal {
  const rule = 'canary' as const;
  const result = (
    status: GateRuleResult['status'],
    reason: string,
  ): GateRuleResult => ({ rule, status, reason });
  return {
    rule,
    async evaluate(entity: Entity, version: string) {
      const entityRef = stringifyEntityRef(entity);
      const view = await deps.pipeline.forEntity(entity, entityRef);
      const rollouts = view.applications.flatMap(a => a.rollouts);
      const canaries = rollouts.filter(r => r.strategy === 'canary');
      const ofRelease = canaries.filter(
        (r): r is RolloutView & { currentPodHash: string } =>
          r.release === version && Boolean(r.currentPodHash),
      );
      if (canaries.length === 0 && view.errors.length === 0) {
        return result(
          'not-applicable',
          `${entityRef} runs no canary Rollout, so no canary is judged.`,
        );
      }
      const analyses = (
        await Promise.all(
          ofRelease.map(r =>
            deps.store.listForCanary({
              entityRef,
              rolloutNamespace: r.namespace,
              rolloutName: r.name,
              canaryHash: r.currentPodHash,
            }),
          ),
        )
      ).flat();
      const judged = analyses.filter(a => a.verdict !== 'Error');
      const failed = judged.filter(a => a.verdict === 'Fail');
      if (failed.length) {
        return result(
          'fail',
          `The canary judge failed ${version}: ${failed
            .map(describe)
            .join('; ')}.`,
        );
      }
      if (judged.length) {
        const marginal = judged.filter(a => a.verdict === 'Marginal');
        return result(
          'pass',
          `${judged.length} canary analys${
            judged.length === 1 ? 'is' : 'es'
          } of ${version} passed${
            marginal.length
              ? `; marginal, accepted by the person who promoted past the paused step: ${marginal
                  .map(describe)
                  .join('; ')}`
              : ''
          }.`,
        );
      }
      const unread = view.errors.map(e => `${e.source}: ${e.message}`);
      return result(
        'pending',
        `No canary of ${version} has been judged yet${
          ofRelease.length
            ? ` (${ofRelease
                .map(r => `${r.namespace}/${r.name}`)
                .join(', ')} run${ofRelease.length === 1 ? 's' : ''} it${
                analyses.length ? '; the judge answered Error so far' : ''
              })`
            : ' (no canary Rollout runs it)'
        }${unread.length ? `; could not read ${unread.join('; ')}` : ''}.`,
      );
    },
  };
}
