import type { Config } from '@backstage/config';

export interface SloConfig {
  /** Error budget (percent) every SLO must have left before a promotion into an environment. */
  minBudgetRemainingPercent: (environment: string) => number;
}

/** Reads `gantry.slos`; environments without a threshold need a budget that is not overspent (0 %). */
export function readSloConfig(config: Config): SloConfig {
  const thresholds = config.getOptionalConfig(
    'gantry.slos.gate.minBudgetRemainingPercent',
  );
  const byEnv: Record<string, number> = {};
  for (const env of thresholds?.keys() ?? []) {
    const value = thresholds!.getNumber(env);
    if (value < 0 || value > 100) {
      throw new Error(
        `gantry.slos.gate.minBudgetRemainingPercent.${env} is ${value}; use a percentage from 0 to 100.`,
      );
    }
    byEnv[env] = value;
  }
  return { minBudgetRemainingPercent: env => byEnv[env] ?? 0 };
}
