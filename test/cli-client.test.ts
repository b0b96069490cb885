import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment, Model } from '../src/entities';
import { runCli } from './helpers/cli';
import { Harness, type Actor } from './helpers/harness';
import { storeName } from './helpers/store';
import { FakeUpstream } from './helpers/upstream';

/** The client commands, run as the real executable against a real server. */
describe(`rolegate client commands (${storeName})`, () => {
  let h: Harness;
  let upstream: FakeUpstream;
  beforeAll(async () => {
    h = await Harness.start();
    upstream = await FakeUpstream.start();
  });
  afterAll(async () => {
    await h.stop();
    await upstream.stop();
  });

  const as = (actor: Actor, ...args: string[]) => runCli(args, { ROLEGATE_API_KEY: actor.key, ROLEGATE_URL: h.url });
  const json = async (actor: Actor, ...args: string[]) => {
    const result = await as(actor, ...args, '-o', 'json');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(result.stdout);
  };

  it('whoami prints the caller as a record, and the viewer object with -o json', async () => {
    const text = await as(h.admin, 'whoami');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^User: +admin \(admin@acme\.test\)\nAccount: +acme\nRole: +ADMIN\n/);
    expect(await json(h.admin, 'whoami')).toEqual({
      role: 'ADMIN',
      permissions: expect.arrayContaining(['USERS_MANAGE']),
      user: { id: 'admin', email: 'admin@acme.test', displayName: null, serviceAccount: false },
      account: { id: 'acme', granularRolesEnabled: true },
      apiKey: { id: expect.stringMatching(/^key-/), prefix: expect.stringMatching(/^rg_/) },
    });
  });

  it('user create, update, list and delete, with platform role names', async () => {
    const created = await json(h.admin, 'user', 'create', '--email', 'cli-user@acme.test', '--role', 'inference-user');
    expect(created).toMatchObject({ email: 'cli-user@acme.test', role: 'INFERENCE_USER', serviceAccount: false });
    const updated = await json(h.admin, 'user', 'update', created.id, '--role', 'contributor', '--display-name', 'C');
    expect(updated).toMatchObject({ id: created.id, role: 'CONTRIBUTOR', displayName: 'C' });
    const sa = await json(h.admin, 'user', 'create', '--service-account', '--user-id', 'cli-bot');
    expect(sa).toMatchObject({ id: 'cli-bot', serviceAccount: true, role: 'USER', email: null });

    const list = await as(h.admin, 'user', 'list');
    expect(list.stdout.split('\n')[0]).toMatch(/^ID +EMAIL +ROLE +SERVICE ACCOUNT +DISPLAY NAME$/);
    expect(list.stdout).toContain('cli-user@acme.test');
    const onlySa = await json(h.admin, 'user', 'list', '--service-accounts');
    expect(onlySa.map((u: { id: string }) => u.id)).toEqual(['cli-bot']);

    const deleted = await as(h.admin, 'user', 'delete', created.id);
    expect(deleted).toMatchObject({ code: 0, stdout: `Deleted user "${created.id}" and revoked their API keys.\n` });
  });

  it('refuses an unknown role name before sending anything', async () => {
    const before = await h.gql(h.admin.key, '{ users { totalCount } }');
    const result = await as(h.admin, 'user', 'create', '--email', 'x@acme.test', '--role', 'superuser');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("argument 'superuser' is invalid");
    expect((await h.gql(h.admin.key, '{ users { totalCount } }')).body).toEqual(before.body);
  });

  it('api-key create prints the secret once with a warning; list and delete', async () => {
    const user = await h.actor('USER');
    const text = await as(user, 'api-key', 'create', '--key-name', 'laptop', '--expire-time', '2099-01-31');
    expect(text.code).toBe(0);
    const key = /^Key: (rg_\w+)$/m.exec(text.stdout)![1];
    expect(text.stdout).toContain('it will not be shown again');
    expect(text.stdout).toContain('expiring 2099-01-31T00:00:00.000Z');
    expect((await h.gql(key, '{ viewer { role } }')).body).toEqual({ data: { viewer: { role: 'USER' } } });

    const keys = await json(user, 'api-key', 'list');
    expect(keys).toHaveLength(2);
    expect(JSON.stringify(keys)).not.toContain(key);
    const laptop = keys.find((k: { displayName: string }) => k.displayName === 'laptop');
    expect(await json(user, 'api-key', 'delete', laptop.id)).toEqual({ id: laptop.id });
    expect((await h.gql(key, '{ viewer { role } }')).status).toBe(401);

    const bad = await as(user, 'api-key', 'create', '--expire-time', 'next tuesday');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('expected an ISO date');
    expect(await json(user, 'api-key', 'list')).toHaveLength(1);
  });

  it.each([
    ['deployment', ['--model', 'llama-3'], ['--max-replicas', '4'], { maxReplicas: 4 }],
    ['model', ['--base-model', 'llama-3'], ['--description', 'tuned'], { description: 'tuned' }],
    ['dataset', ['--format', 'jsonl'], ['--example-count', '7'], { exampleCount: 7 }],
    ['fine-tuning-job', ['--base-model', 'llama-3', '--dataset-id', 'cli-data'], ['--epochs', '3'], { epochs: 3 }],
  ] as [string, string[], string[], object][])(
    '%s create, get, list, update and delete',
    async (kind, createFlags, updateFlags, changed) => {
      const user = await h.actor('USER');
      if (kind === 'fine-tuning-job') await json(user, 'dataset', 'create', 'cli-data', '--format', 'jsonl');
      const id = `cli-${kind}`;
      const created = await json(user, kind, 'create', id, ...createFlags);
      expect(created).toMatchObject({ id, createdBy: { id: user.user.id }, viewerCanUpdate: true });
      expect(await json(user, kind, 'get', id)).toEqual(created);
      const list = await as(user, kind, 'list');
      expect(list.stdout.split('\n')[0]).toMatch(/^ID /);
      expect(list.stdout).toContain(id);
      expect(await json(user, kind, 'update', id, ...updateFlags)).toMatchObject(changed);
      expect(await json(user, kind, 'delete', id)).toEqual({ id });
      const gone = await as(user, kind, 'get', id);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toMatch(/^NOT_FOUND: .* not found\n$/);
    },
  );

  it('infer prints the answer', async () => {
    await h.resource(Deployment, h.admin.user, { id: 'cli-infer', endpointUrl: upstream.url });
    const user = await h.actor('INFERENCE_USER');
    expect(await as(user, 'infer', 'cli-infer', 'hello')).toMatchObject({ code: 0, stdout: 'olleh\n' });
    expect(await json(user, 'infer', 'cli-infer', 'abc', '--max-tokens', '5')).toEqual({
      text: 'cba',
      finishReason: 'stop',
      usage: { promptTokens: 5, completionTokens: 7, totalTokens: 12 },
    });
  });

  it.each([
    [
      'an inference user creating a resource',
      'INFERENCE_USER',
      ['deployment', 'create', '--model', 'm'],
      'FORBIDDEN: requires RESOURCES_CREATE',
    ],
    [
      'a non-admin managing users',
      'USER',
      ['user', 'create', '--email', 'n@acme.test'],
      'FORBIDDEN: requires USERS_MANAGE',
    ],
    [
      'a non-admin listing every key',
      'CONTRIBUTOR',
      ['api-key', 'list', '--all-users'],
      'FORBIDDEN: requires API_KEYS_DELETE_ANY',
    ],
  ] as const)('denies %s with the code and permission on stderr', async (_what, role, args, line) => {
    const actor = await h.actor(role);
    const result = await as(actor, ...args);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `${line}\n` });
  });

  it('prints what the caller may see, and says on stderr which fields were withheld', async () => {
    const [mine, theirs] = [await h.actor('CONTRIBUTOR'), await h.actor('CONTRIBUTOR')];
    await h.resource(Deployment, theirs.user, { id: 'withheld', endpointUrl: 'https://w.example' });
    const result = await as(mine, 'deployment', 'get', 'withheld', '-o', 'json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 'withheld', endpointUrl: null });
    expect(result.stderr).toBe('note: deployment.endpointUrl withheld: FORBIDDEN: requires RESOURCES_MANAGE_ANY\n');
    // In text too: the field is there, empty, and the note says why.
    const text = await as(mine, 'deployment', 'get', 'withheld');
    expect(text.stdout).toMatch(/^ENDPOINT URL: +-?$/m);
    expect(text.stderr).toBe(result.stderr);
    const own = await as(theirs, 'deployment', 'get', 'withheld');
    expect(own.stdout).toMatch(/^ENDPOINT URL: +https:\/\/w\.example$/m);
  });

  it("denies a contributor deleting another's resource", async () => {
    const [mine, theirs] = [await h.actor('CONTRIBUTOR'), await h.actor('CONTRIBUTOR')];
    await h.resource(Model, theirs.user, { id: 'not-yours' });
    const result = await as(mine, 'model', 'delete', 'not-yours');
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'FORBIDDEN: requires RESOURCES_MANAGE_ANY\n' });
    expect(await h.db.getRepository(Model).countBy({ id: 'not-yours' })).toBe(1);
  });

  it('says clearly when the server cannot be reached, the URL is wrong, or the key is missing', async () => {
    const unreachable = await runCli(['whoami'], {
      ROLEGATE_API_KEY: h.admin.key,
      ROLEGATE_URL: 'http://127.0.0.1:9/graphql',
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /^UNAVAILABLE: cannot reach the Rolegate server at http:\/\/127\.0\.0\.1:9\/graphql/,
    );
    const wrongPath = await runCli(['whoami'], {
      ROLEGATE_API_KEY: h.admin.key,
      ROLEGATE_URL: h.url.replace('/graphql', '/api'),
    });
    expect(wrongPath.stderr).toMatch(/^BAD_URL: /);
    const notUrl = await runCli(['whoami', '--server', 'localhost'], { ROLEGATE_API_KEY: h.admin.key });
    expect(notUrl.stderr).toMatch(/^BAD_URL: "localhost" is not a URL/);
    const noKey = await runCli(['whoami'], { ROLEGATE_API_KEY: '', ROLEGATE_URL: h.url });
    expect(noKey).toEqual({
      code: 1,
      stdout: '',
      stderr: 'MISSING_API_KEY: no API key: pass --api-key or set ROLEGATE_API_KEY\n',
    });
    const badKey = await runCli(['whoami', '--api-key', 'rg_nope', '--server', h.url], {});
    expect(badKey.stderr).toMatch(/^UNAUTHENTICATED: /);
  });

  it('never echoes a malformed key or a password in the server URL', async () => {
    const pasted = `${h.admin.key}\n${h.admin.key}`;
    const result = await runCli(['whoami'], { ROLEGATE_API_KEY: pasted, ROLEGATE_URL: h.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^BAD_API_KEY: /);
    expect(result.stderr).not.toContain(h.admin.key.slice(3));
    const withPassword = await runCli(['whoami', '--server', 'http://u:hunter2@127.0.0.1:9/graphql'], {
      ROLEGATE_API_KEY: h.admin.key,
    });
    expect(withPassword.stderr).toMatch(/^UNAVAILABLE: /);
    expect(withPassword.stderr).not.toContain('hunter2');
  });

  it('refuses an expiry date that does not exist', async () => {
    const result = await as(h.admin, 'api-key', 'create', '--expire-time', '2027-02-30');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^BAD_USER_INPUT: .*expected an ISO date/);
  });

  it('has --help on every command', async () => {
    for (const args of [['whoami'], ['user', 'create'], ['api-key', 'create'], ['deployment', 'update'], ['infer']]) {
      const help = await runCli([...args, '--help'], {});
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: rolegate /);
    }
  });

  it("runs the README's automation example as written", async () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const block = /<!-- automation-example:start[^>]*-->\n```sh\n([\s\S]*?)```\n<!-- automation-example:end -->/.exec(
      readme,
    )![1];
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        'bash',
        ['-euo', 'pipefail', '-c', block],
        {
          cwd: join(__dirname, '..'),
          env: {
            ...process.env,
            LOG_LEVEL: 'silent',
            ROLEGATE_API_KEY: h.admin.key,
            ROLEGATE_URL: h.url,
            UPSTREAM_URL: upstream.url,
          },
        },
        (error, out, err) => resolve({ code: error ? 1 : 0, stdout: out, stderr: err }),
      ),
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('User:        ci-bot [service account]');
    expect(stdout.trimEnd().endsWith('olleh yaS')).toBe(true);
    const deployment = await h.db.getRepository(Deployment).findOneByOrFail({ id: 'llama-ci' });
    const bot = await h.gql(h.admin.key, '{ user(id: "ci-bot") { serviceAccount } }');
    expect(bot.body.data).toEqual({ user: { serviceAccount: true } });
    expect(deployment.createdByPk).not.toBe(h.admin.user.pk);
  });
});
