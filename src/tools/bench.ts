import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import autocannon from 'autocannon';
import express from 'express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { Dataset, Deployment, FineTuningJob, User } from '../entities';
import { createContext } from '../graphql/context';
import { buildBareSchema } from '../graphql/schema';
import { formatError, startServer } from '../server';
import { createAccount } from '../services/accounts';
import { issueApiKey } from '../services/api-keys';
import { createUser } from '../services/users';
import { inTransaction, openStore } from '../store/store';

/**
 * `npm run bench`: Rolegate against a baseline (the same schema, resolvers and rows
 * in Apollo Server, with no authentication and no authorization), each in its own
 * process, driven in turns by autocannon. Prints a table and writes BENCHMARKS.md.
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
/** Rounds of (baseline, Rolegate) runs per workload: the table shows medians, since one run on a shared machine can be off by a third. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROWS = 100;

const READABLE_FIELDS =
  'id name displayName model state minReplicas maxReplicas createdAt updatedAt viewerCanUpdate viewerCanDelete createdBy { id email }';
/** Every field, endpointUrl included: withheld (null and a FORBIDDEN error) on the half the caller did not create. */
const PAGE_FIELDS = `${READABLE_FIELDS} endpointUrl`;
const WORKLOADS = [
  { name: '`{ viewer { role } }`', query: '{ viewer { role } }', as: 'contributor' },
  {
    name: '100 deployments, every field (50 endpointUrl withheld)',
    query: `{ deployments(first: 100) { nodes { ${PAGE_FIELDS} } } }`,
    as: 'contributor',
  },
  {
    name: '100 deployments, the fields the caller may read',
    query: `{ deployments(first: 100) { nodes { ${READABLE_FIELDS} } } }`,
    as: 'contributor',
  },
  {
    name: '... plus fineTuningJobs.dataset.sourceUri',
    query: `{ deployments(first: 100) { nodes { ${PAGE_FIELDS} } } fineTuningJobs(first: 100) { nodes { id dataset { sourceUri } } } }`,
    as: 'contributor',
  },
  { name: 'mutation mix (create, update, delete)', query: 'MUTATIONS', as: 'user' },
] as const;

interface Fixture {
  file: string;
  keys: { contributor: string; user: string };
}

async function seed(file: string): Promise<Fixture> {
  const db = await openStore({ ...process.env, DATABASE_URL: '', ROLEGATE_DB: file });
  const { account } = await createAccount(db, { id: 'bench', adminEmail: 'admin@bench.test', granularRoles: true });
  const make = (id: string, role: 'CONTRIBUTOR' | 'USER') =>
    inTransaction(db, (m) => createUser(m, account, { userId: id, email: `${id}@bench.test`, role }));
  const contributor = await make('contributor', 'CONTRIBUTOR');
  const other = await make('other', 'CONTRIBUTOR');
  const user = await make('user', 'USER');
  const rows = (i: number) => ({ accountPk: account.pk, createdByPk: (i % 2 ? contributor : other).pk });
  for (let i = 0; i < ROWS; i++) {
    const id = `r${String(i).padStart(3, '0')}`;
    await db
      .getRepository(Deployment)
      .save({ ...rows(i), id, model: 'llama', endpointUrl: `https://e${i}.example/v1` });
    const dataset = await db.getRepository(Dataset).save({ ...rows(i), id, format: 'jsonl', sourceUri: `s3://d/${i}` });
    await db.getRepository(FineTuningJob).save({ ...rows(i), id, baseModel: 'llama', datasetPk: dataset.pk });
  }
  const key = async (u: User) => (await inTransaction(db, (m) => issueApiKey(m, account, u))).key;
  const keys = { contributor: await key(contributor), user: await key(user) };
  await db.destroy();
  return { file, keys };
}

/** Child mode: serve one flavour on a free port, say `READY <port>`, and answer `mem` with its peak RSS. */
async function serveChild(flavour: string, file: string): Promise<void> {
  process.env.LOG_LEVEL = 'silent';
  const db = await openStore({ ...process.env, DATABASE_URL: '', ROLEGATE_DB: file });
  let port: number;
  if (flavour === 'rolegate') {
    port = (await startServer({ db, port: 0, host: '127.0.0.1' })).port;
  } else {
    port = await startBaseline(db);
  }
  // Peak RSS per measured run: `reset` starts a window, `mem` answers its peak (sampled every 50 ms).
  let peak = 0;
  setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50).unref();
  process.on('message', (message) => {
    if (message === 'reset') peak = process.memoryUsage.rss();
    else process.send!(Math.max(peak, process.memoryUsage.rss()));
  });
  process.send!(`READY ${port}`);
}

