import type { Config } from '@backstage/config';

/** What a passed chaos drill must show before a release enters one environment. */
export interface ChaosDrillRequirement {
  /** How old a passed drill of an earlier release may be; a drill of the release itself always counts. */
  maxAgeDays: number;
  /** Experiment actions (pod-kill, delay, loss, …) the drill must have injected. */
  requiredActions: string[];
}

export interface ChaosDrillConfig extends ChaosDrillRequirement {
  /** Environment -> what it sets differently. */
  environments: Record<string, Partial<ChaosDrillRequirement>>;
}

/** The requirement for promotion into `environment`: its own settings over the defaults. */
export function chaosDrillRequirementFor(
  config: ChaosDrillConfig,
  environment: string,
): ChaosDrillRequirement {
  const { environments, ...defaults } = config;
  return { ...defaults, ...environments[environment] };
}

function readRequirement(
  c: Config | undefined,
  at: string,
): Partial<ChaosDrillRequirement> {
  const maxAgeDays = c?.getOptionalNumber('maxAgeDays');
  if (
    maxAgeDays !== undefined &&
    !(Number.isInteger(maxAgeDays) && maxAgeDays >= 1)
  )
    throw new Error(`${at}.maxAgeDays is ${maxAgeDays}; give whole days ≥ 1`);
  const requiredActions = c?.getOptionalStringArray('requiredActions');
  const bad = requiredActions?.find(a => !/^[a-z][a-zA-Z0-9-]{0,62}$/.test(a));
  if (bad !== undefined)
    throw new Error(
      `${at}.requiredActions has '${bad}'; name Chaos Mesh actions such as pod-kill, pod-failure, delay or loss`,
    );
  return {
    ...(maxAgeDays === undefined ? {} : { maxAgeDays }),
    ...(requiredActions ? { requiredActions } : {}),
  };
}

/** `gantry.compliance.chaosDrill`; a bad value stops startup with a message naming it. */
export function readChaosDrillConfig(
  config: Config,
  environments: string[],
): ChaosDrillConfig {
  const at = 'gantry.compliance.chaosDrill';
  const c = config.getOptionalConfig(at);
  const byEnv = c?.getOptionalConfig('environments');
  const perEnvironment: ChaosDrillConfig['environments'] = {};
  for (const env of byEnv?.keys() ?? []) {
    if (!environments.includes(env))
      throw new Error(
        `${at}.environments.${env} is not a configured environment; use one of ${environments.join(
          ', ',
        )}`,
      );
    perEnvironment[env] = readRequirement(
      byEnv!.getConfig(env),
      `${at}.environments.${env}`,
    );
  }
  return {
    maxAgeDays: 30,
    requiredActions: [],
    ...readRequirement(c, at),
    environments: perEnvironment,
  };
}
