import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Mutex } from 'async-mutex';
import type { DataSource, EntityManager } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { Account } from '../entities';

/** Opens the configured store (see ormconfig.ts), creating the SQLite file's folder if needed. */
export async function openStore(env: NodeJS.ProcessEnv = process.env): Promise<DataSource> {
  const ds = createDataSource(env);
  if (ds.options.type === 'better-sqlite3' && ds.options.database !== ':memory:') {
    mkdirSync(dirname(ds.options.database), { recursive: true });
  }
  return ds.initialize();
}

/**
 * Serialises writers that must see a consistent account (the last-admin invariant):
 * a row lock on the account in PostgreSQL. SQLite allows one writer at a time already.
 */
export async function lockAccount(manager: EntityManager, accountPk: string): Promise<void> {
  if (manager.connection.options.type === 'postgres') {
    await manager
      .getRepository(Account)
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .where('a.pk = :pk', { pk: accountPk })
      .getOne();
  }
}

const sqliteWriters = new WeakMap<DataSource, Mutex>();

/**
 * Runs `work` in a transaction. The embedded SQLite store has one connection, on
 * which TypeORM cannot open a second transaction while one is open, so its
 * transactions take turns (SQLite allows one writer at a time anyway). PostgreSQL
 * runs them side by side; writers that must not interleave take row locks.
 */
export function inTransaction<T>(db: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (db.options.type !== 'better-sqlite3') return db.transaction(work);
  let mutex = sqliteWriters.get(db);
  if (!mutex) sqliteWriters.set(db, (mutex = new Mutex()));
  return mutex.runExclusive(() => db.transaction(work));
}
