import { Dataset, Deployment, FineTuningJob } from '../src/entities';
import { Harness, type Actor } from './helpers/harness';
import { storeName, usingPostgres } from './helpers/store';

/** Relations load in batches: the SQL a page costs does not grow with its size. */
describe(`SQL per page (${storeName})`, () => {
  let h: Harness;
  let viewer: Actor;
  beforeAll(async () => {
    h = await Harness.start();
    viewer = await h.actor('CONTRIBUTOR');
    const creators = [viewer, await h.actor('USER'), await h.actor('CONTRIBUTOR')];
    for (let i = 0; i < 100; i++) {
      const creator = creators[i % creators.length].user;
      await h.resource(Deployment, creator, { id: `q${String(i).padStart(3, '0')}` });
      const dataset = await h.resource(Dataset, creator, { id: `q${String(i).padStart(3, '0')}` });
      await h.resource(FineTuningJob, creator, { id: `q${String(i).padStart(3, '0')}`, datasetPk: dataset.pk });
    }
  });
  afterAll(() => h.stop());

  /** Runs the query and counts the statements the store executed for it. */
  async function statements(query: string): Promise<number> {
    const logger = h.db.logger;
    let count = 0;
    const counting = Object.create(logger) as typeof logger;
    counting.logQuery = () => void count++;
    (h.db as { logger: typeof logger }).logger = counting;
    try {
      const { body } = await h.gql(viewer.key, query);
      expect(body.errors).toBeUndefined();
    } finally {
      (h.db as { logger: typeof logger }).logger = logger;
    }
    return count;
  }

  it("authenticates a known key with one read (its account's auth epoch), however often it is used", async () => {
    await h.gql(viewer.key, '{ viewer { role } }'); // loads the caller (and may write lastUsedAt)
    // On SQLite the epoch is read by a prepared statement of its own, which TypeORM's log does not see.
    const epochReads = usingPostgres ? 1 : 0;
    expect(await statements('{ viewer { role } }')).toBe(epochReads);
    expect(await statements('{ viewer { role user { email } } }')).toBe(epochReads);
  });

  it('does not grow with the page size, for creators, datasets and keys', async () => {
    const page = (n: number) => `{
      deployments(first: ${n}) { nodes { id viewerCanUpdate createdBy { id email } } }
      fineTuningJobs(first: ${n}) { nodes { id dataset { id createdBy { id } } } }
      users(first: ${n}) { nodes { id } }
      viewer { user { apiKeys { id owner { id } } } }
    }`;
    await h.gql(viewer.key, '{ viewer { role } }'); // the key's first use writes lastUsedAt; keep that out
    const small = await statements(page(10));
    const large = await statements(page(100));
    // DataLoader batches per tick; a page whose rows resolve over two ticks may take one more
    // batch. What must not happen is a query per row (that would be about 180 more here).
    expect(large).toBeLessThanOrEqual(small + 3);
    expect(small).toBeLessThan(20);
  });
});
