import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  FeatureFlag,
  FlagInput,
  FlagSegment,
  FlagWriteResult,
} from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import type { Transaction } from '../kernel/transaction';
import { buildFlagSet } from './flagSet';
import {
  checkWithFlagdCore,
  validateFlagSet,
  type FlagProblem,
} from './validateFlagSet';
import {
  buildableFlag,
  prerequisiteProblems,
  type FlagWithPrerequisites,
} from './prerequisites';
import type { FlagStore } from './FlagStore';
import type { Proposal } from './proposals';
import { StaleVersionError } from './StaleVersionError';
import { FlagEditError, problemOfEdit } from './FlagEditError';

/** The kill switch must serve an existing variant; checked once the definition itself is valid. */
function safeVariantProblems(key: string, input: FlagInput): FlagProblem[] {
  const variants = Object.keys(input.definition.variants ?? {});
  if (input.safeVariant === undefined) {
    return [
      {
        path: `flags.${key}.safeVariant`,
        message: `no safe variant could be chosen (no variant is false and there is no defaultVariant); name the variant the kill switch serves, one of ${variants.join(
          ', ',
        )}`,
      },
    ];
  }
  if (variants.includes(input.safeVariant)) return [];
  return [
    {
      path: `flags.${key}.safeVariant`,
      message: `safeVariant '${
        input.safeVariant
      }' is not one of the variants (${variants.join(
        ', ',
      )}); the kill switch must serve an existing variant`,
    },
  ];
}

/**
 * Applies one proposal inside a transaction: checks the version it was made on, checks
 * the whole flag set as it would be afterwards, writes, raises the set's revision and
 * audits before/after. Used for direct writes and for approved changes alike.
 */
