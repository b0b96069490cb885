import { RESOURCE_KINDS } from '../resource-kinds';
import { abilities, requireAny, type Decision } from './policies';
import type { Permission } from './role-matrix';
import type { Viewer } from './viewer';

/**
 * A guard says what a field needs. The shield rule tree, the SDL descriptions and the
 * rule-map snapshot are all generated from these descriptors (see shield.ts).
 *
 * `scope` tells the rule cache what a verdict depends on: the caller only (cached per
 * request), the parent object (cached per object, so each row of a list is judged on
 * its own), or the arguments (never cached).
 */
export interface Guard {
  readonly summary: string;
  readonly scope: 'request' | 'object' | 'args';
  readonly check: (viewer: Viewer, parent: any, args: Record<string, unknown>) => Decision;
}

const ALLOWED: Decision = { allowed: true };

/** Any caller with a valid key (authentication itself happens before execution). */
export const anyViewer: Guard = { summary: 'any valid API key', scope: 'request', check: () => ALLOWED };

export const requires = (first: Permission, ...others: Permission[]): Guard => ({
  summary: `requires ${[first, ...others].join(' or ')}`,
  scope: 'request',
  check: (viewer) => requireAny(viewer, first, ...others),
});

const onParent = <T>(summary: string, ability: (viewer: Viewer, parent: T) => Decision): Guard => ({
  summary,
  scope: 'object',
  check: (viewer, parent) => ability(viewer, parent as T),
});

const onArgs = (summary: string, check: (viewer: Viewer, args: Record<string, unknown>) => Decision): Guard => ({
  summary,
  scope: 'args',
  check: (viewer, _parent, args) => check(viewer, args),
});

/**
 * For mutations whose verdict depends on the target object: the resolver loads the
 * target in the caller's account and makes the one `authorize` call on it before
 * any write (so an unknown id is NOT_FOUND, and a denial names the permission this
 * object needs). The matrix tests call each of these for every role, own and others'.
 */
const judgedOnTarget = (summary: string): Guard => ({
  summary: `${summary} (judged on the loaded target)`,
  scope: 'request',
  check: () => ALLOWED,
});

const manageTarget = judgedOnTarget(
  'requires RESOURCES_MANAGE_OWN on a resource the caller created, otherwise RESOURCES_MANAGE_ANY',
);

const resourceSecret = onParent(
  'requires RESOURCES_MANAGE_OWN on a resource the caller created, otherwise RESOURCES_MANAGE_ANY',
  abilities.manageResource,
);

/** Connection, edge and PageInfo types carry no data of their own: what they hold is guarded by its own type. */
const structural = (...types: string[]) => Object.fromEntries(types.map((t) => [t, { '*': anyViewer }]));

export type GuardTree = Record<string, Record<string, Guard>>;

/**
 * Every root field needs an entry (start-up fails otherwise), and so does every
 * object type ('*' guards its fields; a named field's guard narrows it further).
 */
export const GUARDS: GuardTree = {
  Query: {
    viewer: anyViewer,
    roleMatrix: anyViewer,
    users: requires('USERS_VIEW'),
    user: requires('USERS_VIEW'),
    // Who did what to whom is an admin matter: the same permission as managing users.
    auditEvents: requires('USERS_MANAGE'),
    apiKeys: onArgs('own keys: requires API_KEYS_MANAGE_OWN; allUsers: requires API_KEYS_DELETE_ANY', (viewer, args) =>
      abilities.listApiKeys(viewer, args.allUsers === true),
    ),
    ...Object.fromEntries(
      RESOURCE_KINDS.flatMap((k) => [
        [k.plural, requires('RESOURCES_VIEW')],
        [k.singular, requires('RESOURCES_VIEW')],
      ]),
    ),
  },
  Mutation: {
    createUser: requires('USERS_MANAGE'),
    updateUser: requires('USERS_MANAGE'),
    deleteUser: requires('USERS_MANAGE'),
    createApiKey: onArgs(
      'own key: requires API_KEYS_MANAGE_OWN; for a service account, or by a service account: requires SERVICE_ACCOUNT_KEYS_CREATE',
      (viewer, args) => {
        const input = args.input as { serviceAccountId?: string | null } | undefined;
        return abilities.createApiKey(viewer, input?.serviceAccountId != null);
      },
    ),
    deleteApiKey: judgedOnTarget("own key: requires API_KEYS_MANAGE_OWN; anyone else's: requires API_KEYS_DELETE_ANY"),
    runInference: requires('INFERENCE_EXECUTE'),
    ...Object.fromEntries(
      RESOURCE_KINDS.flatMap((k) => [
        [`create${k.type}`, requires('RESOURCES_CREATE')],
        [`update${k.type}`, manageTarget],
        [`delete${k.type}`, manageTarget],
      ]),
    ),
  },
  Account: { '*': anyViewer },
  Viewer: { '*': anyViewer },
  RoleGrant: { '*': anyViewer },
  User: {
    '*': anyViewer,
    apiKeys: onParent(
      'the user themself (API_KEYS_MANAGE_OWN), or API_KEYS_DELETE_ANY for anyone else',
      abilities.viewUserApiKeys,
    ),
  },
  ApiKey: { '*': anyViewer },
  AuditEvent: { '*': requires('USERS_MANAGE') },
  CreatedApiKey: { '*': anyViewer },
  InferenceResult: { '*': anyViewer },
  Usage: { '*': anyViewer },
  // However a resource is reached (a list, a mutation's result, a job's dataset), reading it needs RESOURCES_VIEW.
  Model: { '*': requires('RESOURCES_VIEW') },
  FineTuningJob: { '*': requires('RESOURCES_VIEW') },
  Dataset: { '*': requires('RESOURCES_VIEW'), sourceUri: resourceSecret },
  Deployment: { '*': requires('RESOURCES_VIEW'), endpointUrl: resourceSecret },
  ...structural(
    'PageInfo',
    ...['User', 'ApiKey', 'AuditEvent', ...RESOURCE_KINDS.map((k) => k.type)].flatMap((t) => [
      `${t}Connection`,
      `${t}Edge`,
    ]),
  ),
};
