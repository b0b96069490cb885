import { DataSource } from 'typeorm';
import { AuditEvent, Model } from '../src/entities';
import { openStore } from '../src/store/store';
import { killServers, runCli, serve, type ServeProcess } from './helpers/cli';
import { gql } from './helpers/harness';
import { createTestStore, storeName, type TestStore } from './helpers/store';

const adminKeyOf = (p: ServeProcess) => /Admin API key[^:]*: (rg_\w+)/.exec(p.stdout())?.[1];

async function stop(...processes: ServeProcess[]) {
  for (const p of processes) p.child.kill('SIGTERM');
  return Promise.all(processes.map((p) => p.exited));
}

describe(`several rolegate processes on one database (${storeName})`, () => {
  let store: TestStore;
  beforeEach(async () => {
    store = await createTestStore();
  });
  afterEach(async () => {
    await killServers();
    await store.drop();
  });

  it('start together on an empty database: one initialises it, both serve', async () => {
    const [a, b] = await Promise.all([serve(store.env), serve(store.env)]);
    try {
      const keys = [adminKeyOf(a), adminKeyOf(b)].filter(Boolean);
      expect(keys).toHaveLength(1);
      for (const p of [a, b]) {
        expect((await gql(p.url, keys[0], '{ viewer { role } }')).body).toEqual({
          data: { viewer: { role: 'ADMIN' } },
        });
      }
    } finally {
      expect(await stop(a, b)).toEqual([0, 0]);
    }
  });

  it('enforce a role change, a key deletion and a user deletion made through the other at once', async () => {
    const a = await serve(store.env);
    const b = await serve(store.env);
    try {
      const admin = adminKeyOf(a)!;
      const created = await gql(
        a.url,
        admin,
        'mutation { createUser(input: { userId: "dana", email: "dana@x.test", role: ADMIN }) { id } }',
      );
      expect(created.body.errors).toBeUndefined();
      const issued = await runCli(
        ['api-key', 'issue', '--account', 'default', '--user', 'dana', '-o', 'json'],
        store.env,
      );
      const dana = JSON.parse(issued.stdout).apiKey as string;

      const manage = 'mutation { updateUser(id: "dana", input: { displayName: "Dana" }) { id } }';
      expect((await gql(b.url, dana, manage)).body.errors).toBeUndefined();
      await gql(a.url, admin, 'mutation { updateUser(id: "dana", input: { role: USER }) { role } }');
      const denied = await gql(b.url, dana, manage);
      expect(denied.body.errors![0].extensions).toEqual({ code: 'FORBIDDEN', permission: 'USERS_MANAGE' });

      const second = await gql(a.url, dana, 'mutation { createApiKey(input: {}) { key apiKey { id } } }');
      const { key, apiKey } = second.body.data!.createApiKey;
      expect((await gql(b.url, key, '{ viewer { role } }')).status).toBe(200);
      await gql(a.url, dana, 'mutation($id: ID!) { deleteApiKey(id: $id) }', { id: apiKey.id });
      expect((await gql(b.url, key, '{ viewer { role } }')).status).toBe(401);

      expect((await gql(b.url, dana, '{ viewer { role } }')).status).toBe(200);
      await gql(a.url, admin, 'mutation { deleteUser(id: "dana") }');
      expect((await gql(b.url, dana, '{ viewer { role } }')).status).toBe(401);
    } finally {
      expect(await stop(a, b)).toEqual([0, 0]);
    }
  });

  it('on SIGTERM finish in-flight requests, exit 0, and keep every acknowledged write', async () => {
    const server = await serve(store.env);
    const admin = adminKeyOf(server)!;
    const acknowledged: string[] = [];
    let sent = 0;
    let signalled = false;
    const worker = async () => {
      for (;;) {
        const id = `sigterm-${sent++}`;
        if (sent > 2000) return;
        try {
          const res = await gql(server.url, admin, `mutation { createModel(input: { id: "${id}" }) { id } }`);
          if (res.status === 200 && res.body.data?.createModel?.id === id) acknowledged.push(id);
          else if (!signalled) throw new Error(`unexpected answer before SIGTERM: ${JSON.stringify(res.body)}`);
        } catch (error) {
          if (!signalled) throw error;
          return; // refused once the server stopped accepting: not acknowledged
        }
        if (acknowledged.length === 60 && !signalled) {
          signalled = true;
          server.child.kill('SIGTERM');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(await server.exited).toBe(0);
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);

    const db: DataSource = await openStore({ ...process.env, ...store.env });
    try {
      const stored = new Set((await db.getRepository(Model).find()).map((m) => m.id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      // The audit event is written before the answer: an acknowledged mutation is an audited one.
      const audited = new Set(
        (await db.getRepository(AuditEvent).findBy({ operation: 'createModel' })).map((e) => e.target),
      );
      expect(acknowledged.filter((id) => !audited.has(id))).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
