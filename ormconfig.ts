import 'reflect-metadata';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './src/entities';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from './src/migrations';
import { isPostgresUrl } from './src/store/dialect';

export const DEFAULT_SQLITE_FILE = './data/rolegate.sqlite';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The one place that decides which store Rolegate uses: DATABASE_URL=postgres://...
 * for PostgreSQL (optionally in the schema DATABASE_SCHEMA), otherwise the embedded
 * SQLite file ROLEGATE_DB (default ./data/rolegate.sqlite). The TypeORM CLI loads
 * the default export.
 *
 * The schema is only ever changed by migrations (src/migrations): `synchronize`
 * would alter tables behind the operator's back, so it is off everywhere.
 */
export function dataSourceOptions(env: NodeJS.ProcessEnv = process.env): DataSourceOptions {
  if (env.DATABASE_URL && !isPostgresUrl(env.DATABASE_URL)) {
    // Falling back to SQLite here would quietly split an operator's data in two.
    throw new Error(
      'DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use the embedded SQLite store)',
    );
  }
  const common = { entities: ENTITIES, synchronize: false, migrationsRun: false, logging: false } as const;
  if (isPostgresUrl(env.DATABASE_URL)) {
    const schema = env.DATABASE_SCHEMA || undefined;
    if (schema && !SCHEMA_NAME.test(schema)) throw new Error(`DATABASE_SCHEMA must match ${SCHEMA_NAME}`);
    return {
      ...common,
      type: 'postgres',
      url: env.DATABASE_URL,
      schema,
      // gen_random_uuid() is built into PostgreSQL 13+: no extension to install.
      uuidExtension: 'pgcrypto',
      installExtensions: false,
      migrations: POSTGRES_MIGRATIONS,
      // Raw SQL in migrations names no schema: the search path puts it in the right one.
      extra: { max: poolSize(env.DATABASE_POOL_SIZE), ...(schema && { options: `-c search_path=${schema}` }) },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: env.ROLEGATE_DB || DEFAULT_SQLITE_FILE,
    migrations: SQLITE_MIGRATIONS,
    // WAL lets readers proceed during a write; the busy timeout makes a second writer wait, not fail.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}

export function createDataSource(env: NodeJS.ProcessEnv = process.env): DataSource {
  return new DataSource(dataSourceOptions(env));
}

export default createDataSource();

/** DATABASE_POOL_SIZE: connections per instance, 10 unless set; anything but a positive integer is refused. */
function poolSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 10;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`DATABASE_POOL_SIZE must be a positive integer, not "${raw}"`);
  return size;
}
