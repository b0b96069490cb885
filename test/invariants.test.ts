import { Account, Deployment, Model } from '../src/entities';
import { createAccount, updateAccount } from '../src/services/accounts';
import { Harness, unique, type Actor } from './helpers/harness';

describe('account isolation', () => {
  let h: Harness;
  let otherAccount: Account;
  let otherAdminKey: string;
  beforeAll(async () => {
    h = await Harness.start();
    const created = await createAccount(h.db, { id: 'globex', adminEmail: 'admin@globex.test' });
    otherAccount = created.account;
    otherAdminKey = created.apiKey;
    await h.resource(
      Deployment,
      created.user,
      { id: 'shared-id', endpointUrl: 'https://globex.example' },
      otherAccount,
    );
    await h.resource(Model, created.user, { id: 'globex-only' }, otherAccount);
  });
  afterAll(() => h.stop());

  it("answers NOT_FOUND for another account's objects, whatever the caller's role", async () => {
    const calls = [
      ['{ model(id: "globex-only") { id } }', 'model'],
      ['mutation { updateModel(id: "globex-only", input: { displayName: "mine now" }) { id } }', 'updateModel'],
      ['mutation { deleteModel(id: "globex-only") }', 'deleteModel'],
    ] as const;
    for (const [query, field] of calls) {
      const { body } = await h.gql(h.admin.key, query);
      expect(body.errors![0]).toMatchObject({ extensions: { code: 'NOT_FOUND' }, path: [field] });
    }
    const models = await h.db.getRepository(Model).findOneByOrFail({ id: 'globex-only' });
    expect(models.displayName).toBeNull();
  });

  it('scopes same ids per account', async () => {
    await h.resource(Deployment, h.admin.user, { id: 'shared-id', endpointUrl: 'https://acme.example' });
    const mine = await h.gql(h.admin.key, '{ deployment(id: "shared-id") { endpointUrl } }');
    expect(mine.body).toEqual({ data: { deployment: { endpointUrl: 'https://acme.example' } } });
    const theirs = await h.gql(
      otherAdminKey,
      '{ deployment(id: "shared-id") { endpointUrl } users { nodes { email } } }',
    );
    expect(theirs.body).toEqual({
      data: {
        deployment: { endpointUrl: 'https://globex.example' },
        users: { nodes: [{ email: 'admin@globex.test' }] },
      },
    });
  });

  it("refuses to issue a key to another account's service account", async () => {
    const sa = await h.actor('USER', { serviceAccount: true, account: otherAccount });
    const { body } = await h.gql(
      h.admin.key,
      'mutation($id: ID!) { createApiKey(input: { serviceAccountId: $id }) { key } }',
      {
        id: sa.user.id,
      },
    );
    expect(body.errors![0].extensions!.code).toBe('NOT_FOUND');
  });
});

