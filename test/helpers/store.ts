import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { isPostgresUrl } from '../../src/store/dialect';

/** The suite runs once per store: `DATABASE_URL=postgres://...` selects PostgreSQL (see test/run-postgres.js). */
export const usingPostgres = isPostgresUrl(process.env.DATABASE_URL);
export const storeName = usingPostgres ? 'PostgreSQL' : 'SQLite';

/**
 * A store of its own for one test: a fresh SQLite file, or a fresh schema in the
 * PostgreSQL database, so parallel test files and runs never see each other's rows.
 */
export interface TestStore {
  /** Environment for `openStore` and for `rolegate` child processes. */
  readonly env: Record<string, string>;
  /** Everything the store holds, as text: to prove a secret is not in it. */
  dump(): Promise<string>;
  drop(): Promise<void>;
}

async function withClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createTestStore(): Promise<TestStore> {
  if (usingPostgres) {
    const schema = `rg_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withClient((c) => c.query(`CREATE SCHEMA ${schema}`));
    return {
      env: { DATABASE_URL: process.env.DATABASE_URL!, DATABASE_SCHEMA: schema },
      dump: () =>
        withClient(async (c) => {
          const tables = await c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [
            schema,
          ]);
          const rows: string[] = [];
          for (const t of tables.rows) {
            const result = await c.query(`SELECT row_to_json(x)::text AS row FROM ${schema}."${t.table_name}" x`);
            rows.push(...result.rows.map((x) => x.row as string));
          }
          return rows.join('\n');
        }),
      drop: () => withClient((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => undefined),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-test-'));
  const file = join(dir, 'db', 'rolegate.sqlite');
  return {
    env: { DATABASE_URL: '', ROLEGATE_DB: file },
    // The files themselves, write-ahead log included: what a stolen disk would show.
    dump: async () =>
      [file, `${file}-wal`]
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f).toString('latin1'))
        .join('\n'),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
