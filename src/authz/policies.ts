import type { ApiKey, Resource, User } from '../entities';
import { Errors } from '../errors';
import { callerIsServiceAccount, isCreator, isSelf, ownsKey } from './predicates';
import type { Permission } from './role-matrix';
import { viewerHas, type Viewer } from './viewer';

/** The answer to "may this caller do X": yes, or no naming the permission that is missing. */
export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly permission: Permission };

const ALLOWED: Decision = { allowed: true };

/** Allowed when the caller holds any of the permissions; a denial names the first. */
export function requireAny(viewer: Viewer, first: Permission, ...others: Permission[]): Decision {
  return viewerHas(viewer, first) || others.some((p) => viewerHas(viewer, p))
    ? ALLOWED
    : { allowed: false, permission: first };
}

/**
 * The abilities: every authorization question the code asks. Nothing outside the
 * matrix names a role; callers ask for an ability on an object.
 */
export const abilities = {
  // Creators need RESOURCES_MANAGE_OWN (or ANY); everyone else RESOURCES_MANAGE_ANY.
  // Also guards a resource's secrets (endpointUrl, sourceUri): who may change it may see them.
  manageResource: (viewer: Viewer, resource: Resource): Decision =>
    isCreator(viewer, resource)
      ? requireAny(viewer, 'RESOURCES_MANAGE_OWN', 'RESOURCES_MANAGE_ANY')
      : requireAny(viewer, 'RESOURCES_MANAGE_ANY'),

  // Someone's keys are visible to themselves and to whoever may delete anyone's keys.
  viewUserApiKeys: (viewer: Viewer, user: User): Decision =>
    isSelf(viewer, user)
      ? requireAny(viewer, 'API_KEYS_MANAGE_OWN', 'API_KEYS_DELETE_ANY')
      : requireAny(viewer, 'API_KEYS_DELETE_ANY'),

  listApiKeys: (viewer: Viewer, allUsers: boolean): Decision =>
    allUsers ? requireAny(viewer, 'API_KEYS_DELETE_ANY') : requireAny(viewer, 'API_KEYS_MANAGE_OWN'),

  deleteApiKey: (viewer: Viewer, key: ApiKey): Decision =>
    ownsKey(viewer, key)
      ? requireAny(viewer, 'API_KEYS_MANAGE_OWN', 'API_KEYS_DELETE_ANY')
      : requireAny(viewer, 'API_KEYS_DELETE_ANY'),

  // Keys for service accounts, and keys minted by a service account, are an admin matter:
  // otherwise any automation key could mint more automation keys.
  createApiKey: (viewer: Viewer, forServiceAccount: boolean): Decision =>
    forServiceAccount || callerIsServiceAccount(viewer)
      ? requireAny(viewer, 'SERVICE_ACCOUNT_KEYS_CREATE')
      : requireAny(viewer, 'API_KEYS_MANAGE_OWN'),
};

/** Throws FORBIDDEN unless the decision allows: the one call a resolver makes after loading its target. */
export function authorize(decision: Decision): void {
  if (!decision.allowed) throw Errors.forbidden(decision.permission);
}
