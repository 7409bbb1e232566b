import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  flagInputOf,
  linkedSloOf,
  type FeatureFlag,
  type FlagInput,
} from '@gantry/plugin-gantry-common';
import { freezeRamp } from './rampFreeze';
import { rampOf } from './rollout';
import type { FlagStore } from './FlagStore';
import type { FlagService } from './FlagService';
import type { SloBurnStatus, SloStatusSource } from './sloStatusSource';

export const RAMP_GUARD_ACTOR = 'service:gantry-ramp-guard';

interface RampGuardOutcome {
  entityRef: string;
  environment: string;
  key: string;
  slo: string;
  /** `unknown`: the SLO could not be read, so the ramp was left as it is. */
  result: 'frozen' | 'healthy' | 'unknown' | 'failed';
  detail?: string;
}

const describeSplit = (split: Record<string, number>) =>
  Object.entries(split)
    .map(([v, p]) => `${v} ${p}%`)
    .join(', ');

const rate = (r: number | null) =>
  r === null ? 'unknown' : `${r.toFixed(2)}x`;

/**
 * Stops scheduled ramps whose linked SLO burns: the ramp is frozen at the share it has
 * reached, so nobody who has the feature loses it and nobody new gets it. It only ever
 * freezes; an SLO it cannot read leaves the ramp untouched.
 */
export class RampGuard {
  constructor(
    private readonly deps: {
      store: FlagStore;
      flags: FlagService;
      slos: SloStatusSource;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  async run(): Promise<RampGuardOutcome[]> {
    const now = this.deps.now?.() ?? new Date();
    const nowSec = Math.floor(now.getTime() / 1000);
    const statuses = new Map<string, Promise<SloBurnStatus>>();
    const statusOf = (entityRef: string, slo: string) => {
      const id = `${entityRef}#${slo}`;
      if (!statuses.has(id))
        statuses.set(id, this.deps.slos.statusFor(entityRef, slo));
      return statuses.get(id)!;
    };
    const outcomes: RampGuardOutcome[] = [];
    for (const flag of await this.deps.store.listFlagsWithLinkedSlo()) {
      const slo = linkedSloOf(flag.definition);
      const ramp = rampOf(flag.definition, nowSec);
      // A killed flag serves its safe variant whatever its ramp says.
      if (
        !slo ||
        flag.killedAt ||
        flag.definition.state !== 'ENABLED' ||
        !ramp?.next
      )
        continue;
      const base = {
        entityRef: flag.entityRef,
        environment: flag.environment,
        key: flag.key,
        slo,
      };
      let status: SloBurnStatus;
      try {
        status = await statusOf(flag.entityRef, slo);
      } catch (e) {
        const detail = `Could not read SLO '${slo}', ramp left as it is: ${
          (e as Error).message
        }`;
        this.deps.logger.warn(
          `Ramp guard: ${flag.key} in ${flag.environment} of ${flag.entityRef}: ${detail}`,
        );
        outcomes.push({ ...base, result: 'unknown', detail });
        continue;
      }
      if (status.alert === 'none') {
        outcomes.push({ ...base, result: 'healthy' });
        continue;
      }
      outcomes.push(await this.freeze(flag, slo, status, now, ramp.current));
    }
    return outcomes;
  }

  private async freeze(
    flag: FeatureFlag,
    slo: string,
    status: SloBurnStatus,
    now: Date,
    current: Record<string, number>,
  ): Promise<RampGuardOutcome> {
    const base = {
      entityRef: flag.entityRef,
      environment: flag.environment,
      key: flag.key,
      slo,
    };
    const definition = freezeRamp(
      flag.definition,
      Math.floor(now.getTime() / 1000),
      {
        slo,
        at: now.toISOString(),
      },
    )!;
    const input: FlagInput = { ...flagInputOf(flag), definition };
    const reason = `Ramp stopped at ${describeSplit(current)}: SLO '${slo}' ${
      status.alert
    } alert is firing, burn rate ${rate(status.burnRate)}${
      status.threshold !== undefined
        ? ` (threshold ${rate(status.threshold)})`
        : ''
    }.`;
    try {
      await this.deps.flags.write({
        entityRef: flag.entityRef,
        environment: flag.environment,
        proposal: { target: 'flag', operation: 'upsert', key: flag.key, input },
        baseVersion: flag.version,
        reason,
        actor: RAMP_GUARD_ACTOR,
        safety: true,
      });
    } catch (e) {
      // Typically a concurrent edit (stale version); the next run looks again.
      const detail = `Could not stop the ramp: ${(e as Error).message}`;
      this.deps.logger.warn(
        `Ramp guard: ${flag.key} in ${flag.environment} of ${flag.entityRef}: ${detail}`,
      );
      return { ...base, result: 'failed', detail };
    }
    this.deps.logger.info(
      `Ramp guard: ${flag.key} in ${flag.environment} of ${flag.entityRef}: ${reason}`,
    );
    return { ...base, result: 'frozen', detail: reason };
  }
}
