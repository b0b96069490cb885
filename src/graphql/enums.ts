import { registerEnumType } from 'type-graphql';
import { PERMISSIONS, ROLES, type Permission, type Role, permissionDescription, roleTitle } from '../authz/role-matrix';

// The GraphQL enums are generated from the role matrix, so the schema can never
// name a role or permission the matrix lacks.
export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as { [R in Role]: R };
export const PermissionEnum = Object.fromEntries(PERMISSIONS.map((p) => [p, p])) as { [P in Permission]: P };

registerEnumType(RoleEnum, {
  name: 'Role',
  description: 'A role of the role matrix (schema/role-matrix.ts).',
  valuesConfig: Object.fromEntries(ROLES.map((r) => [r, { description: roleTitle(r) }])),
});
registerEnumType(PermissionEnum, {
  name: 'Permission',
  description: 'A permission of the role matrix (schema/role-matrix.ts).',
  valuesConfig: Object.fromEntries(PERMISSIONS.map((p) => [p, { description: permissionDescription(p) }])),
});
