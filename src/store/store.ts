import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Mutex } from 'async-mutex';
import type { DataSource, EntityManager } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { Account } from '../entities';
import { Errors } from '../errors';
import { isUniqueViolation } from './unique';

/**
 * Opens the configured store (see ormconfig.ts), creating the SQLite file's folder
 * if needed, and by default applies pending migrations.
 */
export async function openStore(
  env: NodeJS.ProcessEnv = process.env,
  options: { migrate?: boolean } = {},
): Promise<DataSource> {
  const ds = createDataSource(env);
  if (ds.options.type === 'better-sqlite3' && ds.options.database !== ':memory:') {
    mkdirSync(dirname(ds.options.database), { recursive: true });
  }
  await ds.initialize();
  try {
    if (options.migrate ?? true) await migrate(ds);
  } catch (error) {
    await ds.destroy();
    throw error;
  }
  return ds;
}

/**
 * Applies pending migrations, each in its own transaction, and returns their names.
 * On PostgreSQL an advisory lock makes instances that start together take turns,
 * so exactly one of them migrates.
 */
export async function migrate(db: DataSource): Promise<string[]> {
  if (db.options.type !== 'postgres') {
    // SQLite: one IMMEDIATE transaction around all of it. A second process waits on the
    // write lock (busy timeout), then finds nothing pending; DDL is transactional here.
    await db.query('BEGIN IMMEDIATE');
    try {
      const applied = await db.runMigrations({ transaction: 'none' });
      await db.query('COMMIT');
      return applied.map((m) => m.name);
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
  }
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtext('rolegate:migrations:' || current_schema()))`);
    return (await db.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await runner.query(`SELECT pg_advisory_unlock(hashtext('rolegate:migrations:' || current_schema()))`);
    await runner.release();
  }
}

/**
 * Serialises writers that must see a consistent account (the last-admin invariant):
 * a row lock on the account in PostgreSQL. SQLite allows one writer at a time already.
 * Every transaction that changes users or keys takes it before anything else: they all
 * also write the account's auth epoch (by trigger), and one lock order means no deadlock.
 */
export async function lockAccount(manager: EntityManager, accountPk: string): Promise<void> {
  await manager.getRepository(Account).findOne({ where: { pk: accountPk }, ...forUpdate(manager) });
}

const sqliteWriters = new WeakMap<DataSource, Mutex>();

/**
 * Runs `work` in a transaction. The embedded SQLite store has one connection, on
 * which TypeORM cannot open a second transaction while one is open, so its
 * transactions take turns (SQLite allows one writer at a time anyway). PostgreSQL
 * runs them side by side; writers that must not interleave take row locks.
 */
export async function inTransaction<T>(db: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  try {
    if (db.options.type !== 'better-sqlite3') return await db.transaction(work);
    let mutex = sqliteWriters.get(db);
    if (!mutex) sqliteWriters.set(db, (mutex = new Mutex()));
    return await mutex.runExclusive(() =>
      db.transaction(async (manager) => {
        // Take SQLite's write lock first, as BEGIN IMMEDIATE would (TypeORM cannot say that).
        // A transaction that read first would fail at once, not wait, when another process
        // on the same file wrote in between.
        await manager.query('UPDATE accounts SET id = id WHERE 0');
        return work(manager);
      }),
    );
  } catch (error) {
    // Callers check for duplicates first and say which; this catches the writer that
    // lost a race between that check and its insert.
    if (isUniqueViolation(error)) throw Errors.alreadyExists('an object with that id or email', 'in this account');
    throw error;
  }
}

/**
 * Find options that lock the rows read until the transaction ends, so a
 * read-check-write cannot interleave with another writer's (PostgreSQL). SQLite
 * transactions already take turns (see inTransaction).
 */
export function forUpdate(manager: EntityManager): { lock?: { mode: 'pessimistic_write' } } {
  return manager.connection.options.type === 'postgres' ? { lock: { mode: 'pessimistic_write' } } : {};
}
