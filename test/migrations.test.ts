import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../ormconfig';
import { Account, Model } from '../src/entities';
import { migrate, openStore } from '../src/store/store';
import { createAccount } from '../src/services/accounts';
import { runCli } from './helpers/cli';
import { createTestStore, storeName, type TestStore } from './helpers/store';

/** Pending schema changes the entities would need beyond what the migrations created. */
async function drift(db: DataSource): Promise<string[]> {
  const sql = await db.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}

describe(`migrations (${storeName})`, () => {
  let store: TestStore;
  beforeEach(async () => {
    store = await createTestStore();
  });
  afterEach(() => store.drop());

  it('never synchronizes the schema, on either store', () => {
    expect(dataSourceOptions({ ROLEGATE_DB: ':memory:' }).synchronize).toBe(false);
    expect(dataSourceOptions({ DATABASE_URL: 'postgres://x@127.0.0.1/y' }).synchronize).toBe(false);
    expect(dataSourceOptions(store.env).migrationsRun).toBe(false);
  });

  it('builds the whole schema from an empty database, exactly as the entities declare it', async () => {
    const db = await openStore({ ...process.env, ...store.env });
    try {
      expect(await drift(db)).toEqual([]);
      expect(await migrate(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it("upgrades the previous release's schema and keeps its data", async () => {
    const options = dataSourceOptions({ ...process.env, ...store.env });
    const all = options.migrations as Function[];
    // The previous release is every migration but the newest (for the first release: an empty database).
    const previous = new DataSource({ ...options, migrations: all.slice(0, -1) } as typeof options);
    await previous.initialize();
    await previous.runMigrations({ transaction: 'each' });
    // Data as the previous release wrote it (the accounts table is in every release).
    await previous.query(
      `INSERT INTO accounts ("pk", "id", "granularRolesEnabled") VALUES ('1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'upgrade', TRUE)`,
    );
    await previous.destroy();

    const db = await openStore({ ...process.env, ...store.env });
    try {
      expect(await drift(db)).toEqual([]);
      // The upgraded store works for the old account.
      const admin = await createAccount(db, { id: 'after-upgrade', adminEmail: 'a@upgrade.test' });
      expect(admin.user.role).toBe('ADMIN');
    } finally {
      await db.destroy();
    }
    const reopened = await openStore({ ...process.env, ...store.env });
    try {
      expect(await reopened.getRepository(Account).findOneByOrFail({ id: 'upgrade' })).toMatchObject({
        granularRolesEnabled: true,
      });
      expect(await reopened.getRepository(Model).count()).toBe(0);
    } finally {
      await reopened.destroy();
    }
  });

  it('rolegate migrate applies pending migrations once', async () => {
    const first = await runCli(['migrate', '-o', 'json'], store.env);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).applied.length).toBeGreaterThan(0);
    const second = await runCli(['migrate'], store.env);
    expect(second).toMatchObject({ code: 0, stdout: 'The database is up to date.\n' });
  });
});
