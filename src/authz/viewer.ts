import type { Account, ApiKey, User } from '../entities';
import { roleHas, type Permission } from './role-matrix';

/** The authenticated caller of one request: the key's owner with their role as it is now. */
export interface Viewer {
  readonly user: User;
  readonly account: Account;
  readonly apiKey: ApiKey;
}

export function viewerHas(viewer: Viewer, permission: Permission): boolean {
  return roleHas(viewer.user.role, permission);
}
