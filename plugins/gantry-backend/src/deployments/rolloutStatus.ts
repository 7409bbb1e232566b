/*
 * What `kubectl argo rollouts get rollout` derives from a Rollout (argo-rollouts
 * utils/rollout/rolloututil.go GetRolloutPhase/CalculateRolloutPhase,
 * utils/replicaset/canary.go GetCurrentSetWeight, pkg/kubectl-argo-rollouts/info
 * rollout_info.go ActualWeight), so the Delivery tab says what the CLI says.
 */

/** The phase and message, with the staleness checks the CLI applies first. */
export function rolloutPhase(r: any): {
  phase: string;
  message?: string;
  /** Set when the controller has not yet caught up with the object: its message. */
  waitingForController?: string;
} {
  const waiting = staleness(r);
  if (waiting)
    return {
      phase: 'Progressing',
      message: waiting,
      waitingForController: waiting,
    };
  if (r.status?.phase)
    return { phase: r.status.phase, message: r.status.message || undefined };
  // Controllers before v1.0 leave the phase to the client.
  return calculatePhase(r);
}

function staleness(r: any): string | undefined {
  const observed = r.status?.observedGeneration;
  // The CLI's Atoi: a v0.9 controller wrote a hash here, which is not a generation.
  if (
    typeof observed === 'string' &&
    /^[+-]?\d+$/.test(observed) &&
    typeof r.metadata?.generation === 'number' &&
    Number(observed) < r.metadata.generation
  )
    return 'waiting for rollout spec update to be observed';
  if (r.status?.controllerPause && !(r.status?.pauseConditions ?? []).length)
    return 'waiting for rollout to unpause';
  const workloadGeneration =
    r.metadata?.annotations?.['rollout.argoproj.io/workload-generation'];
  const workloadObserved = r.status?.workloadObservedGeneration;
  if (
    r.spec?.workloadRef &&
    workloadGeneration !== undefined &&
    /^\d+$/.test(String(workloadObserved ?? '')) &&
    Number(workloadObserved) !== Number(workloadGeneration)
  )
    return 'waiting for rollout spec update to be observed for the reference workload';
  return undefined;
}

const fullyPromoted = (r: any) =>
  (r.status?.stableRS ?? '') === (r.status?.currentPodHash ?? '');

function calculatePhase(r: any): { phase: string; message?: string } {
  const spec = r.spec ?? {};
  const status = r.status ?? {};
  for (const c of status.conditions ?? []) {
    if (c.type === 'InvalidSpec')
      return { phase: 'Degraded', message: `InvalidSpec: ${c.message}` };
    if (
      c.reason === 'RolloutAborted' ||
      c.reason === 'ProgressDeadlineExceeded'
    )
      return { phase: 'Degraded', message: `${c.reason}: ${c.message}` };
  }
  if (spec.paused) return { phase: 'Paused', message: 'manually paused' };
  const pause = (status.pauseConditions ?? [])[0];
  if (pause) return { phase: 'Paused', message: pause.reason };
  if (
    spec.restartAt &&
    (!status.restartedAt ||
      Date.parse(spec.restartAt) !== Date.parse(status.restartedAt))
  )
    return { phase: 'Progressing', message: 'rollout is restarting' };
  const progressing = (message: string) => ({ phase: 'Progressing', message });
  if ((status.updatedReplicas ?? 0) < (spec.replicas ?? 1))
    return progressing('more replicas need to be updated');
  if ((status.availableReplicas ?? 0) < (status.updatedReplicas ?? 0))
    return progressing('updated replicas are still becoming available');
  if (spec.strategy?.blueGreen) {
    const active = status.blueGreen?.activeSelector ?? '';
    if (!active || active !== status.currentPodHash)
      return progressing('active service cutover pending');
    if (!status.stableRS || !fullyPromoted(r)) {
      const post = status.blueGreen?.postPromotionAnalysisRunStatus?.status;
      const completed = ['Successful', 'Failed', 'Error', 'Inconclusive'];
      return spec.strategy.blueGreen.postPromotionAnalysis &&
        !completed.includes(post)
        ? progressing('waiting for analysis to complete')
        : progressing('waiting for post-promotion verification to complete');
    }
  } else if (spec.strategy?.canary) {
    if (
      !spec.strategy.canary.trafficRouting &&
      (status.replicas ?? 0) > (status.updatedReplicas ?? 0)
    )
      return progressing('old replicas are pending termination');
    if (!status.stableRS || !fullyPromoted(r))
      return progressing('waiting for all steps to complete');
  }
  return { phase: 'Healthy' };
}

const maxTrafficWeight = (r: any): number =>
  r.spec?.strategy?.canary?.trafficRouting?.maxTrafficWeight ?? 100;

/** GetCurrentCanaryStep: the step the rollout is at, undefined past the last or without steps. */
function currentStep(r: any): { step?: any; index?: number } {
  const steps: any[] = r.spec?.strategy?.canary?.steps ?? [];
  if (!steps.length) return {};
  const index = r.status?.currentStepIndex ?? 0;
  return { step: steps[index], index };
}

/** The weight the controller is asked for: 0 once aborted, the last setWeight up to the current step. */
export function setWeight(r: any): number | undefined {
  if (!r.spec?.strategy?.canary) return undefined;
  if (r.status?.abort) return 0;
  const { step, index } = currentStep(r);
  if (!step || index === undefined) return maxTrafficWeight(r);
  const steps: any[] = r.spec.strategy.canary.steps;
  for (let i = index; i >= 0; i--) {
    if (typeof steps[i]?.setWeight === 'number') return steps[i].setWeight;
  }
  return 0;
}

/**
 * The weight the canary has: with traffic routing what the router reports (else the set
 * weight); without it the share of available pods that run the canary. The CLI counts
 * the canary ReplicaSet's available pods, which the Rollout's status does not carry; the
 * updated replicas (at most the available ones) stand in for them.
 */
export function actualWeight(r: any): number | undefined {
  if (!r.spec?.strategy?.canary) return undefined;
  const { step } = currentStep(r);
  if (!step) return maxTrafficWeight(r);
  const available = r.status?.availableReplicas ?? 0;
  if (available <= 0) return 0;
  if (r.spec.strategy.canary.trafficRouting) {
    const reported = r.status?.canary?.weights?.canary?.weight;
    return typeof reported === 'number' ? reported : setWeight(r);
  }
  if (r.status?.abort) return 0;
  const canary = Math.min(r.status?.updatedReplicas ?? 0, available);
  return Math.floor((canary * maxTrafficWeight(r)) / available);
}
