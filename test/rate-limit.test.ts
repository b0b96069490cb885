import { spawnSync } from 'node:child_process';
import { Harness } from './helpers/harness';
import { gql } from './helpers/harness';
import { killServers, serve } from './helpers/cli';
import { createTestStore, storeName, type TestStore } from './helpers/store';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`rate limits (${storeName})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ rateLimits: { points: 60, windowSeconds: 2, authFailures: 5 } });
  });
  afterAll(() => h.stop());

  it('counts cost, not requests: answers 429 with Retry-After and RateLimit headers, then recovers', async () => {
    const user = await h.actor('USER');
    const cheap = await h.gql(user.key, '{ viewer { role } }');
    const remainingAfterCheap = Number(cheap.headers.get('ratelimit-remaining'));
    expect(cheap.headers.get('ratelimit-limit')).toBe('60');
    const aliases = Array.from({ length: 5 }, (_, i) => `a${i}: viewer { role }`).join(' ');
    const flood = await h.gql(user.key, `{ ${aliases} }`);
    const spentOnFlood = remainingAfterCheap - Number(flood.headers.get('ratelimit-remaining'));
    expect(spentOnFlood).toBeGreaterThanOrEqual(5 * (60 - remainingAfterCheap));

    let refused;
    for (let i = 0; i < 100 && !refused; i++) {
      const res = await h.gql(user.key, `{ ${aliases} }`);
      if (res.status === 429) refused = res;
    }
    expect(refused).toBeDefined();
    expect(refused!.body.errors![0].extensions).toEqual({ code: 'RATE_LIMITED' });
    const retryAfter = Number(refused!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused!.headers.get('ratelimit-remaining')).toBe('0');

    // Another key is not affected.
    const other = await h.actor('USER');
    expect((await h.gql(other.key, '{ viewer { role } }')).status).toBe(200);

    await sleep(retryAfter * 1000 + 100);
    expect((await h.gql(user.key, '{ viewer { role } }')).status).toBe(200);
  });

  it('refuses a mutation over the limit without running it', async () => {
    const user = await h.actor('USER');
    const models = Array.from(
      { length: 12 },
      (_, i) =>
        `m${i}: createModel(input: { id: "rl-${i}" }) { id name displayName createdAt updatedAt viewerCanUpdate viewerCanDelete }`,
    );
    const res = await h.gql(user.key, `mutation { ${models.join(' ')} }`);
    expect(res.status).toBe(429);
    expect(await h.db.getRepository('Model').countBy({ createdByPk: user.user.pk })).toBe(0);
  });

  it('answers repeated failed authentications from one address with 429, but never locks out a valid key', async () => {
    await sleep(2100);
    for (let i = 0; i < 5; i++) expect((await h.gql('rg_guess', '{ viewer { role } }')).status).toBe(401);
    const blocked = await h.gql('rg_guess', '{ viewer { role } }');
    expect(blocked.status).toBe(429);
    expect(blocked.body.errors![0].extensions).toEqual({ code: 'RATE_LIMITED' });
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    // Someone else behind the same address, with a valid key, is served meanwhile.
    expect((await h.gql(h.admin.key, '{ viewer { role } }')).status).toBe(200);
    await sleep(Number(blocked.headers.get('retry-after')) * 1000 + 100);
    expect((await h.gql('rg_guess', '{ viewer { role } }')).status).toBe(401);
  });
});

const REDIS_URL = process.env.ROLEGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether Redis answers (checked synchronously: jest chooses tests before any await). */
function redisReachable(url: string): boolean {
  const { hostname, port } = new URL(url);
  const probe = `require('net').connect(${Number(port) || 6379}, '${hostname}').on('connect', () => process.exit(0)).on('error', () => process.exit(1)); setTimeout(() => process.exit(1), 1500);`;
  return spawnSync(process.execPath, ['-e', probe]).status === 0;
}

// Like PostgreSQL: required under CI, skipped with a printed reason on a machine without Redis.
const redisUp = redisReachable(REDIS_URL);
if (!redisUp && !process.env.CI) {
  console.log(
    `Redis rate-limit test skipped: nothing answers at ${REDIS_URL} (set ROLEGATE_TEST_REDIS_URL to run it).`,
  );
}
const withRedis = redisUp || process.env.CI ? describe : describe.skip;

withRedis('rate limits shared through Redis by two processes', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore();
  });
  afterAll(async () => {
    await killServers();
    await store.drop();
  });

  it('lets a key spend its budget once across both instances', async () => {
    const env = {
      ...store.env,
      REDIS_URL,
      ROLEGATE_RATE_LIMIT_POINTS: '40',
      ROLEGATE_RATE_LIMIT_WINDOW_SECONDS: '30',
    };
    const a = await serve(env);
    const b = await serve(env);
    const key = /Admin API key[^:]*: (rg_\w+)/.exec(a.stdout())![1];
    const first = await gql(a.url, key, '{ viewer { role } }');
    const cost = 40 - Number(first.headers.get('ratelimit-remaining'));
    let served = 1;
    for (let i = 0; i < 100; i++) {
      const res = await gql(i % 2 ? a.url : b.url, key, '{ viewer { role } }');
      if (res.status === 429) break;
      served++;
    }
    // One shared budget: 40 points in all, not 40 per instance.
    expect(served).toBe(Math.floor(40 / cost));
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
  });
});
