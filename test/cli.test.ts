import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { gql } from './helpers/harness';
import { killServers, runCli, serve } from './helpers/cli';
import { createTestStore, storeName, usingPostgres, type TestStore } from './helpers/store';

/** The operator commands, run as the real executable against a real, empty store. */
describe(`rolegate operator commands (${storeName})`, () => {
  let store: TestStore;
  let env: Record<string, string>;
  beforeEach(async () => {
    store = await createTestStore();
    env = store.env;
  });
  afterEach(async () => {
    await killServers();
    await store.drop();
  });

  it('serve initialises an empty database, prints the admin key once, serves it, and stops on SIGTERM', async () => {
    const server = await serve(env);
    try {
      const key = /Admin API key[^:]*: (rg_\w+)/.exec(server.stdout())![1];
      const viewer = await gql(server.url, key, '{ viewer { role user { email } account { id } } }');
      expect(viewer).toMatchObject({
        status: 200,
        body: { data: { viewer: { role: 'ADMIN', user: { email: 'admin@localhost' }, account: { id: 'default' } } } },
      });
      const health = await fetch(server.url.replace('/graphql', '/healthz'));
      expect(await health.json()).toEqual({ status: 'ok' });

      // The operator issues a key to an existing user; it works at once against the running server.
      const issued = await runCli(['api-key', 'issue', '--account', 'default', '--user', 'admin', '-o', 'json'], env);
      expect(issued.code).toBe(0);
      const { apiKey, keyId } = JSON.parse(issued.stdout);
      expect(keyId).toMatch(/^key-/);
      expect((await gql(server.url, apiKey, '{ viewer { apiKey { id } } }')).body).toEqual({
        data: { viewer: { apiKey: { id: keyId } } },
      });
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);

    // A second start finds the account and prints no key.
    const again = await serve(env);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(again.stdout()).not.toContain('rg_');
  });

  it('init prints the account, admin and key as JSON, and refuses a second init of the same account', async () => {
    const first = await runCli(
      ['init', '--account', 'acme', '--admin-email', 'Ops@Acme.test', '--granular-roles', '-o', 'json'],
      env,
    );
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const out = JSON.parse(first.stdout);
    expect(out).toEqual({
      account: { id: 'acme', granularRolesEnabled: true },
      user: { id: 'admin', email: 'ops@acme.test', role: 'ADMIN' },
      apiKey: expect.stringMatching(/^rg_[0-9A-Za-z]{38}$/),
      keyId: expect.stringMatching(/^key-/),
    });
    const second = await runCli(['init', '--account', 'acme', '--admin-email', 'x@acme.test'], env);
    expect(second).toMatchObject({ code: 1, stdout: '', stderr: 'ALREADY_EXISTS: account "acme" already exists\n' });
  });

  it('answers what an operator gets wrong with a coded line: a bad port, a busy port, an unreachable store, bad settings', async () => {
    const badPort = await runCli(['serve', '--port', 'abc'], env);
    expect([badPort.code, badPort.stderr]).toEqual([1, 'BAD_USER_INPUT: the port must be 0 to 65535, not "abc"\n']);

    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = busy.address() as AddressInfo;
      const taken = await runCli(['serve', '--host', '127.0.0.1', '--port', String(port)], env);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(/^UNAVAILABLE: listen EADDRINUSE.*\n$/);
    } finally {
      busy.close();
    }

    const nowhere = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test', ROLEGATE_DB: '' };
    const unreachable = await runCli(['migrate'], nowhere);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^UNAVAILABLE: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);

    const pool = await runCli(['migrate'], { ...nowhere, DATABASE_POOL_SIZE: 'abc' });
    expect(pool.stderr).toBe('ERROR: DATABASE_POOL_SIZE must be a positive integer, not "abc"\n');

    if (usingPostgres) {
      const missing = await runCli(['migrate'], { ...env, DATABASE_SCHEMA: 'rg_no_such_schema' });
      expect(missing.stderr).toBe(
        'FAILED_PRECONDITION: schema "rg_no_such_schema" does not exist (create it first: CREATE SCHEMA <name>)\n',
      );
    }
  });

  it('account create and update manage accounts; bad input exits non-zero with a coded line', async () => {
    const created = await runCli(
      ['account', 'create', 'globex', '--admin-email', 'boss@globex.test', '-o', 'json'],
      env,
    );
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout).account).toEqual({ id: 'globex', granularRolesEnabled: false });

    const updated = await runCli(['account', 'update', 'globex', '--granular-roles=true', '-o', 'json'], env);
    expect(JSON.parse(updated.stdout)).toEqual({ account: { id: 'globex', granularRolesEnabled: true } });
    const text = await runCli(['account', 'update', 'globex', '--granular-roles=false'], env);
    expect(text.stdout).toBe('Account "globex": granular roles disabled.\n');

    const unknown = await runCli(['account', 'update', 'nope', '--granular-roles=true'], env);
    expect(unknown).toMatchObject({ code: 1, stderr: 'NOT_FOUND: account "nope" not found\n' });
    const badValue = await runCli(['account', 'update', 'globex', '--granular-roles=maybe'], env);
    expect(badValue.code).not.toBe(0);
    expect(badValue.stderr).toContain('expected true or false');
    const badId = await runCli(['account', 'create', 'Not Valid', '--admin-email', 'a@b.test'], env);
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/^BAD_USER_INPUT: account must be/);
    const missingUser = await runCli(['api-key', 'issue', '--account', 'globex', '--user', 'ghost'], env);
    expect(missingUser).toMatchObject({ code: 1, stderr: 'NOT_FOUND: user "ghost" not found\n' });
  });
});
