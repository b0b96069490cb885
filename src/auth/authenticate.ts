import type { Database, Statement } from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import { ROLES } from '../authz/role-matrix';
import type { Viewer } from '../authz/viewer';
import { Account, ApiKey, User } from '../entities';
import { Errors } from '../errors';
import { logger } from '../logger';
import { hashApiKey, isWellFormedApiKey } from './api-key-secret';

const BEARER = /^Bearer ([^\s]+)$/;
/** lastUsedAt is a hint for people, not an audit log: refresh it at most this often. */
const LAST_USED_GRANULARITY_MS = 60_000;

/** Resolves `Authorization: Bearer <key>` to the caller it belongs to, as the store says it is now. */
export type Authenticator = (authorization: string | undefined) => Promise<Viewer>;

interface Cached {
  readonly viewer: Viewer;
  /** The account's auth epoch the viewer was loaded under; the entry is good only while it is current. */
  readonly epoch: string;
}

/**
 * Every failure (missing, malformed, unknown, expired, revoked, owner deleted) is the
 * same UNAUTHENTICATED error.
 *
 * Callers are cached by key hash, and every use of a cached caller is vouched for by
 * one read of its account's auth epoch: a token that triggers in the store change, in
 * the same transaction, with the account, any of its users, or any of its keys
 * (migration AuthEpochs). So a role change, a revocation or a deletion made through
 * any instance, or by hand in SQL, is enforced on the very next request everywhere,
 * and a hit costs one indexed read instead of three entity loads. Expiry is checked on
 * every use, since time changes nothing in the store.
 */
export function createAuthenticator(db: DataSource, { maxEntries = 10_000 } = {}): Authenticator {
  // The epoch decides; the TTL only bounds how long a change no trigger sees (a restore with
  // session_replication_role = replica) could go unnoticed.
  const cache = new LRUCache<string, Cached>({ max: maxEntries, ttl: 5 * 60_000 });
  const keys = db.getRepository(ApiKey);
  const epochOf = epochReader(db);

  /**
   * The epoch is read before the rows it vouches for, so a change committed after the
   * read moves the epoch on and the entry dies with it. (The first key read only tells
   * which account's epoch to read.)
   */
  async function load(secretHash: string): Promise<Cached | null> {
    const found = await keys.findOneBy({ secretHash });
    if (!found) return null;
    const epoch = await epochOf(found.accountPk);
    const apiKey = await keys.findOneBy({ secretHash });
    if (!apiKey) return null;
    const [user, account] = await Promise.all([
      db.getRepository(User).findOneBy({ pk: apiKey.ownerPk, accountPk: apiKey.accountPk }),
      db.getRepository(Account).findOneBy({ pk: apiKey.accountPk }),
    ]);
    if (!user || !account) return null;
    if (!ROLES.includes(user.role)) {
      // Only the store can hold a role the matrix does not know (SQL typed by hand): no role, no access.
      logger.warn({ user: user.id, role: user.role }, 'refused a key whose owner has a role the matrix does not know');
      return null;
    }
    const entry = { viewer: freeze({ user, account, apiKey }), epoch: epoch ?? '' };
    // Without an epoch (an account being created or deleted) nothing can vouch for the entry later.
    if (epoch !== null && apiKey.accountPk === found.accountPk) cache.set(secretHash, entry);
    return entry;
  }

  async function current(secretHash: string): Promise<Cached | null> {
    const cached = cache.get(secretHash);
    if (cached) {
      if ((await epochOf(cached.viewer.account.pk)) === cached.epoch) return cached;
      cache.delete(secretHash);
    }
    return load(secretHash);
  }

  return async (authorization) => {
    const match = BEARER.exec(authorization ?? '');
    if (!match || !isWellFormedApiKey(match[1])) throw Errors.unauthenticated();
    const secretHash = hashApiKey(match[1]);
    const entry = await current(secretHash);
    const now = new Date();
    const apiKey = entry?.viewer.apiKey;
    if (!entry || !apiKey || apiKey.revokedAt || (apiKey.expiresAt && apiKey.expiresAt <= now)) {
      throw Errors.unauthenticated();
    }
    if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
      // lastUsedAt is the one key column that leaves the epoch alone, so the entry stays good.
      await keys.update({ pk: apiKey.pk }, { lastUsedAt: now });
      const viewer = freeze({ ...entry.viewer, apiKey: Object.assign(new ApiKey(), apiKey, { lastUsedAt: now }) });
      if (cache.get(secretHash) === entry) cache.set(secretHash, { ...entry, viewer });
      return viewer;
    }
    return entry.viewer;
  };
}

/** Reads an account's auth epoch: the one query a known key costs, so as directly as the store allows. */
function epochReader(db: DataSource): (accountPk: string) => Promise<string | null> {
  if (db.options.type === 'better-sqlite3') {
    // TypeORM's own (only) connection, so this read sees exactly what TypeORM's reads see;
    // a prepared statement skips the query runner, which costs more than the read itself.
    let statement: Statement<[string], string> | undefined;
    return async (accountPk) => {
      statement ??= (db.driver as unknown as { databaseConnection: Database }).databaseConnection
        .prepare<[string], string>('SELECT "token" FROM "auth_epochs" WHERE "accountPk" = ?')
        .pluck();
      return statement.get(accountPk) ?? null;
    };
  }
  return async (accountPk) =>
    (
      (await db.query('SELECT "token" FROM "auth_epochs" WHERE "accountPk" = $1', [accountPk])) as { token: string }[]
    )[0]?.token ?? null;
}

/** A cached caller is shared by concurrent requests: nothing may change it in place. */
function freeze(viewer: Viewer): Viewer {
  Object.freeze(viewer.user);
  Object.freeze(viewer.account);
  Object.freeze(viewer.apiKey);
  return Object.freeze(viewer);
}
