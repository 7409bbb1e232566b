import type { Config } from '@backstage/config';

export interface DrDrillConfig {
  maxAgeDays: number;
  maxRtoSeconds?: number;
}

/** `gantry.compliance.drDrill`; a bad value stops startup with a message naming it. */
export function readDrDrillConfig(config: Config): DrDrillConfig {
  const at = 'gantry.compliance.drDrill';
  const c = config.getOptionalConfig(at);
  const maxAgeDays = c?.getOptionalNumber('maxAgeDays') ?? 90;
  if (!(Number.isInteger(maxAgeDays) && maxAgeDays >= 1))
    throw new Error(`${at}.maxAgeDays is ${maxAgeDays}; give whole days ≥ 1`);
  const maxRtoSeconds = c?.getOptionalNumber('maxRtoSeconds');
  if (maxRtoSeconds !== undefined && !(maxRtoSeconds > 0))
    throw new Error(
      `${at}.maxRtoSeconds is ${maxRtoSeconds}; give seconds > 0`,
    );
  return { maxAgeDays, maxRtoSeconds };
}
