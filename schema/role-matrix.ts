/**
 * The role matrix: the product's single source of truth for who may do what.
 *
 * Everything else is derived from this file: the graphql-shield rule tree, the
 * `Role` and `Permission` GraphQL enums, `roleMatrix`, `viewer.permissions`,
 * the README table (`npm run docs`) and the exhaustive matrix tests. Change a
 * row here and the committed SDL, the README table and the rule-map snapshot
 * change in the same diff.
 *
 * Rows mirror section 1 of the API contract: one permission per row, listing
 * the roles that hold it.
 */
export const ROLE_MATRIX = {
  roles: {
    INFERENCE_USER: {
      title: 'Inference User',
      cliName: 'inference-user',
      // Granular roles can only be assigned once the operator enables them for the account.
      granular: true,
    },
    CONTRIBUTOR: { title: 'Contributor', cliName: 'contributor', granular: true },
    USER: { title: 'User', cliName: 'user', granular: false },
    ADMIN: { title: 'Admin', cliName: 'admin', granular: false },
  },
  defaultRole: 'USER',
  permissions: {
    INFERENCE_EXECUTE: {
      description: 'Run inference on any deployment',
      roles: ['INFERENCE_USER', 'CONTRIBUTOR', 'USER', 'ADMIN'],
    },
    RESOURCES_VIEW: {
      description: 'View all deployments, models, fine-tuning jobs and datasets',
      roles: ['INFERENCE_USER', 'CONTRIBUTOR', 'USER', 'ADMIN'],
    },
    RESOURCES_CREATE: {
      description: 'Create new resources',
      roles: ['CONTRIBUTOR', 'USER', 'ADMIN'],
    },
    RESOURCES_MANAGE_OWN: {
      description: 'Edit and delete resources they created',
      roles: ['CONTRIBUTOR', 'USER', 'ADMIN'],
    },
    RESOURCES_MANAGE_ANY: {
      description: 'Edit and delete resources others created',
      roles: ['USER', 'ADMIN'],
    },
    API_KEYS_MANAGE_OWN: {
      description: 'Create and delete their own API keys',
      roles: ['INFERENCE_USER', 'CONTRIBUTOR', 'USER', 'ADMIN'],
    },
    USERS_VIEW: {
      description: 'View all users and service accounts',
      roles: ['INFERENCE_USER', 'CONTRIBUTOR', 'USER', 'ADMIN'],
    },
    SERVICE_ACCOUNT_KEYS_CREATE: {
      description: 'Create API keys for service accounts',
      roles: ['ADMIN'],
    },
    API_KEYS_DELETE_ANY: {
      description: "Delete other users' and service accounts' API keys",
      roles: ['ADMIN'],
    },
    USERS_MANAGE: {
      description: 'Add, modify and delete users and their access',
      roles: ['ADMIN'],
    },
  },
} as const satisfies RoleMatrixShape;

interface RoleMatrixShape {
  roles: Record<string, { title: string; cliName: string; granular: boolean }>;
  defaultRole: string;
  permissions: Record<string, { description: string; roles: readonly string[] }>;
}
