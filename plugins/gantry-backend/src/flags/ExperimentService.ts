import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  FeatureFlag,
  FlagEventIngestResult,
  FlagExperiment,
  FlagExperimentConfig,
  FlagExperimentEvent,
  FlagExperimentResponse,
  FlagWriteResult,
} from '@gantry/plugin-gantry-common';
import { flagInputOf } from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import { evaluateExperiment } from './experiment/evaluateExperiment';
import { rolloutOf } from './rollout';
import type { ExperimentStore, UnitKey } from './ExperimentStore';
import type { FlagStore } from './FlagStore';
import type { FlagService } from './FlagService';

const unitId = (flagKey: string, targetingKey: string) =>
  `${flagKey}\u0000${targetingKey}`;

/**
 * A/B experiments on flags: configuration (audited), ingestion of exposure and
 * conversion events sent with a flag client key, results, and rolling the winner out
 * through FlagService so approvals, four eyes and the audit log apply as for any edit.
 *
 * Counting: the unit is the targeting key. Exposures count distinct targeting keys per
 * variant (a key keeps the first variant it was exposed to); conversions count those
 * of them that ever sent the experiment's conversion event. Event ids are kept, so a
 * retried batch reports its events as duplicates; even without ids, replaying an event
 * cannot change a count.
 */
