import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/** A permission on one catalog entity, so policies can decide with isEntityOwner. */
const entityPermission = (name: string, action: 'create' | 'update') =>
  createPermission({
    name,
    attributes: { action },
    resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
  });

/** Read the whole audit log: verify the chain and export it. */
export const gantryAuditReadPermission = createPermission({
  name: 'gantry.audit.read',
  attributes: { action: 'read' },
});

/** Upload release evidence (CI) for an entity. */
export const gantryEvidenceUploadPermission = entityPermission(
  'gantry.evidence.upload',
  'create',
);

/** Accept a vulnerability for an entity until an expiry date. */
export const gantryAllowlistManagePermission = entityPermission(
  'gantry.allowlist.manage',
  'update',
);

/** Ask for a release of an entity to be promoted into an environment that needs approval. */
export const gantryPromotionRequestPermission = entityPermission(
  'gantry.promotion.request',
  'create',
);

/**
 * Approve, reject or review promotion requests of an entity. On top of the policy,
 * Gantry requires catalog membership in the owning (or a configured approver) group
 * and never lets requesters decide their own request.
 */
export const gantryPromotionApprovePermission = entityPermission(
  'gantry.promotion.approve',
  'update',
);

/** Argo Rollouts actions on an entity's rollouts, each its own permission. */
export const gantryRolloutPromotePermission = entityPermission(
  'gantry.rollout.promote',
  'update',
);
export const gantryRolloutPromoteFullPermission = entityPermission(
  'gantry.rollout.promote-full',
  'update',
);
export const gantryRolloutAbortPermission = entityPermission(
  'gantry.rollout.abort',
  'update',
);
export const gantryRolloutRetryPermission = entityPermission(
  'gantry.rollout.retry',
  'update',
);

/** Argo CD actions on an entity's applications, each its own permission. */
export const gantryArgoCdSyncPermission = entityPermission(
  'gantry.argocd.sync',
  'update',
);
export const gantryArgoCdRefreshPermission = entityPermission(
  'gantry.argocd.refresh',
  'update',
);
export const gantryArgoCdRollbackPermission = entityPermission(
  'gantry.argocd.rollback',
  'update',
);

/** Report deployments to Gantry (Argo CD and Argo Rollouts notification webhooks). */
export const gantryDeploymentIngestPermission = createPermission({
  name: 'gantry.deployment.ingest',
  attributes: { action: 'create' },
});

/** Create, change or delete an entity's flags and segments (production changes still need approval). */
export const gantryFlagUpdatePermission = entityPermission(
  'gantry.flag.update',
  'update',
);
/** Turn a flag to its safe variant at once; reviewed afterwards. */
export const gantryFlagKillPermission = entityPermission(
  'gantry.flag.kill',
  'update',
);
/** Approve or reject flag changes and review kill switches (plus owning-group membership). */
export const gantryFlagApprovePermission = entityPermission(
  'gantry.flag.approve',
  'update',
);
/** Create, rotate and revoke the client keys applications read flags with. */
export const gantryFlagKeysManagePermission = entityPermission(
  'gantry.flag.keys.manage',
  'update',
);

/**
 * Ask Gantry to judge a canary of an entity (the Argo Rollouts web metric; service
 * tokens only). `accessRestrictions` of a static token can limit it to this permission.
 */
export const gantryCanaryAnalyzePermission = entityPermission(
  'gantry.canary.analyze',
  'create',
);

/** Report alerts to Gantry (the Alertmanager webhook receiver). */
export const gantryAlertIngestPermission = createPermission({
  name: 'gantry.alert.ingest',
  attributes: { action: 'create' },
});

/** Acknowledge an entity's incident, which stops its escalation. */
export const gantryIncidentAcknowledgePermission = entityPermission(
  'gantry.incident.acknowledge',
  'update',
);

/** Every permission Gantry defines, for the permissions registry and policies. */
export const gantryPermissions = [
  gantryAlertIngestPermission,
  gantryIncidentAcknowledgePermission,
  gantryDeploymentIngestPermission,
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
  gantryFlagUpdatePermission,
  gantryFlagKillPermission,
  gantryFlagApprovePermission,
  gantryFlagKeysManagePermission,
  gantryCanaryAnalyzePermission,
];
