import { AuditEvent, Deployment } from '../src/entities';
import { Harness, type Actor } from './helpers/harness';
import { storeName } from './helpers/store';

const EVENTS = `query($actor: ID, $outcome: AuditOutcome, $first: Int, $after: String) {
  auditEvents(actorId: $actor, outcome: $outcome, first: $first, after: $after) {
    totalCount
    nodes { id occurredAt actorId apiKeyId operation target outcome permission errorCode }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe(`audit trail (${storeName})`, () => {
  let h: Harness;
  let actor: Actor;
  beforeAll(async () => {
    h = await Harness.start();
    actor = await h.actor('CONTRIBUTOR');
  });
  afterAll(() => h.stop());

  const eventsOf = async (who: Actor) =>
    (await h.gql(h.admin.key, EVENTS, { actor: who.user.id, first: 100 })).body.data!.auditEvents.nodes as AuditEvent[];

  it('records allowed, denied and failed mutations, newest first, with actor, key and target', async () => {
    const keyId = (await h.gql(actor.key, '{ viewer { apiKey { id } } }')).body.data!.viewer.apiKey.id;
    await h.gql(actor.key, 'mutation { createModel(input: { id: "audited" }) { id } }');
    await h.gql(actor.key, 'mutation { createUser(input: { email: "nope@acme.test" }) { id } }');
    await h.gql(actor.key, 'mutation { updateModel(id: "missing", input: { displayName: "x" }) { id } }');
    const events = await eventsOf(actor);
    expect(events.map((e) => [e.operation, e.target, e.outcome, e.permission, e.errorCode])).toEqual([
      ['updateModel', 'missing', 'FAILED', null, 'NOT_FOUND'],
      ['createUser', null, 'DENIED', 'USERS_MANAGE', 'FORBIDDEN'],
      ['createModel', 'audited', 'ALLOWED', null, null],
    ]);
    for (const e of events) expect(e).toMatchObject({ actorId: actor.user.id, apiKeyId: keyId });
  });

  it('records a rolled-back mutation as FAILED, and leaves no row', async () => {
    const user = await h.actor('USER');
    const { body } = await h.gql(
      user.key,
      'mutation { createFineTuningJob(input: { id: "rolled", baseModel: "b", datasetId: "ghost" }) { id } }',
    );
    expect(body.errors![0].extensions!.code).toBe('NOT_FOUND');
    expect(await eventsOf(user)).toEqual([
      expect.objectContaining({
        operation: 'createFineTuningJob',
        target: 'rolled',
        outcome: 'FAILED',
        errorCode: 'NOT_FOUND',
      }),
    ]);
  });

  it('records only the mutations that ran: none after an error that ended the operation', async () => {
    const user = await h.actor('USER');
    const target = await h.actor('USER');
    // a is denied and non-null, which ends the operation: b never runs.
    const stopped = await h.gql(
      user.key,
      'mutation($id: ID!) { a: createUser(input: { email: "z@acme.test" }) { id } b: deleteUser(id: $id) }',
      { id: target.user.id },
    );
    expect(stopped.body.data).toBeNull();
    // c runs and lands although d's denial nulls the whole answer.
    await h.gql(user.key, 'mutation { c: createModel(input: { id: "ran-first" }) { id } d: deleteUser(id: "x") }');
    expect((await eventsOf(user)).map((e) => [e.operation, e.target, e.outcome])).toEqual([
      ['deleteUser', 'x', 'DENIED'],
      ['createModel', 'ran-first', 'ALLOWED'],
      ['createUser', null, 'DENIED'],
    ]);
    expect(
      (await h.gql(h.admin.key, 'query($id: ID!) { user(id: $id) { id } }', { id: target.user.id })).body.data,
    ).toEqual({ user: { id: target.user.id } });
  });

  it('records each denied field by its schema coordinate', async () => {
    const other = await h.actor('USER');
    await h.resource(Deployment, other.user, { id: 'guarded', endpointUrl: 'https://g.example' });
    const viewer = await h.actor('CONTRIBUTOR');
    await h.gql(viewer.key, '{ deployment(id: "guarded") { id endpointUrl } }');
    expect(await eventsOf(viewer)).toEqual([
      expect.objectContaining({
        operation: 'Deployment.endpointUrl',
        outcome: 'DENIED',
        permission: 'RESOURCES_MANAGE_ANY',
      }),
    ]);
  });

  it('records a denied field once per request however many rows, whatever the aliases', async () => {
    const owner = await h.actor('USER');
    for (let i = 0; i < 5; i++) await h.resource(Deployment, owner.user, { endpointUrl: 'https://x.example' });
    const viewer = await h.actor('CONTRIBUTOR');
    const alias = 'x'.repeat(250);
    await h.gql(viewer.key, `{ deployments(first: 100) { nodes { endpointUrl } } ${alias}: viewer { user { id } } }`);
    await h.gql(viewer.key, `{ d: deployments(first: 1) { ${alias}: nodes { deleteUser: endpointUrl } } }`);
    const events = await eventsOf(viewer);
    expect(events.map((e) => e.operation)).toEqual(['Deployment.endpointUrl', 'Deployment.endpointUrl']);
  });

  it('records mutations as execution ran them: in fragments, once when repeated, never from an alias', async () => {
    const user = await h.actor('USER');
    await h.gql(user.key, 'mutation { ... on Mutation { createModel(input: { id: "in-fragment" }) { id } } }');
    await h.gql(
      user.key,
      'mutation { ...M } fragment M on Mutation { createDataset(input: { id: "named-fragment", format: "jsonl" }) { id } }',
    );
    await h.gql(user.key, 'mutation { deleteModel(id: "in-fragment") deleteModel(id: "in-fragment") }');
    // A query aliased like a mutation is recorded as what it is.
    await h.gql(user.key, '{ deleteUser: auditEvents { totalCount } }');
    expect((await eventsOf(user)).map((e) => [e.operation, e.target, e.outcome])).toEqual([
      ['Query.auditEvents', null, 'DENIED'],
      ['deleteModel', 'in-fragment', 'ALLOWED'],
      ['createDataset', 'named-fragment', 'ALLOWED'],
      ['createModel', 'in-fragment', 'ALLOWED'],
    ]);
  });

  it('cuts an overlong target to 200 characters without splitting one', async () => {
    const user = await h.actor('USER');
    await h.gql(user.key, 'mutation($id: ID!) { deleteModel(id: $id) }', { id: `${'a'.repeat(196)}${'😀'.repeat(5)}` });
    const [event] = await eventsOf(user);
    expect(event.target).toBe(`${'a'.repeat(196)}😀...`);
  });

  it('never records a secret', async () => {
    const user = await h.actor('USER');
    const created = await h.gql(user.key, 'mutation { createApiKey(input: { displayName: "k" }) { key } }');
    await h.gql(
      user.key,
      'mutation { createDeployment(input: { id: "secretive", model: "m", upstreamApiKey: "sk-never-logged" }) { id } }',
    );
    const rows = JSON.stringify(await h.db.getRepository(AuditEvent).find());
    expect(rows).not.toContain(created.body.data!.createApiKey.key.slice(3));
    expect(rows).not.toContain('sk-never-logged');
    expect(rows).not.toContain(user.key.slice(3));
  });

  it('filters by outcome and pages newest first', async () => {
    const denied = (await h.gql(h.admin.key, EVENTS, { outcome: 'DENIED', first: 100 })).body.data!.auditEvents;
    expect(denied.totalCount).toBeGreaterThanOrEqual(2);
    expect(denied.nodes.every((e: AuditEvent) => e.outcome === 'DENIED')).toBe(true);
    const first = (await h.gql(h.admin.key, EVENTS, { first: 2 })).body.data!.auditEvents;
    const second = (await h.gql(h.admin.key, EVENTS, { first: 2, after: first.pageInfo.endCursor })).body.data!
      .auditEvents;
    const times = [...first.nodes, ...second.nodes].map((e: AuditEvent) => String(e.occurredAt));
    expect([...times].sort().reverse()).toEqual(times);
    expect(new Set([...first.nodes, ...second.nodes].map((e: AuditEvent) => e.id)).size).toBe(4);
  });

  it('is readable only with USERS_MANAGE', async () => {
    const { body } = await h.gql(actor.key, '{ auditEvents { totalCount } }');
    expect(body.errors![0].extensions).toEqual({ code: 'FORBIDDEN', permission: 'USERS_MANAGE' });
  });
});
