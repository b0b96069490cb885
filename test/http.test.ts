import { Harness, type Actor } from './helpers/harness';
import { storeName } from './helpers/store';

/** GraphQL over HTTP: methods, media types, sizes and headers. After each: still serving, nothing written. */
describe(`GraphQL over HTTP (${storeName})`, () => {
  let h: Harness;
  let user: Actor;
  let counts: unknown;
  const COUNTS = '{ users { totalCount } models { totalCount } apiKeys(allUsers: true) { totalCount } }';
  beforeAll(async () => {
    process.env.ROLEGATE_CORS_ORIGINS = 'https://app.example';
    h = await Harness.start();
    delete process.env.ROLEGATE_CORS_ORIGINS;
    user = await h.actor('USER');
    counts = (await h.gql(h.admin.key, COUNTS)).body;
  });
  afterEach(async () => {
    expect((await h.gql(user.key, '{ viewer { role } }')).body).toEqual({ data: { viewer: { role: 'USER' } } });
    expect((await h.gql(h.admin.key, COUNTS)).body).toEqual(counts);
  });
  afterAll(() => h.stop());

  const auth = () => ({ authorization: `Bearer ${user.key}` });
  const request = (init: RequestInit & { path?: string }) => fetch(h.url + (init.path ?? ''), init);
  const code = async (res: Response) =>
    ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code;

  it('answers a query by GET (with a CSRF-safe header), and refuses a mutation by GET with 405', async () => {
    const q = encodeURIComponent('{ viewer { role } }');
    const ok = await request({ path: `?query=${q}`, headers: { ...auth(), 'apollo-require-preflight': 'true' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { viewer: { role: 'USER' } } });
    const csrf = await request({ path: `?query=${q}`, headers: auth() });
    expect(csrf.status).toBe(400);
    const m = encodeURIComponent('mutation { createModel(input: { id: "by-get" }) { id } }');
    const mutation = await request({ path: `?query=${m}`, headers: { ...auth(), 'apollo-require-preflight': 'true' } });
    expect(mutation.status).toBe(405);
  });

  it('refuses other methods with 405 and Allow', async () => {
    const res = await request({
      method: 'PUT',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(await code(res)).toBe('METHOD_NOT_ALLOWED');
  });

  it('refuses a body that is not JSON with 415, but only after checking the key', async () => {
    const body = JSON.stringify({ query: 'mutation { createModel(input: { id: "plain" }) { id } }' });
    const plain = await request({ method: 'POST', headers: { ...auth(), 'content-type': 'text/plain' }, body });
    expect(plain.status).toBe(415);
    expect(await code(plain)).toBe('UNSUPPORTED_MEDIA_TYPE');
    const form = await request({
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=x',
    });
    expect(form.status).toBe(415);
    for (const headers of <Record<string, string>[]>[
      { 'content-type': 'application/json; charset=latin1' },
      { 'content-type': 'application/json', 'content-encoding': 'compress' },
    ]) {
      const other = await request({ method: 'POST', headers: { ...auth(), ...headers }, body });
      expect([other.status, await code(other)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    }
    const anonymous = await request({ method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    expect(anonymous.status).toBe(401);
  });

  it('answers 406 to a client that accepts neither JSON type', async () => {
    const res = await request({
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json', accept: 'text/html' },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    expect(res.status).toBe(406);
  });

  it('uses the GraphQL-over-HTTP status codes for application/graphql-response+json', async () => {
    const post = (query: string) =>
      request({
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query }),
      });
    const ok = await post('{ viewer { role } }');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect((await post('{ viewer { nope } }')).status).toBe(400);
    expect((await post('{ viewer {')).status).toBe(400);
  });

  it('refuses a body over the limit with 413, a batch with 400, and malformed JSON with 400', async () => {
    const big = JSON.stringify({ query: `{ viewer { role } } # ${'x'.repeat(1_100_000)}` });
    const tooBig = await request({
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: big,
    });
    expect(tooBig.status).toBe(413);
    const batch = await request({
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ viewer { role } }' }, { query: 'mutation { createModel(input: {}) { id } }' }]),
    });
    expect(batch.status).toBe(400);
    const broken = await request({
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(broken.status).toBe(400);
    expect(await code(broken)).toBe('BAD_USER_INPUT');
    const empty = await request({
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: '',
    });
    expect(empty.status).toBe(400);
  });

  it('marks every response no-store and nosniff, refusals included', async () => {
    for (const res of [
      await request({
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ viewer { role } }' }),
      }),
      await request({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      await fetch(h.url.replace('/graphql', '/healthz')),
    ]) {
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('allows CORS for the configured origins only', async () => {
    const preflight = (origin: string) =>
      request({
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight('https://app.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
