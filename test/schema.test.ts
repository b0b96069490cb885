import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildClientSchema,
  getIntrospectionQuery,
  graphql,
  isIntrospectionType,
  isObjectType,
  parse,
  validate,
  type IntrospectionQuery,
} from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { anyViewer, GUARDS, requires, type Guard, type GuardTree } from '../src/authz/guards';
import { withMatrixTable } from '../src/authz/matrix-table';
import { buildAuthorization, everySelectedFieldGuarded, guardTreeProblems, ruleMap } from '../src/authz/shield';
import { buildBareSchema, printSdl } from '../src/graphql/schema';
import { Harness } from './helpers/harness';

const root = join(__dirname, '..');

describe('the committed schema and docs', () => {
  it('schema/schema.graphql is the SDL the code produces (run `npm run generate`)', () => {
    expect(readFileSync(join(root, 'schema', 'schema.graphql'), 'utf8')).toBe(printSdl());
  });

  it('the README role-matrix table is generated from the matrix (run `npm run generate`)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toBe(withMatrixTable(readme));
  });

  it('records which guard protects every field (review this snapshot with every permission change)', () => {
    expect(ruleMap(GUARDS)).toMatchSnapshot();
  });
});

describe('start-up validation of the rule tree', () => {
  const schema = buildBareSchema();

  it('accepts the real guard tree', () => {
    expect(guardTreeProblems(schema, GUARDS)).toEqual([]);
  });

  it('refuses a guard for a field or type the schema lacks', () => {
    const typo: GuardTree = { ...GUARDS, Deployment: { ...GUARDS.Deployment, endpointURL: requires('USERS_MANAGE') } };
    expect(guardTreeProblems(schema, typo)).toEqual([
      'guards name field Deployment.endpointURL, which the schema does not have',
    ]);
    expect(guardTreeProblems(schema, { ...GUARDS, Deploymnet: { '*': anyViewer } })).toEqual([
      'guards name type Deploymnet, which the schema does not have',
    ]);
    expect(() => buildAuthorization(schema, typo)).toThrow(/Deployment\.endpointURL/);
  });

  it('refuses a root field or object type without a guard', () => {
    const { createUser: _removed, ...mutations } = GUARDS.Mutation;
    const { Dataset: _dataset, ...rest } = GUARDS;
    expect(guardTreeProblems(schema, { ...rest, Mutation: mutations })).toEqual(
      expect.arrayContaining(['root field Mutation.createUser has no guard', 'object type Dataset has no guards']),
    );
    expect(guardTreeProblems(schema, { ...GUARDS, Query: { ...GUARDS.Query, '*': anyViewer } })).toEqual([
      "Query must guard each field on its own, not with '*'",
    ]);
  });
});