export class FlagChangeApplier {
  constructor(
    private readonly deps: {
      store: FlagStore;
      audit: AuditService;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * The flag or segment the proposal targets, checked against the version the edit was
   * made on: within `tx`, else as committed.
   */
  async currentAt(
    entityRef: string,
    environment: string,
    proposal: Proposal,
    baseVersion: number | null,
    tx?: Transaction,
  ): Promise<FeatureFlag | FlagSegment | undefined> {
    const current =
      proposal.target === 'flag'
        ? await this.deps.store.getFlag(
            entityRef,
            environment,
            proposal.key,
            tx,
          )
        : await this.deps.store.getSegment(
            entityRef,
            environment,
            proposal.key,
            tx,
          );
    const what = `${proposal.target} '${proposal.key}' in ${environment}`;
    if (baseVersion === null && current) {
      throw new StaleVersionError(
        `The ${what} already exists (version ${current.version}); edit it with baseVersion ${current.version} instead of creating it.`,
        current,
      );
    }
    if (baseVersion !== null && !current) {
      throw new StaleVersionError(
        `The ${what} no longer exists; it was deleted after version ${baseVersion}.`,
        null,
      );
    }
    if (baseVersion !== null && current && current.version !== baseVersion) {
      throw new StaleVersionError(
        `The ${what} changed since you loaded it: you edited version ${baseVersion}, the current version is ${current.version} (by ${current.updatedBy} at ${current.updatedAt}). Review the current state and apply your edit to it.`,
        current,
      );
    }
    if (
      (proposal.operation === 'delete' || proposal.operation === 'restore') &&
      !current
    ) {
      throw new NotFoundError(`No ${what}.`);
    }
    if (
      proposal.operation === 'restore' &&
      !(current as FeatureFlag).killedAt
    ) {
      throw new ConflictError(
        `The ${what} is not killed, so there is nothing to restore.`,
      );
    }
    return current;
  }

  /** Validates the whole flag set as it would be after the change: within `tx`, else as committed. */
  async checkCandidate(
    entityRef: string,
    environment: string,
    proposal: Proposal,
    tx?: Transaction,
  ): Promise<void> {
    const flags: FlagWithPrerequisites[] = (
      await this.deps.store.listFlags(entityRef, environment, tx)
    )
      .filter(
        f =>
          !(
            proposal.target === 'flag' &&
            proposal.operation !== 'restore' &&
            f.key === proposal.key
          ),
      )
      .map(buildableFlag);
    const segments = (
      await this.deps.store.listSegments(entityRef, environment, tx)
    )
      .filter(s => !(proposal.target === 'segment' && s.name === proposal.key))
      .map(s => ({ name: s.name, rule: s.rule }));
    if (proposal.target === 'flag' && proposal.operation === 'delete') {
      const dependents = flags
        .filter(f => f.prerequisites?.some(p => p.flag === proposal.key))
        .map(f => f.key);
      if (dependents.length) {
        throw new ConflictError(
          `The flag '${proposal.key}' is a prerequisite of ${dependents
            .map(d => `'${d}'`)
            .join(
              ', ',
            )} in ${environment}; remove it from their prerequisites before deleting it.`,
        );
      }
    }
    if (proposal.operation === 'upsert') {
      if (proposal.target === 'flag')
        flags.push({
          key: proposal.key,
          definition: proposal.input.definition,
          prerequisites: proposal.input.prerequisites,
          safeVariant: proposal.input.safeVariant,
        });
      else segments.push({ name: proposal.key, rule: proposal.input.rule });
    }
    const authored = flags.map(f => ({ key: f.key, definition: f.definition }));
    let problems = [
      ...validateFlagSet(
        buildFlagSet({ entityRef, environment, flags: authored, segments }),
      ),
      ...prerequisiteProblems(flags),
    ];
    if (!problems.length && flags.some(f => f.prerequisites?.length)) {
      problems = checkWithFlagdCore(
        buildFlagSet({ entityRef, environment, flags, segments }),
      );
    }
    if (
      proposal.target === 'flag' &&
      proposal.operation === 'upsert' &&
      !problems.some(p => p.path.startsWith(`flags.${proposal.key}.`))
    ) {
      problems.push(...safeVariantProblems(proposal.key, proposal.input));
    }
    if (problems.length) {
      const own = `${proposal.target === 'flag' ? 'flags' : '$evaluators'}.${
        proposal.key
      }`;
      const details = problems.map(p => `${p.path}: ${p.message}`).join('; ');
      throw new FlagEditError(
        problems.every(p => p.path === own || p.path.startsWith(`${own}.`))
          ? `The ${proposal.target} '${proposal.key}' is not a valid flagd ${
              proposal.target === 'flag' ? 'flag definition' : 'segment'
            }: ${details}.`
          : `Saving the ${proposal.target} '${proposal.key}' would leave the flag set of ${environment} invalid: ${details}.`,
        problems.map(p => problemOfEdit(proposal.target, proposal.key, p)),
      );
    }
  }

  async apply(
    tx: Transaction,
    input: {
      entityRef: string;
      environment: string;
      proposal: Proposal;
      baseVersion: number | null;
      reason: string;
      actor: string;
      changeId?: string;
      approvedBy?: string;
    },
  ): Promise<FlagWriteResult> {
    const { entityRef, environment, proposal } = input;
    const now = this.now().toISOString();
    // Lock the set first so concurrent writers of one set queue up.
    await this.deps.store.bumpRevision(tx, entityRef, environment, now);
    const before = await this.currentAt(
      entityRef,
      environment,
      proposal,
      input.baseVersion,
      tx,
    );
    await this.checkCandidate(entityRef, environment, proposal, tx);
    let after: FeatureFlag | FlagSegment | undefined;
    if (proposal.target === 'flag') {
      const prev = before as FeatureFlag | undefined;
      if (proposal.operation === 'delete') {
        await this.deps.store.deleteFlag(
          tx,
          entityRef,
          environment,
          proposal.key,
        );
      } else if (proposal.operation === 'restore') {
        // The authored definition was never touched by the kill: lifting it is enough.
        const {
          killedAt: _at,
          killedBy: _by,
          killedReason: _why,
          ...rest
        } = prev!;
        await this.deps.store.updateFlag(tx, {
          ...rest,
          version: prev!.version + 1,
          updatedAt: now,
          updatedBy: input.actor,
        });
        after = await this.deps.store.getFlag(
          entityRef,
          environment,
          proposal.key,
          tx,
        );
      } else {
        const i = proposal.input;
        const stored = {
          entityRef,
          environment,
          key: proposal.key,
          definition: i.definition,
          type: i.type,
          owner: i.owner!,
          ...(i.expiresAt ? { expiresAt: i.expiresAt } : {}),
          ...(i.description ? { description: i.description } : {}),
          safeVariant: i.safeVariant!,
          ...(i.prerequisites?.length
            ? { prerequisites: i.prerequisites }
            : {}),
          // An edit changes what is authored; a killed flag stays killed until restored.
          ...(prev?.killedAt
            ? {
                killedAt: prev.killedAt,
                killedBy: prev.killedBy,
                ...(prev.killedReason
                  ? { killedReason: prev.killedReason }
                  : {}),
              }
            : {}),
          version: (prev?.version ?? 0) + 1,
          createdAt: prev?.createdAt ?? now,
          createdBy: prev?.createdBy ?? input.actor,
          updatedAt: now,
          updatedBy: input.actor,
        };
        if (prev) await this.deps.store.updateFlag(tx, stored);
        else await this.deps.store.insertFlag(tx, stored);
        after = await this.deps.store.getFlag(
          entityRef,
          environment,
          proposal.key,
          tx,
        );
      }
    } else {
      const prev = before as FlagSegment | undefined;
      if (proposal.operation === 'delete') {
        await this.deps.store.deleteSegment(
          tx,
          entityRef,
          environment,
          proposal.key,
        );
      } else {
        const segment: FlagSegment = {
          entityRef,
          environment,
          name: proposal.key,
          rule: proposal.input.rule,
          ...(proposal.input.description
            ? { description: proposal.input.description }
            : {}),
          version: (prev?.version ?? 0) + 1,
          updatedAt: now,
          updatedBy: input.actor,
        };
        await this.deps.store.putSegment(tx, segment, !prev);
        after = segment;
      }
    }
    let verb: string = proposal.operation;
    if (proposal.operation === 'upsert') verb = before ? 'update' : 'create';
    await this.deps.audit.record(
      {
        actor: input.actor,
        action: `flag.${
          proposal.target === 'segment' ? 'segment.' : ''
        }${verb}`,
        entityRef,
        details: {
          environment,
          key: proposal.key,
          reason: input.reason,
          before: before ?? null,
          after: after ?? null,
          ...(input.changeId
            ? { changeId: input.changeId, approvedBy: input.approvedBy }
            : {}),
        },
      },
      tx,
    );
    return {
      status: 'applied',
      ...(proposal.target === 'flag'
        ? { flag: after as FeatureFlag | undefined }
        : { segment: after as FlagSegment | undefined }),
    };
  }
}
