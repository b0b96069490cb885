import { isObjectType } from 'graphql';
import { PERMISSIONS, ROLES, roleHas, type Permission, type Role } from '../src/authz/role-matrix';
import { Dataset, Deployment, FineTuningJob, Model, type Resource } from '../src/entities';
import { buildBareSchema } from '../src/graphql/schema';
import { RESOURCE_KINDS } from '../src/resource-kinds';
import { issueApiKey } from '../src/services/api-keys';
import { inTransaction } from '../src/store/store';
import { Harness, unique, type Actor, type GqlResponse } from './helpers/harness';
import { FakeUpstream } from './helpers/upstream';

/**
 * Section 1 of ../shared/API.md, copied by hand. It is deliberately not generated:
 * if schema/role-matrix.ts drifts from the contract, these tests say so.
 * Columns: INFERENCE_USER, CONTRIBUTOR, USER, ADMIN.
 */
const CONTRACT = `
INFERENCE_EXECUTE            yes yes yes yes
RESOURCES_VIEW               yes yes yes yes
RESOURCES_CREATE              -  yes yes yes
RESOURCES_MANAGE_OWN          -  yes yes yes
RESOURCES_MANAGE_ANY          -   -  yes yes
API_KEYS_MANAGE_OWN          yes yes yes yes
USERS_VIEW                   yes yes yes yes
SERVICE_ACCOUNT_KEYS_CREATE   -   -   -  yes
API_KEYS_DELETE_ANY           -   -   -  yes
USERS_MANAGE                  -   -   -  yes
`;
const CONTRACT_ROLES = ['INFERENCE_USER', 'CONTRIBUTOR', 'USER', 'ADMIN'] as const;
const contract = new Map(
  CONTRACT.trim()
    .split('\n')
    .map((line) => {
      const [permission, ...cells] = line.trim().split(/\s+/);
      return [permission, new Map(CONTRACT_ROLES.map((role, i) => [role as string, cells[i] === 'yes']))] as const;
    }),
);
const contractAllows = (role: Role, permission: Permission) => contract.get(permission)?.get(role) === true;

describe('the role matrix data file', () => {
  it('has exactly the contract roles and permissions', () => {
    expect([...ROLES].sort()).toEqual([...CONTRACT_ROLES].sort());
    expect([...PERMISSIONS].sort()).toEqual([...contract.keys()].sort());
  });

  const cells = PERMISSIONS.flatMap((p) => ROLES.map((r) => [p, r] as const));
  it.each(cells)('%s for %s matches the contract', (permission, role) => {
    expect(roleHas(role, permission)).toBe(contractAllows(role, permission));
  });
});

// ---------------------------------------------------------------------------
// Every root field, called by every role, over HTTP.

interface Case {
  name: string;
  field: string;
  /** The permission this call needs; null: any valid key. */
  requires: Permission | null;
  run(h: Harness, actor: Actor, upstream: FakeUpstream): Promise<GqlResponse>;
}

const query =
  (field: string, selection: string): Case['run'] =>
  (h, a) =>
    h.gql(a.key, `{ ${field} ${selection} }`);

const RESOURCE_ENTITY: Record<string, new () => Resource> = {
  Deployment,
  Model,
  Dataset,
  FineTuningJob,
};

async function createInput(h: Harness, type: string): Promise<Record<string, unknown>> {
  switch (type) {
    case 'Deployment':
      return { model: 'llama-3-8b' };
    case 'Dataset':
      return { format: 'jsonl' };
    case 'FineTuningJob':
      return { baseModel: 'llama-3-8b', datasetId: (await h.resource(Dataset, h.admin.user)).id };
    default:
      return {};
  }
}