export class ExperimentService {
  constructor(
    private readonly deps: {
      store: ExperimentStore;
      flagStore: FlagStore;
      flags: FlagService;
      audit: AuditService;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * Drops the ids of events ingested more than `retentionDays` ago. They only spot a
   * retried batch: units count a user once whatever arrives, so a retry older than
   * that still cannot inflate results.
   */
  async pruneEventIds(retentionDays: number): Promise<number> {
    const before = new Date(this.now().getTime() - retentionDays * 86_400_000);
    return this.deps.store.pruneEventIds(before.toISOString());
  }

  async results(
    entityRef: string,
    environment: string,
    flagKey: string,
  ): Promise<FlagExperimentResponse> {
    const flag = await this.deps.flags.getFlag(entityRef, environment, flagKey);
    // No experiment is a normal state of a flag (the Flags tab asks on every load), not a 404.
    const experiment = await this.deps.store.get(
      entityRef,
      environment,
      flagKey,
    );
    if (!experiment) return { experiment: null };
    const counts = await this.deps.store.counts(
      entityRef,
      environment,
      flagKey,
    );
    return {
      experiment,
      ...evaluateExperiment({
        config: experiment,
        variants: Object.keys(flag.definition.variants),
        counts: counts.variants,
        split: rolloutOf(flag.definition),
      }),
      unexposedConversions: counts.unexposedConversions,
    };
  }

  async configure(input: {
    entityRef: string;
    environment: string;
    flagKey: string;
    config: FlagExperimentConfig;
    actor: string;
  }): Promise<FlagExperiment> {
    const { entityRef, environment, flagKey, config } = input;
    const flag = await this.deps.flags.getFlag(entityRef, environment, flagKey);
    const variants = Object.keys(flag.definition.variants);
    if (!variants.includes(config.controlVariant))
      throw new InputError(
        `controlVariant '${
          config.controlVariant
        }' is not a variant of ${flagKey}; choose one of ${variants.join(
          ', ',
        )}.`,
      );
    if (variants.length < 2)
      throw new InputError(
        `${flagKey} has one variant; an experiment compares at least two.`,
      );
    const now = this.now().toISOString();
    return this.deps.store.transaction(async tx => {
      const before = await this.deps.store.get(
        entityRef,
        environment,
        flagKey,
        tx,
      );
      const after: FlagExperiment = {
        entityRef,
        environment,
        flagKey,
        ...config,
        version: (before?.version ?? 0) + 1,
        startedAt: before?.startedAt ?? now,
        updatedAt: now,
        updatedBy: input.actor,
      };
      await this.deps.store.put(tx, after);
      await this.deps.audit.record(
        {
          actor: input.actor,
          action: 'flag.experiment.configure',
          entityRef,
          details: {
            environment,
            key: flagKey,
            before: before ?? null,
            after,
          },
        },
        tx,
      );
      return after;
    });
  }

  /**
   * Stores a batch atomically. Exposures of flags without an experiment, of unknown
   * variants, and conversions no experiment in the set tracks are counted as ignored.
   */
  async ingest(
    entityRef: string,
    environment: string,
    events: FlagExperimentEvent[],
  ): Promise<FlagEventIngestResult> {
    const at = this.now().toISOString();
    const result: FlagEventIngestResult = {
      received: events.length,
      duplicates: 0,
      ignored: 0,
      stored: 0,
    };
    const [experiments, flags] = await Promise.all([
      this.deps.store.list(entityRef, environment),
      this.deps.flagStore.listFlags(entityRef, environment),
    ]);
    const variantsOf = new Map<string, FeatureFlag>(flags.map(f => [f.key, f]));
    const experimentFlags = new Set(experiments.map(e => e.flagKey));
    const flagsByEvent = new Map<string, string[]>();
    for (const e of experiments)
      flagsByEvent.set(e.conversionEvent, [
        ...(flagsByEvent.get(e.conversionEvent) ?? []),
        e.flagKey,
      ]);

    await this.deps.store.transaction(async tx => {
      const known = await this.deps.store.knownEventIds(
        tx,
        entityRef,
        environment,
        [...new Set(events.map(e => e.id))],
      );
      const fresh: string[] = [];
      const exposures = new Map<string, UnitKey & { variant: string }>();
      const conversions = new Map<string, UnitKey>();
      for (const e of events) {
        if (known.has(e.id)) {
          result.duplicates += 1;
          continue;
        }
        known.add(e.id);
        fresh.push(e.id);
        const when = e.timestamp ? new Date(e.timestamp).toISOString() : at;
        if (e.type === 'exposure') {
          const variants = variantsOf.get(e.flagKey)?.definition.variants;
          if (
            !experimentFlags.has(e.flagKey) ||
            !variants ||
            !(e.variant in variants)
          ) {
            result.ignored += 1;
            continue;
          }
          const id = unitId(e.flagKey, e.targetingKey);
          const seen = exposures.get(id);
          if (!seen || when < seen.at)
            exposures.set(id, {
              flagKey: e.flagKey,
              targetingKey: e.targetingKey,
              variant: e.variant,
              at: when,
            });
        } else {
          const tracked = flagsByEvent.get(e.event);
          if (!tracked) {
            result.ignored += 1;
            continue;
          }
          for (const flagKey of tracked) {
            const id = unitId(flagKey, e.targetingKey);
            const seen = conversions.get(id);
            if (!seen || when < seen.at)
              conversions.set(id, {
                flagKey,
                targetingKey: e.targetingKey,
                at: when,
              });
          }
        }
        result.stored += 1;
      }
      await this.deps.store.addEventIds(tx, entityRef, environment, fresh, at);
      await this.deps.store.addExposures(tx, entityRef, environment, [
        ...exposures.values(),
      ]);
      await this.deps.store.addConversions(tx, entityRef, environment, [
        ...conversions.values(),
      ]);
    });
    return result;
  }

  /**
   * Serves the declared winner to everyone: default variant = winner, targeting
   * removed. Goes through FlagService.write on the flag's current version, so in an
   * approval environment this creates a pending change for another owner.
   */
  async rolloutWinner(input: {
    entityRef: string;
    environment: string;
    flagKey: string;
    reason?: string;
    actor: string;
  }): Promise<FlagWriteResult> {
    const { entityRef, environment, flagKey } = input;
    const results = await this.results(entityRef, environment, flagKey);
    if (results.experiment === null)
      throw new NotFoundError(
        `No experiment on flag '${flagKey}' in ${environment} for ${entityRef}; configure one with PUT .../flags/${environment}/${flagKey}/experiment.`,
      );
    if (results.decision.status !== 'winner')
      throw new ConflictError(
        `No winner to roll out for ${flagKey} in ${environment}: ${results.decision.message}`,
      );
    const winner = results.decision.winner;
    const flag = await this.deps.flags.getFlag(entityRef, environment, flagKey);
    const { targeting: _dropped, ...definition } = flag.definition;
    return this.deps.flags.write({
      entityRef,
      environment,
      proposal: {
        target: 'flag',
        operation: 'upsert',
        key: flagKey,
        input: {
          ...flagInputOf(flag),
          definition: {
            ...definition,
            state: 'ENABLED',
            defaultVariant: winner,
          },
        },
      },
      baseVersion: flag.version,
      reason:
        input.reason ??
        `Roll out experiment winner '${winner}': ${results.decision.message}`,
      actor: input.actor,
    });
  }
}
