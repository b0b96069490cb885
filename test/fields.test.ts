import { Dataset, Deployment, FineTuningJob } from '../src/entities';
import { Harness, type Actor } from './helpers/harness';

/** Field-level rules, judged per object, from the root and through nested paths. */
describe('field-level authorization', () => {
  let h: Harness;
  let contributor: Actor;
  let other: Actor;
  beforeAll(async () => {
    h = await Harness.start();
    contributor = await h.actor('CONTRIBUTOR');
    other = await h.actor('CONTRIBUTOR');
  });
  afterAll(() => h.stop());

  it('judges each row of a list with mixed ownership on its own', async () => {
    const mine = [
      await h.resource(Deployment, contributor.user, { id: 'mixed-a', endpointUrl: 'https://a.example/v1' }),
      await h.resource(Deployment, contributor.user, { id: 'mixed-c', endpointUrl: 'https://c.example/v1' }),
    ];
    const theirs = [
      await h.resource(Deployment, other.user, { id: 'mixed-b', endpointUrl: 'https://b.example/v1' }),
      await h.resource(Deployment, other.user, { id: 'mixed-d', endpointUrl: 'https://d.example/v1' }),
    ];
    const { body } = await h.gql(
      contributor.key,
      '{ deployments(first: 100) { nodes { id endpointUrl viewerCanUpdate viewerCanDelete createdBy { id } } } }',
    );
    const nodes = body.data!.deployments.nodes.filter((n: { id: string }) => n.id.startsWith('mixed-'));
    expect(nodes).toEqual([
      {
        id: 'mixed-a',
        endpointUrl: 'https://a.example/v1',
        viewerCanUpdate: true,
        viewerCanDelete: true,
        createdBy: { id: contributor.user.id },
      },
      {
        id: 'mixed-b',
        endpointUrl: null,
        viewerCanUpdate: false,
        viewerCanDelete: false,
        createdBy: { id: other.user.id },
      },
      {
        id: 'mixed-c',
        endpointUrl: 'https://c.example/v1',
        viewerCanUpdate: true,
        viewerCanDelete: true,
        createdBy: { id: contributor.user.id },
      },
      {
        id: 'mixed-d',
        endpointUrl: null,
        viewerCanUpdate: false,
        viewerCanDelete: false,
        createdBy: { id: other.user.id },
      },
    ]);
    const all = body.data!.deployments.nodes as { id: string }[];
    const denied = body.errors!.filter((e) => e.path?.[3] === 'endpointUrl');
    expect(denied.map((e) => all[e.path![2] as number].id).sort()).toEqual(theirs.map((d) => d.id).sort());
    for (const error of denied) {
      expect(error.extensions).toEqual({ code: 'FORBIDDEN', permission: 'RESOURCES_MANAGE_ANY' });
    }
    expect(mine).toHaveLength(2);
  });

  it('lets a USER (RESOURCES_MANAGE_ANY) read every endpoint, and an INFERENCE_USER none', async () => {
    await h.resource(Deployment, contributor.user, { endpointUrl: 'https://e.example/v1' });
    const user = await h.actor('USER');
    const asUser = await h.gql(user.key, '{ deployments(first: 100) { nodes { endpointUrl } } }');
    expect(asUser.body.errors).toBeUndefined();
    const inference = await h.actor('INFERENCE_USER');
    const asInference = await h.gql(inference.key, '{ deployments(first: 100) { nodes { id endpointUrl } } }');
    const nodes = asInference.body.data!.deployments.nodes as { id: string; endpointUrl: string | null }[];
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((n) => n.endpointUrl === null && n.id)).toBe(true);
    expect(asInference.body.errors).toHaveLength(nodes.length);
  });

  it('guards Dataset.sourceUri the same through a fine-tuning job as from the root', async () => {
    const dataset = await h.resource(Dataset, other.user, { sourceUri: 's3://secret/data.jsonl' });
    const job = await h.resource(FineTuningJob, contributor.user, { datasetPk: dataset.pk });
    const nested = await h.gql(
      contributor.key,
      'query($id: ID!) { fineTuningJob(id: $id) { id viewerCanUpdate dataset { id sourceUri } } }',
      { id: job.id },
    );
    expect(nested.body.data).toEqual({
      fineTuningJob: { id: job.id, viewerCanUpdate: true, dataset: { id: dataset.id, sourceUri: null } },
    });
    expect(nested.body.errors).toEqual([
      expect.objectContaining({
        path: ['fineTuningJob', 'dataset', 'sourceUri'],
        extensions: { code: 'FORBIDDEN', permission: 'RESOURCES_MANAGE_ANY' },
      }),
    ]);
    const root = await h.gql(contributor.key, 'query($id: ID!) { dataset(id: $id) { sourceUri } }', { id: dataset.id });
    expect(root.body.data).toEqual({ dataset: { sourceUri: null } });
    const owner = await h.gql(other.key, 'query($id: ID!) { fineTuningJob(id: $id) { dataset { sourceUri } } }', {
      id: job.id,
    });
    expect(owner.body).toEqual({ data: { fineTuningJob: { dataset: { sourceUri: 's3://secret/data.jsonl' } } } });
  });

  it('reports a denial at every path that reaches the same object, each at its own place', async () => {
    const dataset = await h.resource(Dataset, other.user, { sourceUri: 's3://secret/twice.jsonl' });
    const jobs = [
      await h.resource(FineTuningJob, contributor.user, { datasetPk: dataset.pk }),
      await h.resource(FineTuningJob, contributor.user, { datasetPk: dataset.pk }),
    ];
    const { body } = await h.gql(
      contributor.key,
      `query($d: ID!, $j0: ID!, $j1: ID!) {
        x: dataset(id: $d) { sourceUri }
        y: dataset(id: $d) { ... on Resource { id } sourceUri again: sourceUri }
        j0: fineTuningJob(id: $j0) { dataset { sourceUri } }
        j1: fineTuningJob(id: $j1) { dataset { sourceUri } }
      }`,
      { d: dataset.id, j0: jobs[0].id, j1: jobs[1].id },
    );
    const paths = [
      ['x', 'sourceUri'],
      ['y', 'sourceUri'],
      ['y', 'again'],
      ['j0', 'dataset', 'sourceUri'],
      ['j1', 'dataset', 'sourceUri'],
    ];
    expect(body.errors!.map((e) => e.path)).toEqual(expect.arrayContaining(paths));
    expect(body.errors).toHaveLength(paths.length);
    // Each error points at its own field in the query text, too.
    expect(new Set(body.errors!.map((e) => JSON.stringify(e.locations))).size).toBe(paths.length);
  });

  it("shows a user's keys to themself and to admins only, however the user is reached", async () => {
    const paths = [
      ['{ viewer { user { apiKeys { id } } } }', null],
      ['query($id: ID!) { user(id: $id) { apiKeys { id } } }', 'API_KEYS_DELETE_ANY'],
      ['{ users(first: 100) { nodes { id apiKeys { id } } } }', 'API_KEYS_DELETE_ANY'],
      ['{ apiKeys { nodes { owner { apiKeys { id } } } } }', null],
    ] as const;
    const dep = await h.resource(Deployment, h.admin.user);
    for (const [query, deniedWith] of paths) {
      const { body } = await h.gql(contributor.key, query, { id: h.admin.user.id });
      if (deniedWith === null) {
        expect(body.errors).toBeUndefined();
      } else {
        expect(body.errors!.length).toBeGreaterThan(0);
        for (const e of body.errors!) expect(e.extensions).toEqual({ code: 'FORBIDDEN', permission: deniedWith });
      }
      const asAdmin = await h.gql(h.admin.key, query, { id: contributor.user.id });
      expect(asAdmin.body.errors).toBeUndefined();
    }
    const viaCreator = await h.gql(
      contributor.key,
      'query($id: ID!) { deployment(id: $id) { createdBy { apiKeys { id } } } }',
      {
        id: dep.id,
      },
    );
    expect(viaCreator.body.data).toEqual({ deployment: { createdBy: { apiKeys: null } } });
    expect(viaCreator.body.errors![0].extensions).toEqual({ code: 'FORBIDDEN', permission: 'API_KEYS_DELETE_ANY' });
  });

  it('never returns a deployment upstream credential', async () => {
    const created = await h.gql(
      contributor.key,
      'mutation { createDeployment(input: { id: "with-secret", model: "m", endpointUrl: "https://x.example", upstreamApiKey: "sk-very-secret" }) { id endpointUrl } }',
    );
    expect(created.body.errors).toBeUndefined();
    const probe = await h.gql(contributor.key, '{ deployment(id: "with-secret") { upstreamApiKey } }');
    expect(probe.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const everything = await h.gql(h.admin.key, '{ deployments(first: 100) { nodes { id name endpointUrl model } } }');
    expect(JSON.stringify(everything.body)).not.toContain('sk-very-secret');
  });

  it('keeps the rest of the response when a nullable field is denied', async () => {
    const dep = await h.resource(Deployment, other.user, { endpointUrl: 'https://f.example/v1' });
    const { body } = await h.gql(
      contributor.key,
      'query($id: ID!) { viewer { role } users { totalCount } deployment(id: $id) { id endpointUrl } }',
      { id: dep.id },
    );
    expect(body.data).toEqual({
      viewer: { role: 'CONTRIBUTOR' },
      users: { totalCount: expect.any(Number) },
      deployment: { id: dep.id, endpointUrl: null },
    });
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['deployment', 'endpointUrl'],
        extensions: { code: 'FORBIDDEN', permission: 'RESOURCES_MANAGE_ANY' },
      }),
    ]);
  });

  it('nulls the whole response when a non-null root field (as the contract types it) is denied', async () => {
    const { status, body } = await h.gql(contributor.key, '{ viewer { role } apiKeys(allUsers: true) { totalCount } }');
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['apiKeys'],
        extensions: { code: 'FORBIDDEN', permission: 'API_KEYS_DELETE_ANY' },
      }),
    ]);
  });
});
