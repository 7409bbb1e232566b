import { ENVIRONMENTS, type Environment, type OverlayOptions } from './options';

/** Each Prometheus metric of the AnalysisTemplate: one measurement a minute, five of them. */
export const ANALYSIS_METRIC = { intervalMinutes: 1, count: 5 } as const;

/** Minutes an analysis step runs: its first measurement at once, the last count-1 intervals later. */
export const ANALYSIS_MINUTES =
  (ANALYSIS_METRIC.count - 1) * ANALYSIS_METRIC.intervalMinutes;

/**
 * The judge compares canary and stable over the pause with 1-minute rates; fewer than two
 * such intervals leaves one sample per side, which no test can tell apart.
 */
export const MIN_PAUSE_MINUTES = 2 * ANALYSIS_METRIC.intervalMinutes;

/** Through a router the first step is a small share of requests. */
const ROUTED_WEIGHTS = [5, 25, 50, 75, 100];

/** Without a router a weight is a share of pods: one step per pod. */
function replicaWeights(replicas: number): number[] {
  const out: number[] = [];
  for (let k = 1; k < replicas; k++) out.push(Math.round((100 * k) / replicas));
  return [...out, 100];
}

export function canaryWeights(o: OverlayOptions, env: Environment): number[] {
  const e = o.environments[env];
  if (e.canaryWeights) return e.canaryWeights;
  return o.trafficRouting === 'none'
    ? replicaWeights(e.replicas)
    : ROUTED_WEIGHTS;
}

/** Expected minutes from the first canary step to full promotion, if every analysis passes. */
export function expectedCanaryMinutes(
  o: OverlayOptions,
  env: Environment,
): number {
  const steps = canaryWeights(o, env).filter(w => w < 100).length;
  return steps * (o.environments[env].pauseMinutes + ANALYSIS_MINUTES);
}

export function describeCanaryPlan(o: OverlayOptions, env: Environment) {
  const weights = canaryWeights(o, env);
  const e = o.environments[env];
  const unit = o.trafficRouting === 'none' ? '% of pods' : '% of requests';
  return `${weights.join(', ')} ${unit}; ${
    e.pauseMinutes
  } min observation + ${ANALYSIS_MINUTES} min analysis per step: about ${expectedCanaryMinutes(
    o,
    env,
  )} min`;
}

/**
 * What the canary options promise but a cluster would not do, one message per problem,
 * each naming the option and how to fix it.
 */
export function canaryPlanProblems(o: OverlayOptions): string[] {
  if (o.strategy !== 'canary') return [];
  const problems: string[] = [];
  for (const env of ENVIRONMENTS) {
    const e = o.environments[env];
    const at = `environments.${env}`;
    if (e.pauseMinutes < MIN_PAUSE_MINUTES) {
      problems.push(
        `${at}.pauseMinutes is ${e.pauseMinutes}: the canary analysis needs at least ${MIN_PAUSE_MINUTES} minutes (two ${ANALYSIS_METRIC.intervalMinutes}-minute query intervals) of observation per step; set it to ${MIN_PAUSE_MINUTES} or more`,
      );
    }
    if (o.trafficRouting !== 'none') continue;
    const weights = canaryWeights(o, env);
    if (weights.length < 2) {
      problems.push(
        `${at}.replicas is ${e.replicas}: with trafficRouting none a weight is a share of pods, so one replica leaves no canary step below 100 %; run 2 or more replicas or choose a traffic router (nginx, gatewayAPI, istio, smi)`,
      );
      continue;
    }
    for (const w of weights) {
      const pods = (w * e.replicas) / 100;
      if (
        w < 100 &&
        (pods < 0.95 || Math.abs(pods - Math.round(pods)) > 0.05)
      ) {
        problems.push(
          `${at}.canaryWeights has ${w}: with trafficRouting none a weight is a share of pods and ${
            e.replicas
          } replicas only allow steps of ${Math.round(
            100 / e.replicas,
          )} % (${replicaWeights(e.replicas).join(
            ', ',
          )}); use those weights, more replicas, or a traffic router (nginx, gatewayAPI, istio, smi) to send ${w} % of requests`,
        );
      }
    }
  }
  return problems;
}