const CASES: Case[] = [
  { name: 'viewer', field: 'viewer', requires: null, run: query('viewer', '{ role }') },
  { name: 'roleMatrix', field: 'roleMatrix', requires: null, run: query('roleMatrix', '{ role }') },
  { name: 'users', field: 'users', requires: 'USERS_VIEW', run: query('users', '{ totalCount }') },
  {
    name: 'user',
    field: 'user',
    requires: 'USERS_VIEW',
    run: (h, a) => h.gql(a.key, 'query($id: ID!) { user(id: $id) { id } }', { id: h.admin.user.id }),
  },
  { name: 'auditEvents', field: 'auditEvents', requires: 'USERS_MANAGE', run: query('auditEvents', '{ totalCount }') },
  { name: 'apiKeys (own)', field: 'apiKeys', requires: 'API_KEYS_MANAGE_OWN', run: query('apiKeys', '{ totalCount }') },
  {
    name: 'apiKeys (allUsers)',
    field: 'apiKeys',
    requires: 'API_KEYS_DELETE_ANY',
    run: query('apiKeys(allUsers: true)', '{ totalCount }'),
  },
  {
    name: 'createUser',
    field: 'createUser',
    requires: 'USERS_MANAGE',
    run: (h, a) =>
      h.gql(a.key, 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', {
        input: { email: `${unique('new')}@acme.test` },
      }),
  },
  {
    name: 'updateUser',
    field: 'updateUser',
    requires: 'USERS_MANAGE',
    run: async (h, a) =>
      h.gql(a.key, 'mutation($id: ID!) { updateUser(id: $id, input: { displayName: "X" }) { id } }', {
        id: (await h.actor('USER')).user.id,
      }),
  },
  {
    name: 'deleteUser',
    field: 'deleteUser',
    requires: 'USERS_MANAGE',
    run: async (h, a) =>
      h.gql(a.key, 'mutation($id: ID!) { deleteUser(id: $id) }', { id: (await h.actor('USER')).user.id }),
  },
  {
    name: 'createApiKey (own)',
    field: 'createApiKey',
    requires: 'API_KEYS_MANAGE_OWN',
    run: (h, a) => h.gql(a.key, 'mutation { createApiKey(input: { displayName: "mine" }) { key apiKey { id } } }'),
  },
  {
    name: 'createApiKey (for a service account)',
    field: 'createApiKey',
    requires: 'SERVICE_ACCOUNT_KEYS_CREATE',
    run: async (h, a) =>
      h.gql(a.key, 'mutation($sa: ID!) { createApiKey(input: { serviceAccountId: $sa }) { key } }', {
        sa: (await h.actor('USER', { serviceAccount: true })).user.id,
      }),
  },
  {
    name: 'deleteApiKey (own)',
    field: 'deleteApiKey',
    requires: 'API_KEYS_MANAGE_OWN',
    run: async (h, a) =>
      h.gql(a.key, 'mutation($id: ID!) { deleteApiKey(id: $id) }', {
        id: (await inTransaction(h.db, (m) => issueApiKey(m, h.account, a.user))).apiKey.id,
      }),
  },
  {
    name: "deleteApiKey (another user's)",
    field: 'deleteApiKey',
    requires: 'API_KEYS_DELETE_ANY',
    run: async (h, a) => {
      const owner = (await h.actor('USER')).user;
      const issued = await inTransaction(h.db, (m) => issueApiKey(m, h.account, owner));
      return h.gql(a.key, 'mutation($id: ID!) { deleteApiKey(id: $id) }', { id: issued.apiKey.id });
    },
  },
  {
    name: 'runInference',
    field: 'runInference',
    requires: 'INFERENCE_EXECUTE',
    run: async (h, a, upstream) => {
      const deployment = await h.resource(Deployment, h.admin.user, { endpointUrl: upstream.url });
      return h.gql(
        a.key,
        'mutation($id: ID!) { runInference(deploymentId: $id, input: { messages: [{ role: "user", content: "hi" }] }) { text } }',
        { id: deployment.id },
      );
    },
  },
  ...RESOURCE_KINDS.flatMap((kind): Case[] => {
    const entity = RESOURCE_ENTITY[kind.type];
    const update = `mutation($id: ID!) { update${kind.type}(id: $id, input: { displayName: "renamed" }) { id } }`;
    const remove = `mutation($id: ID!) { delete${kind.type}(id: $id) }`;
    return [
      { name: kind.plural, field: kind.plural, requires: 'RESOURCES_VIEW', run: query(kind.plural, '{ totalCount }') },
      {
        name: kind.singular,
        field: kind.singular,
        requires: 'RESOURCES_VIEW',
        run: async (h, a) =>
          h.gql(a.key, `query($id: ID!) { ${kind.singular}(id: $id) { id } }`, {
            id: (await h.resource(entity, h.admin.user)).id,
          }),
      },
      {
        name: `create${kind.type}`,
        field: `create${kind.type}`,
        requires: 'RESOURCES_CREATE',
        run: async (h, a) =>
          h.gql(a.key, `mutation($input: Create${kind.type}Input!) { create${kind.type}(input: $input) { id } }`, {
            input: await createInput(h, kind.type),
          }),
      },
      {
        name: `update${kind.type} (own)`,
        field: `update${kind.type}`,
        requires: 'RESOURCES_MANAGE_OWN',
        run: async (h, a) => h.gql(a.key, update, { id: (await h.resource(entity, a.user)).id }),
      },
      {
        name: `update${kind.type} (another user's)`,
        field: `update${kind.type}`,
        requires: 'RESOURCES_MANAGE_ANY',
        run: async (h, a) => h.gql(a.key, update, { id: (await h.resource(entity, h.admin.user)).id }),
      },
      {
        name: `delete${kind.type} (own)`,
        field: `delete${kind.type}`,
        requires: 'RESOURCES_MANAGE_OWN',
        run: async (h, a) => h.gql(a.key, remove, { id: (await h.resource(entity, a.user)).id }),
      },
      {
        name: `delete${kind.type} (another user's)`,
        field: `delete${kind.type}`,
        requires: 'RESOURCES_MANAGE_ANY',
        run: async (h, a) => h.gql(a.key, remove, { id: (await h.resource(entity, h.admin.user)).id }),
      },
    ];
  }),
];

describe('every root field for every role, over HTTP', () => {
  let h: Harness;
  let upstream: FakeUpstream;
  beforeAll(async () => {
    h = await Harness.start({ granularRoles: true });
    upstream = await FakeUpstream.start();
  });
  afterAll(async () => {
    await h.stop();
    await upstream.stop();
  });

  it('covers every Query and Mutation field of the schema', () => {
    const schema = buildBareSchema();
    const rootFields = ['Query', 'Mutation'].flatMap((t) => {
      const type = schema.getType(t);
      return isObjectType(type) ? Object.keys(type.getFields()) : [];
    });
    expect([...new Set(CASES.map((c) => c.field))].sort()).toEqual(rootFields.sort());
  });

  const rows = ROLES.flatMap((role) => CASES.map((c) => [role, c.name, c] as const));
  it.each(rows)('%s: %s', async (role, _name, c) => {
    const actor = await h.actor(role);
    const { status, body } = await c.run(h, actor, upstream);
    expect(status).toBe(200);
    if (c.requires === null || contractAllows(role, c.requires)) {
      expect(body.errors).toBeUndefined();
      expect(body.data?.[c.field]).not.toBeNull();
    } else {
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]).toMatchObject({
        message: `requires ${c.requires}`,
        path: [c.field],
        extensions: { code: 'FORBIDDEN', permission: c.requires },
      });
      expect(body.data?.[c.field] ?? null).toBeNull();
    }
  });
});
