import type { DataSource } from 'typeorm';
import type { Viewer } from '../authz/viewer';
import { Account, ApiKey, User } from '../entities';
import { Errors } from '../errors';
import { hashApiKey, isWellFormedApiKey } from './api-key-secret';

const BEARER = /^Bearer ([^\s]+)$/;
/** lastUsedAt is a hint for people, not an audit log: refresh it at most this often. */
const LAST_USED_GRANULARITY_MS = 60_000;

/**
 * Resolves `Authorization: Bearer <key>` to a viewer, loading the owner's role as
 * it is now. Every failure (missing, malformed, unknown, expired, revoked, owner
 * deleted) is the same UNAUTHENTICATED error.
 */
export async function authenticate(db: DataSource, authorization: string | undefined): Promise<Viewer> {
  const match = BEARER.exec(authorization ?? '');
  if (!match || !isWellFormedApiKey(match[1])) throw Errors.unauthenticated();

  const apiKey = await db.getRepository(ApiKey).findOneBy({ secretHash: hashApiKey(match[1]) });
  const now = new Date();
  if (!apiKey || apiKey.revokedAt || (apiKey.expiresAt && apiKey.expiresAt <= now)) throw Errors.unauthenticated();

  const [user, account] = await Promise.all([
    db.getRepository(User).findOneBy({ pk: apiKey.ownerPk, accountPk: apiKey.accountPk }),
    db.getRepository(Account).findOneBy({ pk: apiKey.accountPk }),
  ]);
  if (!user || !account) throw Errors.unauthenticated();

  if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    apiKey.lastUsedAt = now;
    await db.getRepository(ApiKey).update({ pk: apiKey.pk }, { lastUsedAt: now });
  }
  return { user, account, apiKey };
}
