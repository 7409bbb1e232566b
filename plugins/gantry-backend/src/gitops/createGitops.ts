import type { GantryContext } from '../kernel/context';
import {
  GitopsService,
  type PromotionLookup,
  type ReleaseDigests,
} from './GitopsService';
import { writeOverlay } from './GitWriter';
import { KnexGitopsChangeStore } from './KnexGitopsChangeStore';
import { createGitopsRouter } from './router';
import { ScmClients } from './scm/scmClients';

/** Approved promotions become pull/merge requests or commits in the GitOps repository. */
export function createGitops(
  ctx: GantryContext,
  deps: { releases: ReleaseDigests; promotions: PromotionLookup },
) {
  const config = ctx.rootConfig.getOptionalConfig('gantry.gitops');
  const store = new KnexGitopsChangeStore(ctx.db);
  const gitops = new GitopsService({
    store,
    releases: deps.releases,
    promotions: deps.promotions,
    entity: async entityRef =>
      ctx.catalog.getEntityByRef(entityRef, {
        credentials: await ctx.auth.getOwnServiceCredentials(),
      }),
    scm: new ScmClients(ctx.rootConfig),
    write: writeOverlay,
    audit: ctx.audit,
    logger: ctx.logger,
    author: {
      name: config?.getOptionalString('author.name') ?? 'Gantry',
      email: config?.getOptionalString('author.email') ?? 'gantry@localhost',
    },
    approvalWaitMs:
      (config?.getOptionalNumber('approvalWaitSeconds') ?? 20) * 1000,
    staleAfterMs:
      (config?.getOptionalNumber('staleAfterMinutes') ?? 10) * 60_000,
  });
  return {
    router: createGitopsRouter({ access: ctx.access, gitops }),
    gitops,
    /** For approvals' registration: called once a promotion request is approved. */
    listener: {
      approved: (p: Parameters<GitopsService['approved']>[0]) =>
        gitops.approved(p).then(() => undefined),
    },
  };
}
