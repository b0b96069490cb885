import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientSchema, getIntrospectionQuery, isObjectType, type IntrospectionQuery } from 'graphql';
import { anyViewer, GUARDS, requires, type GuardTree } from '../src/authz/guards';
import { withMatrixTable } from '../src/authz/matrix-table';
import { buildShield, guardTreeProblems, ruleMap } from '../src/authz/shield';
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
    expect(() => buildShield(schema, typo)).toThrow(/Deployment\.endpointURL/);
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
