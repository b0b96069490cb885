import { Deployment } from '../src/entities';
import { Harness, type Actor } from './helpers/harness';
import { FakeUpstream } from './helpers/upstream';

const RUN = `mutation($id: ID!, $input: InferenceInput!) {
  runInference(deploymentId: $id, input: $input) { text finishReason usage { promptTokens completionTokens totalTokens } }
}`;
const INPUT = { messages: [{ role: 'user', content: 'hello' }], maxTokens: 16, temperature: 0.2 };
const SECRET = 'sk-upstream-credential-123';

describe('runInference', () => {
  let h: Harness;
  let upstream: FakeUpstream;
  let caller: Actor;
  let deployment: Deployment;
  beforeAll(async () => {
    h = await Harness.start();
    upstream = await FakeUpstream.start();
    caller = await h.actor('INFERENCE_USER');
    deployment = await h.resource(Deployment, h.admin.user, {
      model: 'llama-3-8b-instruct',
      endpointUrl: upstream.url,
      upstreamApiKey: SECRET,
    });
  });
  afterEach(() => {
    upstream.behaviour = FakeUpstream.echo;
    delete process.env.ROLEGATE_INFERENCE_TIMEOUT_MS;
  });
  afterAll(async () => {
    await h.stop();
    await upstream.stop();
  });

  it('forwards an OpenAI-compatible chat completion with the deployment credential', async () => {
    const { body } = await h.gql(caller.key, RUN, { id: deployment.id, input: INPUT });
    expect(body).toEqual({
      data: {
        runInference: {
          text: 'olleh',
          finishReason: 'stop',
          usage: { promptTokens: 5, completionTokens: 7, totalTokens: 12 },
        },
      },
    });
    const received = upstream.requests[upstream.requests.length - 1];
    expect(received.path).toBe('/v1/chat/completions');
    expect(received.authorization).toBe(`Bearer ${SECRET}`);
    expect(received.body).toEqual({
      model: 'llama-3-8b-instruct',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 16,
      temperature: 0.2,
    });
  });

  it('maps an upstream failure to UPSTREAM_ERROR without echoing the upstream or its credential', async () => {
    upstream.behaviour = (req, res) => {
      res.statusCode = 500;
      res.end(`internal failure, your key was ${req.authorization}`);
    };
    const { body } = await h.gql(caller.key, RUN, { id: deployment.id, input: INPUT });
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([
      {
        message: 'the inference upstream answered HTTP 500',
        path: ['runInference'],
        locations: expect.any(Array),
        extensions: { code: 'UPSTREAM_ERROR' },
      },
    ]);
    expect(JSON.stringify(body)).not.toContain(SECRET);
  });

  it.each([
    ['invalid JSON', (_req: unknown, res: import('node:http').ServerResponse) => res.end('{not json')],
    ['no completion', (_req: unknown, res: import('node:http').ServerResponse) => res.end('{"choices":[]}')],
  ])('maps an answer with %s to UPSTREAM_ERROR', async (_what, behaviour) => {
    upstream.behaviour = behaviour;
    const { body } = await h.gql(caller.key, RUN, { id: deployment.id, input: INPUT });
    expect(body.errors![0].extensions).toEqual({ code: 'UPSTREAM_ERROR' });
  });

  it('times out a silent upstream', async () => {
    process.env.ROLEGATE_INFERENCE_TIMEOUT_MS = '200';
    upstream.behaviour = () => undefined; // never answers
    const { body } = await h.gql(caller.key, RUN, { id: deployment.id, input: INPUT });
    expect(body.errors![0]).toMatchObject({
      message: 'the inference upstream did not answer within 200 ms',
      extensions: { code: 'UPSTREAM_ERROR' },
    });
  });

  it('reports an unreachable upstream', async () => {
    const closed = await FakeUpstream.start();
    const url = closed.url;
    await closed.stop();
    const gone = await h.resource(Deployment, h.admin.user, { endpointUrl: url, upstreamApiKey: SECRET });
    const { body } = await h.gql(caller.key, RUN, { id: gone.id, input: INPUT });
    expect(body.errors![0]).toMatchObject({
      message: 'the inference upstream could not be reached',
      extensions: { code: 'UPSTREAM_ERROR' },
    });
  });

  it('refuses a deployment without endpoint with FAILED_PRECONDITION, and a missing one with NOT_FOUND', async () => {
    const bare = await h.resource(Deployment, h.admin.user, { endpointUrl: null });
    const noEndpoint = await h.gql(caller.key, RUN, { id: bare.id, input: INPUT });
    expect(noEndpoint.body.errors![0].extensions).toEqual({ code: 'FAILED_PRECONDITION' });
    const missing = await h.gql(caller.key, RUN, { id: 'no-such-deployment', input: INPUT });
    expect(missing.body.errors![0].extensions).toEqual({ code: 'NOT_FOUND' });
  });

  it('refuses empty messages', async () => {
    const { body } = await h.gql(caller.key, RUN, { id: deployment.id, input: { messages: [] } });
    expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('drops token counts that GraphQL cannot carry instead of failing', async () => {
    upstream.behaviour = (_req, res) =>
      res.end(
        JSON.stringify({
          choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1.5, completion_tokens: 1e12, total_tokens: 3 },
        }),
      );
    const { body } = await h.gql(caller.key, RUN, { id: deployment.id, input: INPUT });
    expect(body).toEqual({
      data: {
        runInference: {
          text: 'ok',
          finishReason: 'stop',
          usage: { promptTokens: null, completionTokens: null, totalTokens: 3 },
        },
      },
    });
  });

  it('refuses an answer larger than the cap, even without Content-Length', async () => {
    upstream.behaviour = (_req, res) => {
      res.setHeader('content-type', 'application/json');
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      const more = () => {
        while (sent < 128) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    };
    const { body } = await h.gql(caller.key, RUN, { id: deployment.id, input: INPUT });
    expect(body.errors![0]).toMatchObject({
      message: 'the inference upstream answered too much',
      extensions: { code: 'UPSTREAM_ERROR' },
    });
  });

  it("does not send a deployment's credential to an endpoint someone else re-pointed it at", async () => {
    const attacker = await FakeUpstream.start();
    try {
      const victim = await h.resource(Deployment, h.admin.user, { endpointUrl: upstream.url, upstreamApiKey: SECRET });
      const user = await h.actor('USER');
      const repoint = await h.gql(
        user.key,
        'mutation($id: ID!, $url: String!) { updateDeployment(id: $id, input: { endpointUrl: $url }) { id } }',
        {
          id: victim.id,
          url: attacker.url,
        },
      );
      expect(repoint.body.errors).toBeUndefined();
      await h.gql(user.key, RUN, { id: victim.id, input: INPUT });
      expect(attacker.requests).toHaveLength(1);
      expect(attacker.requests[0].authorization).toBeUndefined();

      // Re-pointing together with a new credential keeps the new one.
      await h.gql(
        user.key,
        'mutation($id: ID!, $url: String!) { updateDeployment(id: $id, input: { endpointUrl: $url, upstreamApiKey: "sk-new" }) { id } }',
        {
          id: victim.id,
          url: upstream.url,
        },
      );
      await h.gql(user.key, RUN, { id: victim.id, input: INPUT });
      expect(upstream.requests[upstream.requests.length - 1].authorization).toBe('Bearer sk-new');
    } finally {
      await attacker.stop();
    }
  });
});
