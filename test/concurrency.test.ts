import { Dataset, Deployment, Model, User } from '../src/entities';
import { Harness } from './helpers/harness';

describe('concurrent writers', () => {
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
});
