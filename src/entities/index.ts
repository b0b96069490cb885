import { Account } from './account';
import { ApiKey } from './api-key';
import { AuditEvent } from './audit-event';
import { RESOURCE_ENTITIES } from './resources';
import { User } from './user';

export { Account, ApiKey, AuditEvent, User };
export { AuditOutcome } from './audit-event';
export * from './resources';
export { Resource } from './resource';

export const ENTITIES = [Account, User, ApiKey, AuditEvent, ...RESOURCE_ENTITIES];