describe('applying the guards', () => {
  const schema = buildBareSchema();
  const { middleware, guarded } = buildAuthorization(schema, GUARDS);

  it('knows a guard for every field of every object type', () => {
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || isIntrospectionType(type)) continue;
      for (const field of Object.keys(type.getFields())) expect(guarded).toContain(`${type.name}.${field}`);
    }
  });

  it('wraps the fields a guard could deny, and leaves fields open to every valid key unwrapped', () => {
    expect(Object.keys(middleware.Query)).toEqual(expect.arrayContaining(['users', 'apiKeys', 'deployments']));
    expect(middleware.Query.viewer).toBeUndefined();
    expect(Object.keys(middleware.Deployment)).toEqual(expect.arrayContaining(['id', 'endpointUrl', 'createdBy']));
    expect(Object.keys(middleware.User)).toEqual(['apiKeys']);
    expect(middleware.Viewer).toBeUndefined();
  });

  it('refuses, before execution, an operation that selects a field without a guard, however it is reached', () => {
    const without = (name: string) => new Set([...guarded].filter((f) => f !== name));
    const errors = (set: ReadonlySet<string>, query: string) =>
      validate(schema, parse(query), [everySelectedFieldGuarded(set)]).map((e) => e.message);
    expect(errors(guarded, '{ deployments { nodes { id endpointUrl } } }')).toEqual([]);
    expect(errors(without('Deployment.endpointUrl'), '{ deployments { nodes { id endpointUrl } } }')).toEqual([
      'access denied: Deployment.endpointUrl has no guard',
    ]);
    // Through an interface, every type the selection could resolve to needs a guard.
    expect(errors(without('Model.id'), '{ deployments { nodes { ... on Resource { id } } } }')).toEqual([
      'access denied: Model.id has no guard',
    ]);
    expect(errors(without('Viewer.role'), '{ __schema { queryType { name } } viewer { role } }')).toEqual([
      'access denied: Viewer.role has no guard',
    ]);
  });

  describe('executing', () => {
    const viewer = (role: string) => ({
      user: { pk: 'u', role, serviceAccount: false },
      account: { pk: 'a', id: 'acme', granularRolesEnabled: true },
      apiKey: { id: 'k' },
    });
    const run = (tree: GuardTree, role: string, source: string) => {
      const applied = buildAuthorization(schema, tree);
      return graphql({
        schema: applyMiddleware(schema, applied.middleware as never),
        source,
        contextValue: { viewer: viewer(role), executed: { mutations: new Map(), denials: new Map() } },
      });
    };

    it('answers a denial with FORBIDDEN naming the permission, at the field', async () => {
      const tree = { ...GUARDS, Query: { ...GUARDS.Query, roleMatrix: requires('USERS_MANAGE') } };
      const denied = await run(tree, 'INFERENCE_USER', '{ roleMatrix { role } }');
      expect(denied.errors?.map((e) => [e.message, e.path, e.extensions])).toEqual([
        ['requires USERS_MANAGE', ['roleMatrix'], { code: 'FORBIDDEN', permission: 'USERS_MANAGE' }],
      ]);
      const allowed = await run(tree, 'ADMIN', '{ roleMatrix { role } }');
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data?.roleMatrix).toHaveLength(4);
    });

    it('denies, never passes, when a guard itself fails', async () => {
      const broken: Guard = {
        summary: 'broken',
        scope: 'object',
        check: () => {
          throw new Error('a bug in a guard');
        },
      };
      const tree = { ...GUARDS, RoleGrant: { '*': anyViewer, assignable: broken } };
      const result = await run(tree, 'ADMIN', '{ roleMatrix { role assignable } }');
      expect(result.data).toBeNull();
      expect(result.errors?.map((e) => [e.message, e.extensions.code])).toContainEqual(['access denied', 'FORBIDDEN']);
    });
  });
});

describe('introspection', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.stop());

  it('works with any valid key and yields a client schema with every operation of the contract', async () => {
    const inference = await h.actor('INFERENCE_USER');
    const { status, body } = await h.gql(inference.key, getIntrospectionQuery({ descriptions: true }));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const client = buildClientSchema(body.data as unknown as IntrospectionQuery);
    const fields = (name: string) => {
      const type = client.getType(name);
      return isObjectType(type) ? Object.keys(type.getFields()) : [];
    };
    const kinds = ['Deployment', 'Model', 'Dataset', 'FineTuningJob'];
    expect(fields('Query')).toEqual(
      expect.arrayContaining([
        'viewer',
        'roleMatrix',
        'users',
        'user',
        'apiKeys',
        'deployments',
        'deployment',
        'models',
        'model',
        'datasets',
        'dataset',
        'fineTuningJobs',
        'fineTuningJob',
      ]),
    );
    expect(fields('Mutation')).toEqual(
      expect.arrayContaining([
        'createUser',
        'updateUser',
        'deleteUser',
        'createApiKey',
        'deleteApiKey',
        'runInference',
        ...kinds.flatMap((k) => [`create${k}`, `update${k}`, `delete${k}`]),
      ]),
    );
    expect(fields('Viewer')).toEqual(expect.arrayContaining(['user', 'account', 'role', 'permissions', 'apiKey']));
    expect(fields('User')).toEqual(
      expect.arrayContaining(['id', 'name', 'email', 'role', 'serviceAccount', 'apiKeys']),
    );
    expect(fields('ApiKey')).toEqual(
      expect.arrayContaining(['prefix', 'owner', 'expiresAt', 'lastUsedAt', 'viewerCanDelete']),
    );
    expect(fields('Deployment')).not.toContain('upstreamApiKey');
    expect(fields('ApiKey')).not.toContain('secretHash');

    // Tooling sees each guard's requirement in the field's description.
    const deployment = client.getType('Deployment');
    expect(isObjectType(deployment) && deployment.getFields().endpointUrl.description).toMatch(/RESOURCES_MANAGE_ANY/);
    const mutation = client.getMutationType()!.getFields();
    expect(mutation.createUser.description).toContain('requires USERS_MANAGE');
    expect(mutation.createApiKey.description).toContain('SERVICE_ACCOUNT_KEYS_CREATE');
  });
});
