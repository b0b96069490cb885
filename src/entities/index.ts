import { Account } from './account';
import { ApiKey } from './api-key';
import { RESOURCE_ENTITIES } from './resources';
import { User } from './user';

export { Account, ApiKey, User };
export * from './resources';
export { Resource } from './resource';

export const ENTITIES = [Account, User, ApiKey, ...RESOURCE_ENTITIES];
