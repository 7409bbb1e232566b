import type { Config } from '@backstage/config';

export interface DpiaConfig {
  maxAgeDays: number;
}

/** `gantry.compliance.dpia`; a bad value stops startup with a message naming it. */
export function readDpiaConfig(config: Config): DpiaConfig {
  const at = 'gantry.compliance.dpia.maxAgeDays';
  const maxAgeDays =
    config.getOptionalNumber('gantry.compliance.dpia.maxAgeDays') ?? 365;
  if (!(Number.isInteger(maxAgeDays) && maxAgeDays >= 1))
    throw new Error(`${at} is ${maxAgeDays}; give whole days ≥ 1`);
  return { maxAgeDays };
}
