import type { Config } from '@backstage/config';

/** Limits a release's load test must meet to enter one environment. */
export interface LoadTestThresholds {
  p95Ms?: number;
  p99Ms?: number;
  /** Fraction of failed requests, 0..1 (k6 http_req_failed rate). */
  errorRate?: number;
  minRequestsPerSecond?: number;
  minRequests?: number;
}

export interface LoadTestConfig {
  thresholds: Record<string, LoadTestThresholds>;
  /** How much worse than the last released version's run fails, in percent. */
  maxRegressionPercent: { p95: number; throughput: number };
}

const KEYS = [
  'p95Ms',
  'p99Ms',
  'errorRate',
  'minRequestsPerSecond',
  'minRequests',
] as const;

/** `gantry.compliance.loadTest`; a bad value stops startup with a message naming it. */
export function readLoadTestConfig(
  config: Config,
  environments: string[],
): LoadTestConfig {
  const at = 'gantry.compliance.loadTest';
  const c = config.getOptionalConfig(at);
  const thresholds: Record<string, LoadTestThresholds> = {};
  const byEnv = c?.getOptionalConfig('thresholds');
  for (const env of byEnv?.keys() ?? []) {
    if (!environments.includes(env))
      throw new Error(
        `${at}.thresholds.${env} is not a configured environment; use one of ${environments.join(
          ', ',
        )}`,
      );
    const e = byEnv!.getConfig(env);
    const t: LoadTestThresholds = {};
    for (const key of KEYS) {
      const v = e.getOptionalNumber(key);
      if (v === undefined) continue;
      if (!(v >= 0) || (key === 'errorRate' && v > 1))
        throw new Error(
          `${at}.thresholds.${env}.${key} is ${v}; give ${
            key === 'errorRate' ? 'a fraction from 0 to 1' : 'a number ≥ 0'
          }`,
        );
      t[key] = v;
    }
    thresholds[env] = t;
  }
  const percent = (key: 'p95' | 'throughput') => {
    const v = c?.getOptionalNumber(`maxRegressionPercent.${key}`) ?? 10;
    if (!(v >= 0 && v <= 1000))
      throw new Error(
        `${at}.maxRegressionPercent.${key} is ${v}; give a percentage from 0 to 1000`,
      );
    return v;
  };
  return {
    thresholds,
    maxRegressionPercent: {
      p95: percent('p95'),
      throughput: percent('throughput'),
    },
  };
}
