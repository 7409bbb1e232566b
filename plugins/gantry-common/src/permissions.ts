import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/** Read the whole audit log: verify the chain and export it. */
export const gantryAuditReadPermission = createPermission({
  name: 'gantry.audit.read',
  attributes: { action: 'read' },
});

/** Upload release evidence (CI) for an entity. */
export const gantryEvidenceUploadPermission = createPermission({
  name: 'gantry.evidence.upload',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Accept a vulnerability for an entity until an expiry date. */
export const gantryAllowlistManagePermission = createPermission({
  name: 'gantry.allowlist.manage',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Ask for a release of an entity to be promoted into an environment that needs approval. */
export const gantryPromotionRequestPermission = createPermission({
  name: 'gantry.promotion.request',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Approve, reject or review promotion requests of an entity. On top of the policy,
 * Gantry requires catalog membership in the owning (or a configured approver) group
 * and never lets requesters decide their own request.
 */
export const gantryPromotionApprovePermission = createPermission({
  name: 'gantry.promotion.approve',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

const entityAction = (name: string) =>
  createPermission({
    name,
    attributes: { action: 'update' },
    resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
  });

/** Argo Rollouts actions on an entity's rollouts, each its own permission. */
export const gantryRolloutPromotePermission = entityAction(
  'gantry.rollout.promote',
);
export const gantryRolloutPromoteFullPermission = entityAction(
  'gantry.rollout.promote-full',
);
export const gantryRolloutAbortPermission = entityAction(
  'gantry.rollout.abort',
);
export const gantryRolloutRetryPermission = entityAction(
  'gantry.rollout.retry',
);

/** Argo CD actions on an entity's applications, each its own permission. */
export const gantryArgoCdSyncPermission = entityAction('gantry.argocd.sync');
export const gantryArgoCdRefreshPermission = entityAction(
  'gantry.argocd.refresh',
);
export const gantryArgoCdRollbackPermission = entityAction(
  'gantry.argocd.rollback',
);

/** Every permission Gantry defines, for the permissions registry and policies. */
export const gantryPermissions = [
  gantryArgoCdSyncPermission,
  gantryArgoCdRefreshPermission,
  gantryArgoCdRollbackPermission,
  gantryRolloutPromotePermission,
  gantryRolloutPromoteFullPermission,
  gantryRolloutAbortPermission,
  gantryRolloutRetryPermission,
  gantryAuditReadPermission,
  gantryEvidenceUploadPermission,
  gantryAllowlistManagePermission,
  gantryPromotionRequestPermission,
  gantryPromotionApprovePermission,
];