describe('account invariants', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ granularRoles: false, accountId: 'solo' });
  });
  afterAll(() => h.stop());

  const setRole = (key: string, id: string, role: string) =>
    h.gql(key, `mutation($id: ID!) { updateUser(id: $id, input: { role: ${role} }) { role } }`, { id });

  it('keeps at least one human admin', async () => {
    const sa = await h.actor('ADMIN', { serviceAccount: true });
    const selfDemote = await setRole(h.admin.key, h.admin.user.id, 'USER');
    expect(selfDemote.body.errors![0].extensions!.code).toBe('FAILED_PRECONDITION');
    const selfDelete = await h.gql(h.admin.key, 'mutation($id: ID!) { deleteUser(id: $id) }', { id: h.admin.user.id });
    expect(selfDelete.body.errors![0].extensions!.code).toBe('FAILED_PRECONDITION');
    // A service-account admin does not count as the human admin.
    const bySa = await setRole(sa.key, h.admin.user.id, 'USER');
    expect(bySa.body.errors![0].extensions!.code).toBe('FAILED_PRECONDITION');

    const second = await h.actor('ADMIN');
    expect((await setRole(second.key, h.admin.user.id, 'USER')).body.errors).toBeUndefined();
    expect((await setRole(second.key, second.user.id, 'USER')).body.errors![0].extensions!.code).toBe(
      'FAILED_PRECONDITION',
    );
    const viewer = await h.gql(second.key, '{ viewer { role } }');
    expect(viewer.body.data!.viewer.role).toBe('ADMIN');
    // Restore for the tests below.
    expect((await setRole(second.key, h.admin.user.id, 'ADMIN')).body.errors).toBeUndefined();
  });

  it('refuses granular roles until the operator enables them', async () => {
    const create = (role: string) =>
      h.gql(h.admin.key, `mutation($e: String!) { createUser(input: { email: $e, role: ${role} }) { id role } }`, {
        e: `${unique('g')}@solo.test`,
      });
    for (const role of ['CONTRIBUTOR', 'INFERENCE_USER']) {
      const { body } = await create(role);
      expect(body.errors![0]).toMatchObject({ extensions: { code: 'FAILED_PRECONDITION' } });
    }
    const plain = await h.actor('USER');
    expect((await setRole(h.admin.key, plain.user.id, 'CONTRIBUTOR')).body.errors![0].extensions!.code).toBe(
      'FAILED_PRECONDITION',
    );
    const matrix = await h.gql(
      h.admin.key,
      '{ roleMatrix { role assignable } viewer { account { granularRolesEnabled } } }',
    );
    expect(matrix.body.data).toEqual({
      roleMatrix: [
        { role: 'INFERENCE_USER', assignable: false },
        { role: 'CONTRIBUTOR', assignable: false },
        { role: 'USER', assignable: true },
        { role: 'ADMIN', assignable: true },
      ],
      viewer: { account: { granularRolesEnabled: false } },
    });

    await updateAccount(h.db, 'solo', { granularRolesEnabled: true });
    expect((await create('CONTRIBUTOR')).body.data!.createUser.role).toBe('CONTRIBUTOR');
    expect((await setRole(h.admin.key, plain.user.id, 'INFERENCE_USER')).body.data!.updateUser.role).toBe(
      'INFERENCE_USER',
    );
    await updateAccount(h.db, 'solo', { granularRolesEnabled: false });
  });

  it("gives a user re-created with a deleted id none of the old one's resources", async () => {
    await updateAccount(h.db, 'solo', { granularRolesEnabled: true });
    const first = await h.gql(
      h.admin.key,
      'mutation { createUser(input: { email: "reborn@solo.test", userId: "reborn", role: CONTRIBUTOR }) { id } }',
    );
    expect(first.body.errors).toBeUndefined();
    const firstKey = await h.keyFor((await h.db.getRepository('User').findOneByOrFail({ id: 'reborn' })) as never);
    const made = await h.gql(
      firstKey,
      'mutation { createDeployment(input: { id: "legacy", model: "m", endpointUrl: "https://legacy.example" }) { viewerCanUpdate } }',
    );
    expect(made.body.data).toEqual({ createDeployment: { viewerCanUpdate: true } });

    expect((await h.gql(h.admin.key, 'mutation { deleteUser(id: "reborn") }')).body.errors).toBeUndefined();
    const second = await h.gql(
      h.admin.key,
      'mutation { createUser(input: { email: "reborn@solo.test", userId: "reborn", role: CONTRIBUTOR }) { id } }',
    );
    expect(second.body.errors).toBeUndefined();
    const secondKey = await h.keyFor((await h.db.getRepository('User').findOneByOrFail({ id: 'reborn' })) as never);

    const view = await h.gql(
      secondKey,
      '{ deployment(id: "legacy") { createdBy { id } viewerCanUpdate viewerCanDelete endpointUrl } }',
    );
    expect(view.body.data).toEqual({
      deployment: { createdBy: null, viewerCanUpdate: false, viewerCanDelete: false, endpointUrl: null },
    });
    const update = await h.gql(secondKey, 'mutation { updateDeployment(id: "legacy", input: { model: "x" }) { id } }');
    expect(update.body.errors![0].extensions).toEqual({ code: 'FORBIDDEN', permission: 'RESOURCES_MANAGE_ANY' });
    const remove = await h.gql(secondKey, 'mutation { deleteDeployment(id: "legacy") }');
    expect(remove.body.errors![0].extensions).toEqual({ code: 'FORBIDDEN', permission: 'RESOURCES_MANAGE_ANY' });
    expect(await h.db.getRepository(Deployment).countBy({ id: 'legacy' })).toBe(1);
  });

  it('refuses taken ids and emails with ALREADY_EXISTS', async () => {
    const again = await h.gql(h.admin.key, 'mutation { createUser(input: { email: "admin@acme.test" }) { id } }');
    expect(again.body.errors![0].extensions!.code).toBe('ALREADY_EXISTS');
    const sameId = await h.gql(
      h.admin.key,
      'mutation { createUser(input: { userId: "admin", email: "new@solo.test" }) { id } }',
    );
    expect(sameId.body.errors![0].extensions!.code).toBe('ALREADY_EXISTS');
    await h.gql(h.admin.key, 'mutation { createModel(input: { id: "dup" }) { id } }');
    const dup = await h.gql(h.admin.key, 'mutation { createModel(input: { id: "dup" }) { id } }');
    expect(dup.body.errors![0].extensions!.code).toBe('ALREADY_EXISTS');
  });
});

