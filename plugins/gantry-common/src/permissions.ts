import { createPermission } from '@backstage/plugin-permission-common';

/** Read the whole audit log: verify the chain and export it. */
export const gantryAuditReadPermission = createPermission({
  name: 'gantry.audit.read',
  attributes: { action: 'read' },
});

/** Every permission Gantry defines, for the permissions registry and policies. */
export const gantryPermissions = [gantryAuditReadPermission];
