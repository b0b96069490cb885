import { Account, ApiKey, User } from '../src/entities';
import { createAccount } from '../src/services/accounts';
import { generateApiKeySecret, hashApiKey, isWellFormedApiKey } from '../src/auth/api-key-secret';
import { Client } from 'pg';
import { Harness } from './helpers/harness';
import { usingPostgres } from './helpers/store';

describe('authentication', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.stop());

  const VIEWER = '{ viewer { role } }';

  async function expectUnauthenticated(headers: Record<string, string>, query = VIEWER) {
    const response = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    expect(response.status).toBe(401);
    const body = await response.json();
    // The same body for every reason: no hint which one it was.
    expect(body).toEqual({
      errors: [
        {
          message: 'A valid API key is required: Authorization: Bearer <api key>',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
  }

  it('refuses a missing key', () => expectUnauthenticated({}));
  it('refuses a malformed Authorization header', async () => {
    await expectUnauthenticated({ authorization: h.admin.key });
    await expectUnauthenticated({ authorization: `Basic ${h.admin.key}` });
    await expectUnauthenticated({ authorization: `Bearer ${h.admin.key} extra` });
    await expectUnauthenticated({ authorization: 'Bearer not-a-key' });
    await expectUnauthenticated({ authorization: `Bearer ${h.admin.key.slice(0, -1)}` });
  });
  it('refuses a key whose checksum does not match (a typo)', async () => {
    const key = h.admin.key;
    const typo = key.slice(0, 10) + (key[10] === 'a' ? 'b' : 'a') + key.slice(11);
    expect(isWellFormedApiKey(typo)).toBe(false);
    await expectUnauthenticated({ authorization: `Bearer ${typo}` });
  });
  it('refuses an unknown, well-formed key', async () => {
    const forged = generateApiKeySecret();
    expect(isWellFormedApiKey(forged)).toBe(true);
    await expectUnauthenticated({ authorization: `Bearer ${forged}` });
  });
  it('refuses an expired key', async () => {
    const user = await h.actor('USER');
    const key = await h.keyFor(user.user, h.account, new Date(Date.now() + 60_000));
    expect((await h.gql(key, VIEWER)).status).toBe(200);
    await h.db
      .getRepository(ApiKey)
      .update({ secretHash: hashApiKey(key) }, { expiresAt: new Date(Date.now() - 1000) });
    await expectUnauthenticated({ authorization: `Bearer ${key}` });
  });
  it('refuses a revoked key', async () => {
    const user = await h.actor('USER');
    const other = await h.keyFor(user.user);
    const list = await h.gql(user.key, '{ apiKeys { nodes { id prefix } } }');
    const otherId = list.body.data!.apiKeys.nodes.find((n: { prefix: string }) => other.startsWith(n.prefix)).id;
    const revoked = await h.gql(user.key, 'mutation($id: ID!) { deleteApiKey(id: $id) }', { id: otherId });
    expect(revoked.body).toEqual({ data: { deleteApiKey: otherId } });
    await expectUnauthenticated({ authorization: `Bearer ${other}` });
    expect((await h.gql(user.key, VIEWER)).status).toBe(200);
  });
  it('refuses the keys of a deleted user', async () => {
    const user = await h.actor('USER');
    const deleted = await h.gql(h.admin.key, 'mutation($id: ID!) { deleteUser(id: $id) }', { id: user.user.id });
    expect(deleted.body).toEqual({ data: { deleteUser: user.user.id } });
    await expectUnauthenticated({ authorization: `Bearer ${user.key}` });
  });
  it('refuses introspection without a valid key', () =>
    expectUnauthenticated({}, '{ __schema { queryType { name } } }'));

  // Known keys are cached; these writes go around the API (as an operator's SQL would),
  // so only the store's auth epoch can tell the cache that its entries are stale.
  describe('a change made directly in the store is enforced on the next request', () => {
    const WHO = '{ viewer { role account { displayName } apiKey { displayName } } }';
    let user: Awaited<ReturnType<Harness['actor']>>;
    beforeEach(async () => {
      user = await h.actor('ADMIN');
      expect((await h.gql(user.key, WHO)).body.data!.viewer.role).toBe('ADMIN');
      expect((await h.gql(user.key, WHO)).body.data!.viewer.role).toBe('ADMIN');
    });

    it('a role', async () => {
      await h.db.getRepository(User).update({ pk: user.user.pk }, { role: 'USER' });
      expect((await h.gql(user.key, WHO)).body.data!.viewer.role).toBe('USER');
    });
    it("the account's settings", async () => {
      await h.db.getRepository(Account).update({ pk: h.account.pk }, { displayName: 'Renamed' });
      expect((await h.gql(user.key, WHO)).body.data!.viewer.account.displayName).toBe('Renamed');
    });
    it("a key's name, revocation and deletion", async () => {
      const secretHash = hashApiKey(user.key);
      await h.db.getRepository(ApiKey).update({ secretHash }, { displayName: 'renamed' });
      expect((await h.gql(user.key, WHO)).body.data!.viewer.apiKey.displayName).toBe('renamed');
      await h.db.getRepository(ApiKey).update({ secretHash }, { revokedAt: new Date() });
      await expectUnauthenticated({ authorization: `Bearer ${user.key}` });
      await h.db.getRepository(ApiKey).update({ secretHash }, { revokedAt: null });
      expect((await h.gql(user.key, WHO)).status).toBe(200);
      await h.db.getRepository(ApiKey).delete({ secretHash });
      await expectUnauthenticated({ authorization: `Bearer ${user.key}` });
    });
    // PostgreSQL only: SQLite has no search path (its run of this file has no such case).
    const onPostgres = usingPostgres ? it : () => undefined;
    onPostgres('a role, in SQL typed in a session with its own search path and its own auth_epochs', async () => {
      const client = new Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      try {
        const schema = h.store.env.DATABASE_SCHEMA;
        // A temporary table of the same name must not catch the trigger's update.
        await client.query(`CREATE TEMP TABLE "auth_epochs" ("accountPk" text, "token" text)`);
        await client.query(`UPDATE "${schema}"."users" SET "role" = 'USER' WHERE "pk" = $1`, [user.user.pk]);
      } finally {
        await client.end();
      }
      expect((await h.gql(user.key, WHO)).body.data!.viewer.role).toBe('USER');
    });
    it('a role the matrix does not know: refused, never a 500', async () => {
      await h.db.getRepository(User).update({ pk: user.user.pk }, { role: 'SUPERADMIN' as never });
      await expectUnauthenticated({ authorization: `Bearer ${user.key}` });
    });
    it('the user', async () => {
      await h.db.getRepository(User).delete({ pk: user.user.pk });
      await expectUnauthenticated({ authorization: `Bearer ${user.key}` });
    });
    // SQLite only: INSERT OR REPLACE deletes the old row without running its delete triggers.
    const onSqlite = usingPostgres ? () => undefined : it;
    onSqlite('a role and a revocation, with INSERT OR REPLACE', async () => {
      const replace = async (table: string, pk: string, set: string) => {
        await h.db.query(`CREATE TEMP TABLE "replacement" AS SELECT * FROM "${table}" WHERE "pk" = ?`, [pk]);
        await h.db.query(`UPDATE "replacement" SET ${set}`);
        await h.db.query(`INSERT OR REPLACE INTO "${table}" SELECT * FROM "replacement"`);
        await h.db.query(`DROP TABLE "replacement"`);
      };
      await replace('users', user.user.pk, `"role" = 'USER'`);
      expect((await h.gql(user.key, WHO)).body.data!.viewer.role).toBe('USER');
      // Into another account: the epoch of the account the row leaves moves too.
      const { account: other } = await createAccount(h.db, { id: 'elsewhere', adminEmail: 'a@elsewhere.test' });
      await replace('users', user.user.pk, `"accountPk" = '${other.pk}'`);
      await expectUnauthenticated({ authorization: `Bearer ${user.key}` });
      await replace('users', user.user.pk, `"accountPk" = '${h.account.pk}'`);
      expect((await h.gql(user.key, WHO)).status).toBe(200);
      const [key] = await h.db.getRepository(ApiKey).findBy({ secretHash: hashApiKey(user.key) });
      await replace('api_keys', key.pk, `"revokedAt" = datetime('now')`);
      await expectUnauthenticated({ authorization: `Bearer ${user.key}` });
    });
    onSqlite("a user of another account, removed by UPDATE OR REPLACE's clash", async () => {
      const other = await createAccount(h.db, { id: 'clash', adminEmail: 'a@clash.test' });
      expect((await h.gql(other.apiKey, WHO)).status).toBe(200);
      await h.db.query(`UPDATE OR REPLACE "users" SET "pk" = ? WHERE "pk" = ?`, [other.user.pk, user.user.pk]);
      await expectUnauthenticated({ authorization: `Bearer ${other.apiKey}` });
    });
  });

  it('applies a demotion to the existing keys on the next request', async () => {
    const user = await h.actor('ADMIN');
    const q = '{ viewer { role permissions } users { totalCount } }';
    expect((await h.gql(user.key, q)).body.data!.viewer.permissions).toContain('USERS_MANAGE');
    const demoted = await h.gql(
      h.admin.key,
      'mutation($id: ID!) { updateUser(id: $id, input: { role: INFERENCE_USER }) { role } }',
      {
        id: user.user.id,
      },
    );
    expect(demoted.body).toEqual({ data: { updateUser: { role: 'INFERENCE_USER' } } });
    const after = await h.gql(user.key, q);
    expect(after.body.data!.viewer).toEqual({
      role: 'INFERENCE_USER',
      permissions: ['INFERENCE_EXECUTE', 'RESOURCES_VIEW', 'API_KEYS_MANAGE_OWN', 'USERS_VIEW'],
    });
    const denied = await h.gql(user.key, 'mutation { createUser(input: { email: "x@acme.test" }) { id } }');
    expect(denied.body.errors![0].extensions).toEqual({ code: 'FORBIDDEN', permission: 'USERS_MANAGE' });
  });

  it('returns a key secret exactly once and stores only its hash', async () => {
    const user = await h.actor('USER');
    const created = await h.gql(
      user.key,
      'mutation { createApiKey(input: { displayName: "ci" }) { key apiKey { id prefix displayName owner { id } viewerCanDelete } } }',
    );
    expect(created.body.errors).toBeUndefined();
    const { key, apiKey } = created.body.data!.createApiKey;
    expect(key).toMatch(/^rg_[0-9A-Za-z]{38}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect(apiKey.prefix.length).toBeLessThan(16);
    expect(apiKey).toMatchObject({ displayName: 'ci', owner: { id: user.user.id }, viewerCanDelete: true });
    expect((await h.gql(key, VIEWER)).body.data!.viewer.role).toBe('USER');

    const listed = await h.gql(
      user.key,
      '{ apiKeys { nodes { id prefix } } viewer { apiKey { id } user { apiKeys { id } } } }',
    );
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const row = await h.db.getRepository(ApiKey).findOneByOrFail({ id: apiKey.id });
    expect(row.secretHash).toBe(hashApiKey(key));
    expect(JSON.stringify(row)).not.toContain(key.slice(3));
    // The secret is nowhere in the store (for SQLite: its files, write-ahead log included).
    const dump = await h.store.dump();
    expect(dump).toContain(row.secretHash);
    expect(dump).not.toContain(key.slice(3));
  });

  it('generates keys with at least 128 random bits and a recognisable prefix', () => {
    const keys = new Set(Array.from({ length: 1000 }, generateApiKeySecret));
    expect(keys.size).toBe(1000);
    for (const key of keys) expect(isWellFormedApiKey(key) && key.startsWith('rg_')).toBe(true);
    // The random part is what follows `rg_`, less the 6-character checksum, in base62.
    const [sample] = keys;
    const randomChars = sample.length - 'rg_'.length - 6;
    expect(randomChars * Math.log2(62)).toBeGreaterThan(128);
    // Every position varies across keys (no fixed or low-entropy stretch).
    for (let i = 3; i < 3 + randomChars; i++) expect(new Set([...keys].map((k) => k[i])).size).toBeGreaterThan(40);
  });
});

// PostgreSQL only: TRUNCATE runs no row triggers (SQLite has no TRUNCATE). A harness of its own, since every key goes.
(usingPostgres ? describe : () => undefined)('TRUNCATE of the keys (PostgreSQL)', () => {
  it('is enforced on the next request, cached keys included', async () => {
    const h = await Harness.start();
    try {
      expect((await h.gql(h.admin.key, '{ viewer { role } }')).status).toBe(200);
      await h.db.query('TRUNCATE "api_keys"');
      expect((await h.gql(h.admin.key, '{ viewer { role } }')).status).toBe(401);
    } finally {
      await h.stop();
    }
  });
});