describe('bad input', () => {
  let h: Harness;
  let user: Actor;
  beforeAll(async () => {
    h = await Harness.start();
    user = await h.actor('USER');
  });
  afterAll(() => h.stop());

  it.each([
    ['an invalid id', '{ deployment(id: "Not_Valid") { id } }'],
    ['a page size of 0', '{ deployments(first: 0) { totalCount } }'],
    ['a page size over 100', '{ users(first: 101) { totalCount } }'],
    ['a forged cursor', '{ models(after: "bm90LWEtY3Vyc29y") { totalCount } }'],
    ['a human without email', 'mutation { createUser(input: { displayName: "x" }) { id } }'],
    ['a service account without userId', 'mutation { createUser(input: { serviceAccount: true }) { id } }'],
    ['a bad email', 'mutation { createUser(input: { email: "nope" }) { id } }'],
    [
      'min over max replicas',
      'mutation { createDeployment(input: { model: "m", minReplicas: 3, maxReplicas: 2 }) { id } }',
    ],
    [
      'a non-http endpoint',
      'mutation { createDeployment(input: { model: "m", endpointUrl: "file:///etc/passwd" }) { id } }',
    ],
    ['an empty model', 'mutation { createDeployment(input: { model: "  " }) { id } }'],
    ['a past expiry', 'mutation { createApiKey(input: { expiresAt: "2001-01-01T00:00:00Z" }) { key } }'],
    [
      'a negative learning rate',
      'mutation { createFineTuningJob(input: { baseModel: "b", datasetId: "nope", learningRate: -1 }) { id } }',
    ],
  ])('answers BAD_USER_INPUT for %s, and writes nothing', async (_what, query) => {
    const before = await h.gql(
      h.admin.key,
      '{ users { totalCount } deployments { totalCount } apiKeys(allUsers: true) { totalCount } }',
    );
    const asAdmin = query.includes('createUser');
    const { status, body } = await h.gql(asAdmin ? h.admin.key : user.key, query);
    expect([200, 400]).toContain(status);
    expect(body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    const after = await h.gql(
      h.admin.key,
      '{ users { totalCount } deployments { totalCount } apiKeys(allUsers: true) { totalCount } }',
    );
    expect(after.body).toEqual(before.body);
  });

  it('answers NOT_FOUND for a fine-tuning job on a missing dataset', async () => {
    const { body } = await h.gql(
      user.key,
      'mutation { createFineTuningJob(input: { baseModel: "b", datasetId: "missing" }) { id } }',
    );
    expect(body.errors![0].extensions!.code).toBe('NOT_FOUND');
  });

  it('pages through a list with cursors', async () => {
    for (let i = 0; i < 5; i++) await h.resource(Model, user.user, { id: `page-${i}` });
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: Awaited<ReturnType<Harness['gql']>> = await h.gql(
        user.key,
        'query($after: String) { models(first: 2, after: $after) { totalCount nodes { id } edges { cursor } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      const page = res.body.data!.models;
      expect(page.totalCount).toBe(5);
      seen.push(...page.nodes.map((n: { id: string }) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  });
});
