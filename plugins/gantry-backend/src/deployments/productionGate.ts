import type { Entity } from '@backstage/catalog-model';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import type {
  ArgoCdActionName,
  ArgoCdActionResult,
} from '@gantry/plugin-gantry-common';
import type { ReleaseGate } from '../kernel/ports';
import type { ArgoCdClient } from '../providers/ArgoCdClient';
import { manifestReleases } from './manifestReleases';

/** Emergency promotion requests of a release (approvals provide them). */
export interface EmergencyPromotions {
  approvalState(
    entityRef: string,
    version: string,
    environment: string,
  ): Promise<{ emergency?: { id: string } }>;
}

/** Actions that change what runs in production, so they pass the production gate. */
const GATED: ReadonlySet<ArgoCdActionName> = new Set([
  'sync',
  'rollback',
  'enable-auto-sync',
]);
const VERB: Record<ArgoCdActionName, string> = {
  sync: 'Sync',
  refresh: 'Refresh',
  rollback: 'Rollback',
  'enable-auto-sync': 'Turning automated sync on',
};

type GateOutcome = NonNullable<ArgoCdActionResult['gate']>;

/**
 * The production gate of a Gantry-initiated Argo CD action. In production (the app's
 * environment label is the last configured environment) sync, rollback and
 * enable-auto-sync pass the release gate of every release the rendered manifests run:
 * for a sync the app's target revision, for a rollback the history entry's revision(s)
 * (see manifestReleases). The `release` a caller names is checked against them, never
 * trusted instead. A release without evidence fails. A failing gate lets an action
 * through only as an emergency with a named reason, and only when the release has an
 * emergency promotion request (which its reviewer and the report follow up).
 */
export class ProductionGate {
  private gates?: ReleaseGate;

  constructor(
    private readonly deps: {
      argocd: ArgoCdClient;
      emergencies: EmergencyPromotions;
      environments: string[];
      environmentLabel: string;
    },
  ) {}

  /**
   * The gates register here once built: they read the pipeline (canary signal) that is
   * built with the Argo CD actions, so they cannot be handed in at construction.
   */
  useReleaseGate(gates: ReleaseGate) {
    this.gates = gates;
  }

  /**
   * The production gate of every release the action deploys; undefined outside
   * production. Throws 409 naming the failing rules unless an emergency applies.
   */
  async check(
    input: {
      entity: Entity;
      entityRef: string;
      instance: string;
      name: string;
      action: ArgoCdActionName;
      release?: string;
      emergency?: { reason: string };
    },
    app: any,
    appNamespace: string | undefined,
    revisions: string[] | undefined,
  ): Promise<GateOutcome | undefined> {
    const production =
      this.deps.environments[this.deps.environments.length - 1];
    const environment = app?.metadata?.labels?.[this.deps.environmentLabel];
    if (!GATED.has(input.action) || environment !== production)
      return undefined;
    const { name } = input;
    const what = `${VERB[input.action]} of ${name}`;
    const at = revisions?.length
      ? ` at ${revisions.map(r => r.slice(0, 12)).join(', ')}`
      : '';

    const { manifests } = await this.deps.argocd.manifests(
      input.instance,
      name,
      { revisions, appNamespace },
    );
    const versions = manifestReleases(manifests ?? []);
    if (versions.length === 0) {
      throw new ConflictError(
        `${what} cannot pass the ${production} gate: no Rollout or Deployment in its manifests${at} carries an app.kubernetes.io/version label or an image tag, so Gantry cannot tell which release it deploys. Label the pod template with app.kubernetes.io/version.`,
      );
    }
    if (input.release && !versions.includes(input.release)) {
      throw new ConflictError(
        `${what} would deploy release ${versions.join(', ')}, not ${
          input.release
        } as asked: its manifests${at} say so. Refresh the Delivery tab and check what Git holds.`,
      );
    }

    const releases: GateOutcome['releases'] = [];
    for (const version of versions) {
      const failing = await this.failingRules(input, version, production);
      if (!failing.length) {
        releases.push({ version, verdict: 'pass' });
        continue;
      }
      const blocked = `${what} is blocked by the ${production} gate of release ${version}: ${failing.join(
        ', ',
      )}.`;
      if (!input.emergency) {
        throw new ConflictError(
          `${blocked} Fix the failing rules, or, in an emergency, request an emergency promotion of ${version} and send {"emergency": {"reason": "…"}}.`,
        );
      }
      const state = await this.deps.emergencies.approvalState(
        input.entityRef,
        version,
        production,
      );
      if (!state.emergency) {
        throw new ConflictError(
          `${blocked} An emergency ${input.action} needs an emergency promotion request of ${version} into ${production} first (Compliance tab, "Emergency"), which another approver reviews afterwards.`,
        );
      }
      releases.push({
        version,
        verdict: 'fail',
        emergency: {
          requestId: state.emergency.id,
          reason: input.emergency.reason,
          failingRules: failing,
        },
      });
    }
    return { environment: production, releases };
  }

  /** "rule (reason)" for each failing rule; a release without evidence fails as a whole. */
  private async failingRules(
    input: { entity: Entity; entityRef: string },
    version: string,
    environment: string,
  ): Promise<string[]> {
    if (!this.gates) {
      throw new ServiceUnavailableError(
        'No release gate is registered, so no production action can be checked; none is done.',
      );
    }
    try {
      const verdict = await this.gates.evaluate(
        input.entity,
        input.entityRef,
        version,
        environment,
      );
      return verdict.verdict === 'pass'
        ? []
        : verdict.rules
            .filter(r => r.status === 'fail')
            .map(r => `${r.rule} (${r.reason.replace(/\.$/, '')})`);
    } catch (e) {
      if ((e as Error).name !== 'NotFoundError') throw e;
      return [
        `evidence (no release ${version} of ${input.entityRef} is recorded; upload its evidence first)`,
      ];
    }
  }
}
