import 'reflect-metadata';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './src/entities';
import { isPostgresUrl } from './src/store/dialect';

export const DEFAULT_SQLITE_FILE = './data/rolegate.sqlite';

/**
 * The one place that decides which store Rolegate uses: DATABASE_URL=postgres://...
 * for PostgreSQL, otherwise the embedded SQLite file ROLEGATE_DB (default
 * ./data/rolegate.sqlite). The TypeORM CLI loads the default export.
 */
export function dataSourceOptions(env: NodeJS.ProcessEnv = process.env): DataSourceOptions {
  const common = { entities: ENTITIES, synchronize: true, logging: false } as const;
  if (isPostgresUrl(env.DATABASE_URL)) {
    return { ...common, type: 'postgres', url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA || undefined };
  }
  const file = env.ROLEGATE_DB || DEFAULT_SQLITE_FILE;
  return {
    ...common,
    type: 'better-sqlite3',
    database: file,
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
