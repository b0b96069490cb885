import { ApiKey, Dataset, Deployment, Model, User } from '../src/entities';
import { Harness } from './helpers/harness';
import { storeName } from './helpers/store';

describe(`concurrent writers (${storeName})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.stop());

  it('50 concurrent mutations of mixed kinds from different keys all land, with no partial rows', async () => {
    const actors = await Promise.all(Array.from({ length: 5 }, () => h.actor('USER')));
    const mutations = Array.from({ length: 50 }, (_, i) => {
      const a = actors[i % actors.length];
      switch (i % 5) {
        case 0:
          return h.gql(a.key, `mutation { createModel(input: { id: "cm-${i}" }) { id } }`);
        case 1:
          return h.gql(a.key, `mutation { createDeployment(input: { id: "cd-${i}", model: "x" }) { id } }`);
        case 2:
          return h.gql(a.key, `mutation { createApiKey(input: { displayName: "k${i}" }) { key } }`);
        case 3:
          return h.gql(h.admin.key, `mutation { createUser(input: { email: "cu${i}@acme.test" }) { id } }`);
        default:
          return h.gql(a.key, `mutation { createDataset(input: { id: "cs-${i}", format: "jsonl" }) { id } }`);
      }
    });
    const results = await Promise.all(mutations);
    expect(results.map((r) => [r.status, r.body.errors ?? null])).toEqual(results.map(() => [200, null]));
    expect(await h.db.getRepository(Model).countBy({ accountPk: h.account.pk })).toBe(10);
    expect(await h.db.getRepository(Deployment).countBy({ accountPk: h.account.pk })).toBe(10);
    expect(await h.db.getRepository(Dataset).countBy({ accountPk: h.account.pk })).toBe(10);
    expect(await h.db.getRepository(User).countBy({ accountPk: h.account.pk })).toBe(1 + 5 + 10);
  });

  it('keeps a human admin when two admins demote each other at the same moment, every time', async () => {
    const a = await h.actor('ADMIN');
    const b = await h.actor('ADMIN');
    const users = h.db.getRepository(User);
    const demote = (key: string, id: string) =>
      h.gql(key, 'mutation($id: ID!) { updateUser(id: $id, input: { role: USER }) { role } }', { id });
    // The account's first admin steps aside, so a and b are its only human admins.
    await users.update({ pk: h.admin.user.pk }, { role: 'USER' });
    try {
      for (let round = 0; round < 25; round++) {
        const [ab, ba] = await Promise.all([demote(a.key, b.user.id), demote(b.key, a.user.id)]);
        const succeeded = [ab, ba].filter((r) => !r.body.errors).length;
        expect(succeeded).toBe(1);
        for (const r of [ab, ba].filter((x) => x.body.errors)) {
          expect(['FAILED_PRECONDITION', 'FORBIDDEN']).toContain(r.body.errors![0].extensions!.code);
        }
        const admins = await users.countBy({ accountPk: h.account.pk, role: 'ADMIN', serviceAccount: false });
        expect(admins).toBe(1);
        await users.update({ pk: a.user.pk }, { role: 'ADMIN' });
        await users.update({ pk: b.user.pk }, { role: 'ADMIN' });
      }
    } finally {
      await users.update({ pk: h.admin.user.pk }, { role: 'ADMIN' });
    }
  });

  it('applies two concurrent updates of one object as if one came after the other (no lost update)', async () => {
    const owner = await h.actor('USER');
    for (let round = 0; round < 25; round++) {
      const dep = await h.resource(Deployment, owner.user, { minReplicas: 1, maxReplicas: 10 });
      const update = (input: string) =>
        h.gql(owner.key, `mutation($id: ID!) { updateDeployment(id: $id, input: { ${input} }) { id } }`, {
          id: dep.id,
        });
      // Each is valid alone; together they would leave minReplicas > maxReplicas.
      const [raiseMin, lowerMax] = await Promise.all([update('minReplicas: 8'), update('maxReplicas: 5')]);
      const row = await h.db.getRepository(Deployment).findOneByOrFail({ pk: dep.pk });
      const final = [row.minReplicas, row.maxReplicas];
      expect([
        [8, 10],
        [1, 5],
      ]).toContainEqual(final);
      expect([raiseMin, lowerMax].filter((r) => !r.body.errors)).toHaveLength(1);
      const loser = raiseMin.body.errors ? raiseMin : lowerMax;
      expect(loser.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    }
  });

  it('never leaves a key without an owner when keys are issued while the owner is deleted', async () => {
    for (let round = 0; round < 10; round++) {
      const sa = await h.actor('USER', { serviceAccount: true });
      const issue = () =>
        h.gql(h.admin.key, 'mutation($id: ID!) { createApiKey(input: { serviceAccountId: $id }) { key } }', {
          id: sa.user.id,
        });
      await Promise.all([
        issue(),
        issue(),
        issue(),
        h.gql(h.admin.key, 'mutation($id: ID!) { deleteUser(id: $id) }', { id: sa.user.id }),
        issue(),
      ]);
    }
    const { body } = await h.gql(h.admin.key, '{ apiKeys(allUsers: true, first: 100) { nodes { owner { id } } } }');
    expect(body.errors).toBeUndefined();
    const owners = await h.db.query(
      'SELECT COUNT(*) AS n FROM api_keys k WHERE NOT EXISTS (SELECT 1 FROM users u WHERE CAST(u.pk AS VARCHAR(36)) = k."ownerPk")',
    );
    expect(Number(owners[0].n)).toBe(0);
  });

  it('answers a key listed while its owner is being deleted with NOT_FOUND, never an internal error', async () => {
    // The state a list read sees when the owner's deletion commits between it and the owner lookup:
    // the owner is gone, the key (deleted in the same transaction) not yet.
    const ghost = await h.actor('USER');
    const [key] = await h.db.getRepository(ApiKey).findBy({ ownerPk: ghost.user.pk });
    await h.db.getRepository(User).delete({ pk: ghost.user.pk });
    try {
      const { body } = await h.gql(
        h.admin.key,
        '{ apiKeys(allUsers: true, first: 100) { nodes { id owner { id } } } }',
      );
      expect(body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
        ['NOT_FOUND', `API key "${key.id}" not found`],
      ]);
    } finally {
      await h.db.getRepository(ApiKey).delete({ pk: key.pk });
    }
  });
});
