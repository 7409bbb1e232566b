import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, type Entity } from '@backstage/catalog-model';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { GitopsChange } from '@gantry/plugin-gantry-common';
import type { AuditService } from '../kernel/audit/AuditService';
import type { GitopsChangeStore } from './GitopsChangeStore';
import type { GitWrite, GitWriteResult } from './GitWriter';
import { gitopsTargetOf, type GitopsTarget } from './gitopsTarget';
import { OverlayError, setOverlayImage } from './overlayImage';
import type { PullRequestClient } from './scm/PullRequestClient';

/** An approved promotion request as gitops needs it; approvals provides it. */
export interface ApprovedPromotion {
  id: string;
  entityRef: string;
  version: string;
  environment: string;
  status: string;
  requestedBy: string;
  reason: string;
  decisions: { decidedBy: string; decision: string }[];
}

/** Promotion requests by id; approvals provides it. */
export interface PromotionLookup {
  get(id: string): Promise<ApprovedPromotion>;
}

/** The release's image digest; evidence provides it. */
export interface ReleaseDigests {
  getRelease(
    entityRef: string,
    version: string,
  ): Promise<{ imageDigest?: string } | undefined>;
}

export interface GitopsDeps {
  store: GitopsChangeStore;
  releases: ReleaseDigests;
  promotions: PromotionLookup;
  entity(entityRef: string): Promise<Entity | undefined>;
  scm: {
    gitAuth(repoUrl: string): Promise<GitWrite['auth']>;
    pullRequests(repoUrl: string): Promise<PullRequestClient>;
    commitUrl(repoUrl: string, sha: string): string | undefined;
  };
  write(w: GitWrite): Promise<GitWriteResult>;
  audit: AuditService;
  logger: LoggerService;
  author: { name: string; email: string };
  /** A `pending` change older than this is taken to be abandoned (its writer died) and may be retried. */
  staleAfterMs?: number;
  /**
   * How long the approval waits for the Git change; a slower host does not hold the
   * approver's request: the change stays `pending` and is recorded when it finishes.
   */
  approvalWaitMs?: number;
  now?: () => Date;
}

const DONE = new Set(['proposed', 'committed']);
/** An emergency promotion is effective at once (and reviewed afterwards), so it is written too. */
const EFFECTIVE = new Set(['approved', 'emergency']);

/**
 * Writes an approved promotion's release (tag and image digest) into the environment's
 * overlay of the service's GitOps repository, as a pull/merge request or a direct commit,
 * and records the change. One change per request: re-running returns the recorded one.
 * A failure is recorded with its reason and stays retryable (POST …/promotions/:id/gitops);
 * the approval itself is never undone by it.
 */
export class GitopsService {
  constructor(private readonly deps: GitopsDeps) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  /** The approvals' "on approved" hook. Never throws: failures are recorded on the change. */
  async approved(p: ApprovedPromotion): Promise<GitopsChange | undefined> {
    if (!EFFECTIVE.has(p.status)) return undefined;
    try {
      const target = await this.targetOf(p);
      if (!target) return undefined;
      const done = this.run(p, target, 'gantry').catch(e => {
        this.deps.logger.error(
          `GitOps change for promotion ${p.id} could not be recorded: ${e}`,
        );
        return undefined;
      });
      const stopWaiting = new AbortController();
      const waited = sleep(this.deps.approvalWaitMs ?? 20_000, undefined, {
        signal: stopWaiting.signal,
      }).catch(() => undefined);
      return await Promise.race([done, waited]).finally(() =>
        stopWaiting.abort(),
      );
    } catch (e) {
      this.deps.logger.error(
        `GitOps change for promotion ${p.id} could not be recorded: ${e}`,
      );
      return undefined;
    }
  }

  /** Writes (or re-tries) the change of an approved request of `entityRef`, for a person or pipeline. */
  async apply(
    entityRef: string,
    requestId: string,
    actor: string,
  ): Promise<GitopsChange> {
    const p = await this.deps.promotions.get(requestId);
    if (p.entityRef !== entityRef)
      throw new NotFoundError(
        `No promotion request ${requestId} for ${entityRef}.`,
      );
    if (!EFFECTIVE.has(p.status)) {
      throw new ConflictError(
        `Promotion request ${p.id} is ${p.status}; only an approved (or emergency) request is written to the GitOps repository.`,
      );
    }
    const target = await this.targetOf(p);
    if (!target) {
      throw new ConflictError(
        `${entityRef} has no gantry.dev/gitops-repo annotation: add the GitOps repository's clone URL to its catalog-info.yaml.`,
      );
    }
    const release = await this.deps.releases.getRelease(p.entityRef, p.version);
    if (!release?.imageDigest) {
      throw new ConflictError(this.noDigest(p));
    }
    return this.run(p, target, actor);
  }

  async list(entityRef: string): Promise<GitopsChange[]> {
    return this.deps.store.listForEntity(entityRef);
  }

  private async targetOf(p: ApprovedPromotion) {
    const entity = await this.deps.entity(p.entityRef);
    if (!entity) throw new NotFoundError(`No entity ${p.entityRef}.`);
    try {
      return gitopsTargetOf(entity, p.environment);
    } catch (e) {
      if (e instanceof OverlayError) throw new ConflictError(e.message);
      throw e;
    }
  }

  private noDigest(p: ApprovedPromotion) {
    return `Release ${p.version} of ${p.entityRef} has no image digest, so Gantry cannot pin it in the overlay; upload its evidence with ?imageDigest=sha256:<digest> and retry.`;
  }

