import { IsNull, MoreThan, Or, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { generateApiKeySecret, hashApiKey, visiblePrefix } from '../auth/api-key-secret';
import { Account, ApiKey, User } from '../entities';
import { Errors } from '../errors';
import { assertValidId, generateId } from '../ids';
import { lockAccount } from '../store/store';
import { optionalText } from './validate';

/** A cap that keeps User.apiKeys, an unpaged list, bounded; the cost limit prices it at this many rows. */
export const MAX_LIVE_KEYS_PER_USER = 100;

export interface IssuedKey {
  apiKey: ApiKey;
  /** The secret: returned to the caller this once, stored only as a hash. */
  key: string;
}

export interface KeyOptions {
  displayName?: string | null;
  expiresAt?: Date | null;
}

export async function issueApiKey(
  manager: EntityManager,
  account: Account,
  owner: User,
  options: KeyOptions = {},
): Promise<IssuedKey> {
  if (options.expiresAt && options.expiresAt.getTime() <= Date.now()) {
    throw Errors.badInput('expiresAt must be in the future', 'expiresAt');
  }
  // The same lock as deleteUser: a key is never issued to a user being deleted at that moment.
  await lockAccount(manager, account.pk);
  if (!(await manager.getRepository(User).existsBy({ pk: owner.pk }))) throw Errors.notFound('user', owner.id);
  const repo = manager.getRepository(ApiKey);
  if ((await repo.countBy(liveKeys(account.pk, { ownerPk: owner.pk }))) >= MAX_LIVE_KEYS_PER_USER) {
    throw Errors.failedPrecondition(
      `a user may hold at most ${MAX_LIVE_KEYS_PER_USER} live API keys; delete one first`,
    );
  }
  const key = generateApiKeySecret();
  const apiKey = await repo.save(
    repo.create({
      accountPk: account.pk,
      ownerPk: owner.pk,
      id: generateId('key'),
      displayName: optionalText(options.displayName, 'displayName') ?? null,
      prefix: visiblePrefix(key),
      secretHash: hashApiKey(key),
      expiresAt: options.expiresAt ?? null,
      lastUsedAt: null,
      revokedAt: null,
    }),
  );
  return { apiKey, key };
}

/** A live (not revoked) key of the account, or NOT_FOUND. */
export async function findApiKey(manager: EntityManager, account: Account, id: string): Promise<ApiKey> {
  const apiKey = await manager
    .getRepository(ApiKey)
    .findOneBy({ accountPk: account.pk, id: assertValidId(id), revokedAt: IsNull() });
  if (!apiKey) throw Errors.notFound('API key', id);
  return apiKey;
}

export async function revokeApiKey(manager: EntityManager, apiKey: ApiKey): Promise<string> {
  await manager.getRepository(ApiKey).update({ pk: apiKey.pk }, { revokedAt: new Date() });
  return apiKey.id;
}

/** Keys that still authenticate: not revoked, not expired. Lists show only these. */
export function liveKeys(accountPk: string, where: FindOptionsWhere<ApiKey> = {}): FindOptionsWhere<ApiKey> {
  return { ...where, accountPk, revokedAt: IsNull(), expiresAt: Or(IsNull(), MoreThan(new Date())) };
}