/** The baseline: the same schema and resolvers, no shield, no limits, no audit, a fixed caller. */
async function startBaseline(db: DataSource): Promise<number> {
  const users = db.getRepository(User);
  const viewers = new Map<string, Awaited<ReturnType<typeof fixedViewer>>>();
  async function fixedViewer(id: string) {
    const user = await users.findOneByOrFail({ id });
    const account = await db.getRepository('Account').findOneByOrFail({ pk: user.accountPk });
    const apiKey = await db.getRepository('ApiKey').findOneByOrFail({ ownerPk: user.pk });
    return { user, account, apiKey } as never;
  }
  for (const id of ['contributor', 'user']) viewers.set(id, await fixedViewer(id));
  // Apollo configured as Rolegate configures it, minus everything that is authentication,
  // authorization, limits or audit: the difference measured is the cost of those.
  const apollo = new ApolloServer({
    schema: buildBareSchema(),
    formatError,
    plugins: [ApolloServerPluginCacheControlDisabled()],
  });
  await apollo.start();
  const app = express();
  const httpServer = createServer(app);
  app.use(
    '/graphql',
    express.json(),
    expressMiddleware(apollo, {
      context: async ({ req }) => createContext(db, viewers.get(String(req.headers['x-bench-as'])) as never),
    }),
  );
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return (httpServer.address() as AddressInfo).port;
}

function spawnServer(flavour: string, file: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [__filename, '--serve', flavour, file], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, ROLEGATE_RATE_LIMIT_POINTS: String(2 ** 40), ROLEGATE_MAX_COST: String(2 ** 30) },
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, port: Number(String(message).replace('READY ', '')) }));
    child.on('exit', (code) => reject(new Error(`${flavour} server exited with ${code}`)));
  });
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Rolegate reads the key; the baseline, which has no authentication, answers as `x-bench-as`. */
const headersFor = (key: string, as: string) => ({
  'content-type': 'application/json',
  authorization: `Bearer ${key}`,
  'x-bench-as': as,
});

