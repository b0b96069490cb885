import { ROLE_MATRIX } from '../../schema/role-matrix';

/** Derived view of `schema/role-matrix.ts`: the only place roles are mapped to permissions. */
export type Role = keyof typeof ROLE_MATRIX.roles;
export type Permission = keyof typeof ROLE_MATRIX.permissions;

export const ROLES = Object.keys(ROLE_MATRIX.roles) as Role[];
export const PERMISSIONS = Object.keys(ROLE_MATRIX.permissions) as Permission[];
export const DEFAULT_ROLE: Role = ROLE_MATRIX.defaultRole;

const grants: ReadonlyMap<Role, ReadonlySet<Permission>> = buildGrants();

function buildGrants(): Map<Role, Set<Permission>> {
  const map = new Map<Role, Set<Permission>>(ROLES.map((r) => [r, new Set<Permission>()]));
  for (const permission of PERMISSIONS) {
    for (const role of ROLE_MATRIX.permissions[permission].roles as readonly string[]) {
      const set = map.get(role as Role);
      // A typo in the data file must stop the process, not silently grant nothing.
      if (!set) throw new Error(`schema/role-matrix.ts: permission ${permission} names unknown role ${role}`);
      set.add(permission);
    }
  }
  if (!map.has(DEFAULT_ROLE)) throw new Error(`schema/role-matrix.ts: unknown default role ${DEFAULT_ROLE}`);
  return map;
}

/** Permissions of a role, in the matrix's row order. */
export function permissionsOf(role: Role): Permission[] {
  const set = grants.get(role);
  return set ? PERMISSIONS.filter((p) => set.has(p)) : [];
}

export function roleHas(role: Role, permission: Permission): boolean {
  return grants.get(role)?.has(permission) ?? false;
}

export function isGranularRole(role: Role): boolean {
  return ROLE_MATRIX.roles[role].granular;
}

/** A role may be assigned in an account unless it is granular and the account has not enabled granular roles. */
export function isAssignable(role: Role, granularRolesEnabled: boolean): boolean {
  return granularRolesEnabled || !isGranularRole(role);
}

export function roleTitle(role: Role): string {
  return ROLE_MATRIX.roles[role].title;
}

export function roleCliName(role: Role): string {
  return ROLE_MATRIX.roles[role].cliName;
}

export function permissionDescription(permission: Permission): string {
  return ROLE_MATRIX.permissions[permission].description;
}
