/**
 * The Gantry permission policy: Gantry actions on a service for members of its owning
 * group (through nested groups) and for configured admin groups; reads for everyone
 * signed in; every other plugin's permissions allowed.
 *
 * @packageDocumentation
 */
export { permissionModuleGantryPolicy as default } from './module';
export { GantryPermissionPolicy } from './GantryPermissionPolicy';
export { GroupMembership, type MembershipCatalog } from './GroupMembership';