let sequence = 0;
function run(port: number, key: string, as: string, query: string, duration = SECONDS): Promise<Result> {
  const headers = headersFor(key, as);
  const mutation = (kind: number) => {
    const id = `b${process.pid}-${++sequence}`;
    // Each request creates, updates or deletes, in turn, so the table stays about the same size.
    return kind === 0
      ? `mutation { createModel(input: { id: "${id}" }) { id } }`
      : kind === 1
        ? `mutation { updateDeployment(id: "r${String(sequence % ROWS).padStart(3, '0')}", input: { displayName: "x${sequence}" }) { id } }`
        : `mutation { deleteModel(id: "b${process.pid}-${sequence - 2}") }`;
  };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}/graphql`,
        method: 'POST',
        headers,
        connections: CONNECTIONS,
        duration,
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({ query: query === 'MUTATIONS' ? mutation(sequence % 3) : query }),
            }),
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          rps: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          errors: result.errors + result.non2xx,
        });
      },
    );
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

/**
 * One request of the workload, read in full: autocannon sees only HTTP statuses, and a
 * GraphQL refusal is a 200. Fails the bench when there is no data; returns the number
 * of GraphQL errors (the withheld fields), which goes into the table.
 */
async function probe(port: number, key: string, as: string, query: string): Promise<number> {
  const body = JSON.stringify({
    query:
      query === 'MUTATIONS'
        ? `mutation { createModel(input: { id: "probe-${process.pid}-${++sequence}" }) { id } }`
        : query,
  });
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: headersFor(key, as),
    body,
  });
  const result = (await response.json()) as { data?: unknown; errors?: unknown[] };
  if (response.status !== 200 || !result.data) {
    throw new Error(`the workload fails on port ${port}: ${response.status} ${JSON.stringify(result).slice(0, 300)}`);
  }
  return result.errors?.length ?? 0;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function peakMemory(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (bytes) => resolve(Number(bytes)));
    child.send('mem');
  });
}

const MEASURED_START = '<!-- measured by `npm run bench`: everything down to the end marker is rewritten -->';
const MEASURED_END = '<!-- end of measurements -->';

/** Replaces the measured part of BENCHMARKS.md and keeps what people wrote around it. */
function withMeasurements(current: string, measured: string): string {
  const start = current.indexOf(MEASURED_START);
  const end = current.indexOf(MEASURED_END);
  if (start < 0 || end < start) return `# Benchmarks\n\n${measured}\n`;
  return current.slice(0, start) + measured + current.slice(end + MEASURED_END.length);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-bench-'));
  const rows: string[] = [];
  try {
    const fixture = await seed(join(dir, 'bench.sqlite'));
    const baseline = await spawnServer('baseline', fixture.file);
    const rolegate = await spawnServer('rolegate', fixture.file);
    try {
      for (const w of WORKLOADS) {
        const key = fixture.keys[w.as];
        // Warm both up, then measure each in turn on the same rows.
        const [be, re] = [
          await probe(baseline.port, key, w.as, w.query),
          await probe(rolegate.port, key, w.as, w.query),
        ];
        await run(baseline.port, key, w.as, w.query, WARMUP_SECONDS);
        await run(rolegate.port, key, w.as, w.query, WARMUP_SECONDS);
        const rounds: { b: Result; r: Result; bm: number; rm: number }[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          baseline.child.send('reset');
          const b = await run(baseline.port, key, w.as, w.query);
          const bm = await peakMemory(baseline.child);
          rolegate.child.send('reset');
          const r = await run(rolegate.port, key, w.as, w.query);
          const rm = await peakMemory(rolegate.child);
          rounds.push({ b, r, bm, rm });
        }
        const of = (pick: (x: (typeof rounds)[number]) => number) => median(rounds.map(pick));
        const ratios = rounds.map((x) => x.r.rps / x.b.rps);
        const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;
        rows.push(
          `| ${w.name} | ${of((x) => x.b.rps).toFixed(0)} | ${of((x) => x.r.rps).toFixed(0)} | **${median(ratios).toFixed(2)}** (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) | ${of((x) => x.b.p50)} / ${of((x) => x.b.p99)} | ${of((x) => x.r.p50)} / ${of((x) => x.r.p99)} | **${of((x) => x.r.p99 / Math.max(x.b.p99, 1)).toFixed(2)}** | ${mb(Math.max(...rounds.map((x) => x.bm)))} | ${mb(Math.max(...rounds.map((x) => x.rm)))} | ${rounds.reduce((n, x) => n + x.b.errors, 0)} / ${rounds.reduce((n, x) => n + x.r.errors, 0)} | ${be} / ${re} |`,
        );
        process.stdout.write(`${rows[rows.length - 1]}\n`);
      }
    } finally {
      baseline.child.kill('SIGKILL');
      rolegate.child.kill('SIGKILL');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const table = [
    '| workload | baseline req/s | Rolegate req/s | ratio (range) | baseline p50 / p99 ms | Rolegate p50 / p99 ms | p99 ratio | baseline peak RSS | Rolegate peak RSS | non-2xx (b / r) | GraphQL errors per response (b / r) |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
  ].join('\n');
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const measured = [
    MEASURED_START,
    `Machine: ${machine}. Date: ${new Date().toISOString().slice(0, 10)}. Command: \`npm run bench\` (per workload a ${WARMUP_SECONDS} s warm-up of each, then ${ROUNDS} rounds of a ${SECONDS} s run of the baseline and one of Rolegate; medians shown, with the range of the per-round ratio; ${CONNECTIONS} connections, SQLite, ${ROWS} rows of each kind; the caller is a contributor who created half of them, the mutation mix runs as a user).`,
    '',
    'Baseline: the same schema, resolvers and rows in Apollo Server configured as Rolegate configures it (cache-control hints off), with no authentication, no authorization, no limits and no audit trail, answering as a fixed caller. Rolegate runs as `rolegate serve` would, except that its rate limit and cost limit are raised out of reach (a 100-row page costs 1,601 points, so the default budget of 100,000 a minute would refuse most of a run): the limits are still computed and charged on every request. Both servers run in their own process, measured in turns. Peak RSS is sampled every 50 ms during the measured run; the last column counts the errors in one response read in full before the runs (the withheld `endpointUrl`s).',
    '',
    table,
    MEASURED_END,
  ].join('\n');
  const file = join(__dirname, '..', '..', '..', 'BENCHMARKS.md');
  writeFileSync(file, withMeasurements(existsSync(file) ? readFileSync(file, 'utf8') : '', measured));
  process.stdout.write(`\n${table}\n\nwrote BENCHMARKS.md\n`);
}

if (process.argv[2] === '--serve') {
  void serveChild(process.argv[3], process.argv[4]);
} else {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