  private branchOf(p: ApprovedPromotion) {
    const { namespace, name: entity } = parseEntityRef(p.entityRef);
    const name = (
      namespace === 'default' ? entity : `${namespace}-${entity}`
    ).replace(/[^A-Za-z0-9._-]+/g, '-');
    return `gantry/${p.environment}/${name}-${p.version}`.replace(
      /\.\.+/g,
      '.',
    );
  }

  /** Claims the request's change row (or returns the recorded one), then writes it. */
  private async run(
    p: ApprovedPromotion,
    target: GitopsTarget,
    actor: string,
  ): Promise<GitopsChange> {
    const now = this.now().toISOString();
    const claim = await this.deps.store.transaction(async tx => {
      const existing = await this.deps.store.getByRequest(p.id, tx);
      if (existing) {
        const inFlight =
          existing.status === 'pending' &&
          this.now().getTime() - Date.parse(existing.updatedAt) <
            (this.deps.staleAfterMs ?? 10 * 60_000);
        if (DONE.has(existing.status) || inFlight)
          return { change: existing, claimed: false };
        await this.deps.store.update(tx, existing.id, {
          status: 'pending',
          mode: target.mode,
          repoUrl: target.repoUrl,
          attempts: existing.attempts + 1,
          updatedAt: now,
        });
        return {
          change: { ...existing, status: 'pending' as const },
          claimed: true,
        };
      }
      const change: GitopsChange = {
        id: randomUUID(),
        requestId: p.id,
        entityRef: p.entityRef,
        version: p.version,
        environment: p.environment,
        mode: target.mode,
        repoUrl: target.repoUrl,
        path: `${target.overlayDir}/kustomization.yaml`,
        tag: p.version,
        status: 'pending',
        attempts: 1,
        createdAt: now,
        updatedAt: now,
      };
      const claimed = await this.deps.store.insert(tx, change);
      return {
        change: claimed
          ? change
          : (await this.deps.store.getByRequest(p.id, tx))!,
        claimed,
      };
    });
    if (!claim.claimed) return claim.change;
    try {
      const result = await this.write(p, target, claim.change.branch);
      return await this.finish(claim.change, actor, result);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      return this.finish(claim.change, actor, { error });
    }
  }

  private async write(
    p: ApprovedPromotion,
    target: GitopsTarget,
    knownBranch?: string,
  ) {
    const release = await this.deps.releases.getRelease(p.entityRef, p.version);
    const digest = release?.imageDigest;
    if (!digest) throw new Error(this.noDigest(p));
    const approvers = p.decisions
      .filter(d => d.decision === 'approve')
      .map(d => d.decidedBy);
    const title = `Promote ${p.entityRef} ${p.version} to ${p.environment}`;
    const body = [
      `Gantry promotion request ${p.id}, requested by ${
        p.requestedBy
      }, approved by ${approvers.join(', ')}.`,
      '',
      p.reason,
      '',
      `Image digest: ${digest}`,
    ].join('\n');
    const pullRequests =
      target.mode === 'pull-request'
        ? await this.deps.scm.pullRequests(target.repoUrl)
        : undefined;
    const branch =
      target.mode === 'pull-request'
        ? knownBranch ?? this.branchOf(p)
        : undefined;
    const written = await this.deps.write({
      repoUrl: target.repoUrl,
      auth: pullRequests
        ? pullRequests.gitAuth()
        : await this.deps.scm.gitAuth(target.repoUrl),
      overlayDir: target.overlayDir,
      branch,
      message: `${title}\n\n${body}\n`,
      author: this.deps.author,
      edit: (text, file) =>
        setOverlayImage(text, {
          file,
          image: target.image,
          tag: p.version,
          digest,
        }),
    });
    const pr = pullRequests
      ? await pullRequests.ensurePullRequest({
          branch: branch!,
          base: written.base,
          title,
          body,
        })
      : undefined;
    return { written, digest, branch, pr };
  }

  private async finish(
    change: GitopsChange,
    actor: string,
    outcome: { error: string } | Awaited<ReturnType<GitopsService['write']>>,
  ): Promise<GitopsChange> {
    const updatedAt = this.now().toISOString();
    const fields =
      'error' in outcome
        ? { status: 'failed' as const, error: outcome.error, updatedAt }
        : {
            status: outcome.pr ? ('proposed' as const) : ('committed' as const),
            digest: outcome.digest,
            path: outcome.written.file,
            branch: outcome.branch ?? outcome.written.base,
            commitSha: outcome.written.commitSha,
            url:
              outcome.pr?.url ??
              this.deps.scm.commitUrl(
                change.repoUrl,
                outcome.written.commitSha,
              ),
            error: undefined,
            updatedAt,
          };
    return this.deps.store.transaction(async tx => {
      await this.deps.store.update(tx, change.id, fields);
      await this.deps.audit.record(
        {
          actor,
          action: `gitops.${fields.status}`,
          entityRef: change.entityRef,
          details: {
            requestId: change.requestId,
            version: change.version,
            environment: change.environment,
            repoUrl: change.repoUrl,
            ...(fields.status === 'failed'
              ? { error: fields.error }
              : {
                  digest: fields.digest,
                  branch: fields.branch,
                  commitSha: fields.commitSha,
                  url: fields.url ?? null,
                }),
          },
        },
        tx,
      );
      if (fields.status === 'failed')
        this.deps.logger.warn(
          `GitOps change of promotion ${change.requestId} failed: ${fields.error}`,
        );
      return (await this.deps.store.getByRequest(change.requestId, tx))!;
    });
  }
}
