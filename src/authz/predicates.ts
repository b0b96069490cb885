import type { ApiKey, Resource, User } from '../entities';
import type { Viewer } from './viewer';

// Facts about a caller and an object. Rules (policies.ts) only combine these.

/** The caller created the resource; judged by internal identity, so a re-created id owns nothing. */
export const isCreator = (viewer: Viewer, resource: Resource): boolean =>
  resource.createdByPk !== null && resource.createdByPk === viewer.user.pk;

/** The user is the caller. */
export const isSelf = (viewer: Viewer, user: User): boolean => user.pk === viewer.user.pk;

/** The caller owns the key. */
export const ownsKey = (viewer: Viewer, key: ApiKey): boolean => key.ownerPk === viewer.user.pk;

/** The caller is a service account (automation), not a person. */
export const callerIsServiceAccount = (viewer: Viewer): boolean => viewer.user.serviceAccount;
