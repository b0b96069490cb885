import { getIntrospectionQuery } from 'graphql';
import { AuditEvent } from '../src/entities';
import { LIMITS, limitsFromEnv } from '../src/graphql/limits';
import { Harness, type Actor } from './helpers/harness';
import { storeName } from './helpers/store';

/** Each operation limit just under and just over, on a server with small limits. */
describe(`operation limits (${storeName})`, () => {
  let h: Harness;
  let user: Actor;
  let audited: number;
  beforeAll(async () => {
    h = await Harness.start({ limits: { maxDepth: 4, maxAliases: 3, maxDirectives: 2, maxTokens: 60, maxCost: 300 } });
    user = await h.actor('USER');
    audited = await h.db.getRepository(AuditEvent).count();
  });
  afterEach(async () => {
    expect((await h.gql(user.key, '{ viewer { role } }')).status).toBe(200);
    // Refused before execution: nothing ran, so nothing was written or audited.
    expect(await h.db.getRepository(AuditEvent).count()).toBe(audited);
  });
  afterAll(() => h.stop());

  const refused = async (query: string, pattern: RegExp) => {
    const { status, body } = await h.gql(user.key, query);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors![0].message).toMatch(pattern);
    // A limit checked on the parsed document is not a syntax error, whatever graphql-armor calls it.
    if (body.errors![0].extensions?.code === 'GRAPHQL_VALIDATION_FAILED') {
      expect(body.errors![0].message).not.toMatch(/^Syntax Error/);
    }
  };
  const accepted = async (query: string) => {
    const { body } = await h.gql(user.key, query);
    expect(body.errors).toBeUndefined();
  };

  it('depth', async () => {
    await accepted('{ viewer { user { apiKeys { id } } } }');
    await refused('{ viewer { user { apiKeys { owner { id } } } } }', /depth limit of 4/i);
  });

  it('aliases', async () => {
    await accepted('{ a: viewer { role } b: viewer { role } c: viewer { role } }');
    await refused(
      '{ a: viewer { role } b: viewer { role } c: viewer { role } d: viewer { role } }',
      /aliases limit of 3/i,
    );
  });

  it('directives', async () => {
    await accepted('{ viewer { role @include(if: true) id: role @skip(if: false) } }');
    await refused(
      '{ viewer { role @include(if: true) a: role @skip(if: false) b: role @include(if: true) } }',
      /directives limit of 2/i,
    );
  });

  it('tokens', async () => {
    await accepted(`{ viewer { ${'role '.repeat(50)} } }`);
    await refused(`{ viewer { ${'role '.repeat(60)} } }`, /more that 60 tokens/);
  });

  it('cost, where a page size multiplies what is under it', async () => {
    await accepted('{ deployments(first: 10) { nodes { id model } } }');
    await refused('{ deployments(first: 100) { nodes { id model } } }', /cost limit of 300/i);
  });
});

describe('default limits', () => {
  let h: Harness;
  let user: Actor;
  beforeAll(async () => {
    h = await Harness.start();
    user = await h.actor('INFERENCE_USER');
  });
  afterAll(() => h.stop());

  it('let a full introspection query and a 100-row page with every field through', async () => {
    expect((await h.gql(user.key, getIntrospectionQuery({ descriptions: true }))).body.errors).toBeUndefined();
    const page = await h.gql(
      user.key,
      '{ deployments(first: 100) { totalCount nodes { id name displayName model state minReplicas maxReplicas endpointUrl createdAt updatedAt viewerCanUpdate viewerCanDelete createdBy { id email } } pageInfo { hasNextPage endCursor } } }',
    );
    expect(page.status).toBe(200);
    expect(page.body.data!.deployments.totalCount).toBe(0);
  });

  it('refuse a 12-level nest of keys and owners', async () => {
    let selection = 'id';
    while (selection.split('{').length - 1 < 10) selection = `apiKeys { owner { ${selection} } }`;
    const query = `{ viewer { user { ${selection} } } }`;
    expect(query.split('{').length - 1).toBeGreaterThanOrEqual(12);
    const { status, body } = await h.gql(user.key, query);
    expect(status).toBe(400);
    expect(body.errors![0].message).toMatch(/depth limit of 10/i);
  });

  it('are configurable through the environment, and refuse nonsense', () => {
    expect(limitsFromEnv({ ROLEGATE_MAX_DEPTH: '7' }).maxDepth).toBe(7);
    expect(limitsFromEnv({}).maxDepth).toBe(LIMITS.maxDepth.default);
    expect(() => limitsFromEnv({ ROLEGATE_MAX_ALIASES: 'lots' })).toThrow(
      /ROLEGATE_MAX_ALIASES must be a positive integer/,
    );
  });
});
