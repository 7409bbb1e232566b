import { ConflictError, InputError } from '@backstage/errors';
import type { ReleaseRecord } from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import type { GateOverride, GateOverrideStore } from './GateOverrideStore';

/** Rules a person may override for one release; the others have their own exceptions. */
const OVERRIDABLE = ['load-test'];

/** Manual gate overrides: one per release, environment and rule, each with a reason, audited. */
export class GateOverrideService {
  constructor(
    private readonly deps: {
      store: GateOverrideStore;
      audit: AuditService;
      environments: string[];
      releases: {
        getRelease(entityRef: string, version: string): Promise<ReleaseRecord>;
      };
      now?: () => Date;
    },
  ) {}

  async override(input: {
    entityRef: string;
    version: string;
    environment: string;
    rule: string;
    reason: string;
    actor: string;
  }): Promise<GateOverride> {
    if (!OVERRIDABLE.includes(input.rule))
      throw new InputError(
        `The ${
          input.rule
        } rule cannot be overridden here; only ${OVERRIDABLE.join(
          ', ',
        )} can (vulnerabilities have the allowlist, approvals the emergency promotion).`,
      );
    if (!this.deps.environments.includes(input.environment))
      throw new InputError(
        `Unknown environment '${
          input.environment
        }'. Configured environments: ${this.deps.environments.join(', ')}.`,
      );
    // 404 for a release that was never recorded: nothing to override
    await this.deps.releases.getRelease(input.entityRef, input.version);
    const override: GateOverride = {
      entityRef: input.entityRef,
      version: input.version,
      environment: input.environment,
      rule: input.rule,
      reason: input.reason,
      createdBy: input.actor,
      createdAt: (this.deps.now?.() ?? new Date()).toISOString(),
    };
    await this.deps.store.transaction(async tx => {
      if (!(await this.deps.store.insert(tx, override)))
        throw new ConflictError(
          `The ${input.rule} rule of ${input.version} into ${input.environment} is already overridden; an override is recorded once and never replaced.`,
        );
      await this.deps.audit.record(
        {
          actor: input.actor,
          action: 'gate.override',
          entityRef: input.entityRef,
          details: {
            version: input.version,
            environment: input.environment,
            rule: input.rule,
            reason: input.reason,
          },
        },
        tx,
      );
    });
    return override;
  }
}
