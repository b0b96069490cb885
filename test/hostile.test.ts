import { getIntrospectionQuery } from 'graphql';
import { Harness, type Actor } from './helpers/harness';
import { storeName } from './helpers/store';

/** Inputs an attacker (or a buggy client) sends. Each gets a coded error, and the server keeps serving. */
describe(`hostile requests (${storeName})`, () => {
  let h: Harness;
  let inference: Actor;
  beforeAll(async () => {
    h = await Harness.start();
    inference = await h.actor('INFERENCE_USER');
    for (let i = 0; i < 5; i++) await h.keyFor(inference.user);
  });
  afterEach(async () => {
    const alive = await h.gql(h.admin.key, '{ viewer { role } }');
    expect(alive.body).toEqual({ data: { viewer: { role: 'ADMIN' } } });
  });
  afterAll(() => h.stop());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('refuses exponential nesting through keys and owners before running it', async () => {
    let selection = 'id';
    for (let i = 0; i < 5; i++) selection = `id owner { apiKeys { ${selection} } }`;
    const { status, body } = await h.gql(inference.key, `{ viewer { user { apiKeys { ${selection} } } } }`);
    expect(status).toBe(400);
    expect(body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors![0].message).toMatch(/depth/i);
    expect(body.data).toBeUndefined();
  });

  it('refuses a nest of unpaged key lists by cost, before running it', async () => {
    const query =
      '{ viewer { user { apiKeys { owner { apiKeys { owner { apiKeys { owner { apiKeys { id } } } } } } } } } }';
    const { status, body } = await h.gql(inference.key, query);
    expect(status).toBe(400);
    expect(body.errors![0].message).toMatch(/cost limit of 50000 exceeded/i);
  });

  it('caps the live keys a user may hold', async () => {
    const user = await h.actor('USER');
    for (let i = 0; i < 99; i++) await h.keyFor(user.user);
    const { body } = await h.gql(user.key, 'mutation { createApiKey(input: {}) { key } }');
    expect(body.errors![0]).toMatchObject({ extensions: { code: 'FAILED_PRECONDITION' } });
    expect((await h.gql(user.key, '{ apiKeys { totalCount } }')).body.data!.apiKeys.totalCount).toBe(100);
  });

  it('answers a subscription with a coded refusal', async () => {
    const { status, body } = await h.gql(inference.key, 'subscription { __typename }');
    expect(status).toBe(400);
    expect(body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('survives variables nested far deeper than any stack', async () => {
    const depth = 100_000;
    const body = `{"query":"{ viewer { role } }","variables":{"x":${'['.repeat(depth)}"x"${']'.repeat(depth)}}}`;
    const res = await post(body, { authorization: `Bearer ${inference.key}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { viewer: { role: 'INFERENCE_USER' } } });
  });

  it.each([
    ['a float page size', 'query($f: Int) { deployments(first: $f) { totalCount } }', { f: 1.5 }],
    ['a string for a boolean', 'query($a: Boolean) { apiKeys(allUsers: $a) { totalCount } }', { a: 'true' }],
    ['a missing required variable', 'query($id: ID!) { deployment(id: $id) { id } }', {}],
    [
      'an unknown input field',
      'mutation($i: CreateModelInput!) { createModel(input: $i) { id } }',
      { i: { id: 'x', bogus: 1 } },
    ],
  ])('answers BAD_USER_INPUT for %s in variables', async (_what, query, variables) => {
    const { body } = await h.gql(inference.key, query, variables);
    expect(body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('refuses an alias flood', async () => {
    const aliases = Array.from({ length: 5000 }, (_, i) => `a${i}: roleMatrix { role }`).join(' ');
    const { status, body } = await h.gql(inference.key, `{ ${aliases} }`);
    expect(status).toBe(400);
    expect(body.errors![0].extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(body.errors![0].message).toMatch(/more that 5000 tokens/);
  });

  it('lets a full introspection query through', async () => {
    const { body } = await h.gql(inference.key, getIntrospectionQuery({ descriptions: true, specifiedByUrl: true }));
    expect(body.errors).toBeUndefined();
  });

  it('refuses deeply nested query text without internal messages', async () => {
    const { body } = await h.gql(inference.key, '{a'.repeat(10_000) + '}'.repeat(10_000));
    expect(body.errors![0].extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(JSON.stringify(body)).not.toMatch(/stack|Maximum call/i);
  });

  it.each([
    ['a NUL in a cursor', 'query($a: String) { users(after: $a) { totalCount } }', { a: 'aWQ6AA' }],
    [
      'a NUL in a variable',
      'mutation($n: String) { createApiKey(input: { displayName: $n }) { key } }',
      { n: 'a\u0000b' },
    ],
    ['a NUL in a literal', 'mutation { createApiKey(input: { displayName: "a\\u0000b" }) { key } }', {}],
    [
      'an unpaired surrogate',
      'mutation($n: String) { createApiKey(input: { displayName: $n }) { key } }',
      { n: '\ud800x' },
    ],
  ])('answers BAD_USER_INPUT for %s, on every store', async (_what, query, variables) => {
    const before = await h.gql(inference.key, '{ apiKeys { totalCount } }');
    const { body } = await h.gql(inference.key, query, variables);
    expect(body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(await h.gql(inference.key, '{ apiKeys { totalCount } }')).toMatchObject({ body: before.body });
  });

  it('answers BAD_USER_INPUT for a literal of the wrong type or an unknown role, with no suggestions', async () => {
    const { body } = await h.gql(h.admin.key, 'mutation { updateUser(id: "admin", input: { role: ADMN }) { id } }');
    expect(body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(body.errors![0].message).not.toMatch(/Did you mean/);
    const big = await h.gql(h.admin.key, '{ users(first: 2.5) { totalCount } }');
    expect(big.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    const typo = await h.gql(h.admin.key, '{ viewer { rol } }');
    expect(typo.body.errors![0].message).toBe('Cannot query field "rol" on type "Viewer".');
  });

  it('answers persisted-query requests with a coded refusal, not an internal error', async () => {
    const res = await post(
      JSON.stringify({
        query: '{ viewer { role } }',
        extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } },
      }),
      { authorization: `Bearer ${inference.key}` },
    );
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
  });

  it('answers 401 before reading the body of a caller without a valid key', async () => {
    const res = await post('{not json', { authorization: 'Bearer rg_x' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const keyed = await post('{not json', { authorization: `Bearer ${inference.key}` });
    expect(keyed.status).toBe(400);
    expect(((await keyed.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('does not list expired keys', async () => {
    const user = await h.actor('USER');
    await h.keyFor(user.user, h.account, new Date(Date.now() + 300));
    await new Promise((r) => setTimeout(r, 400));
    const { body } = await h.gql(user.key, '{ apiKeys { totalCount } viewer { user { apiKeys { id } } } }');
    expect(body.data!.apiKeys.totalCount).toBe(1);
    expect(body.data!.viewer.user.apiKeys).toHaveLength(1);
  });
});

describe(`a failing store (${storeName})`, () => {
  it('answers INTERNAL_SERVER_ERROR with no driver text, SQL or stack trace, whatever NODE_ENV says', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    const h = await Harness.start();
    try {
      await h.db.query('DROP TABLE models');
      const { status, body } = await h.gql(h.admin.key, '{ models { totalCount } viewer { role } }');
      expect(status).toBe(200);
      expect(body).toEqual({
        data: null,
        errors: [{ message: 'Internal server error', path: ['models'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      });
    } finally {
      process.env.NODE_ENV = previous;
      await h.stop();
    }
  });
});
