import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { DataSource } from 'typeorm';
import type { RunningServer } from '../server';
import type { CreatedAccount } from '../services/accounts';
import { CliError } from './client';
import { print, type OutputFormat } from './output';

const core = (): typeof import('./operator-core') => require('./operator-core');

export const DEFAULT_ACCOUNT = 'default';
export const DEFAULT_ADMIN_EMAIL = 'admin@localhost';

type Out = () => OutputFormat;

async function withStore<T>(work: (db: DataSource) => Promise<T>): Promise<T> {
  const { openStore } = core();
  const db = await openStore();
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

function printCreated(format: OutputFormat, created: CreatedAccount): void {
  print(
    format,
    {
      account: { id: created.account.id, granularRolesEnabled: created.account.granularRolesEnabled },
      user: { id: created.user.id, email: created.user.email, role: created.user.role },
      apiKey: created.apiKey,
      keyId: created.keyId,
    },
    [
      `Created account "${created.account.id}" with admin ${created.user.email} (user id "${created.user.id}").`,
      `Admin API key (shown once; it cannot be read again): ${created.apiKey}`,
    ].join('\n'),
  );
}

function parseBoolean(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('expected true or false');
}

/** Operator commands: direct database access, for whoever runs the gateway. */
/** Registers the operator commands; returns the `api-key` group, which the client commands join. */
/** --port / PORT: an integer from 0 (any free port) to 65535. */
function portNumber(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535)
    throw new CliError('BAD_USER_INPUT', `the port must be 0 to 65535, not "${raw}"`);
  return port;
}

export function registerOperatorCommands(program: Command, output: Out): Command {
  program
    .command('serve')
    .description('Serve GraphQL at /graphql and liveness at /healthz; initialises an empty database first.')
    .option('--port <port>', 'port to listen on (env PORT)', process.env.PORT ?? '4000')
    .option('--host <host>', 'address to bind (env HOST)', process.env.HOST)
    .action(async (opts: { port: string; host?: string }) => {
      const { openStore, countAccounts, createAccount, startServer, logger, isCodedError } = core();
      // Signals are handled from the first moment: a SIGTERM during start-up still closes the store cleanly.
      let stopping: Promise<void> | undefined;
      let server: RunningServer | undefined;
      const db = await openStore();
      const shutdown = (signal: string) => {
        stopping ??= (async () => {
          logger.info({ signal }, 'shutting down');
          await server?.stop();
          await db.destroy();
          process.exit(0);
        })();
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));

      if ((await countAccounts(db)) === 0) {
        try {
          printCreated(output(), await createAccount(db, { id: DEFAULT_ACCOUNT, adminEmail: DEFAULT_ADMIN_EMAIL }));
        } catch (error) {
          // Another instance starting on the same empty database initialised it first.
          if (!(isCodedError(error) && error.extensions.code === 'ALREADY_EXISTS')) throw error;
        }
      }
      server = await startServer({ db, port: portNumber(opts.port), host: opts.host });
      logger.info({ url: server.url }, 'Rolegate is serving');
      if (output() === 'text') process.stdout.write(`Rolegate is serving GraphQL at ${server.url}\n`);
    });

  program
    .command('migrate')
    .description('Apply pending database migrations (serve and the other operator commands also do this first).')
    .action(async () => {
      const { openStore, migrate } = core();
      const db = await openStore(process.env, { migrate: false });
      try {
        const applied = await migrate(db);
        print(
          output(),
          { applied },
          applied.length > 0
            ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
            : 'The database is up to date.',
        );
      } finally {
        await db.destroy();
      }
    });

  program
    .command('init')
    .description("Create the account and its first admin, and print the admin's API key once.")
    .option('--account <id>', 'account id', DEFAULT_ACCOUNT)
    .option('--admin-email <email>', "the first admin's email", DEFAULT_ADMIN_EMAIL)
    .option('--granular-roles', 'allow CONTRIBUTOR and INFERENCE_USER in this account', false)
    .action(async (opts: { account: string; adminEmail: string; granularRoles: boolean }) => {
      const { createAccount } = core();
      const created = await withStore((db) =>
        createAccount(db, { id: opts.account, adminEmail: opts.adminEmail, granularRoles: opts.granularRoles }),
      );
      printCreated(output(), created);
    });

  const account = program.command('account').description('Manage accounts (operator).');
  account
    .command('create <id>')
    .description("Create an account and its first admin, and print the admin's API key once.")
    .requiredOption('--admin-email <email>', "the first admin's email")
    .option('--granular-roles', 'allow CONTRIBUTOR and INFERENCE_USER in this account', false)
    .action(async (id: string, opts: { adminEmail: string; granularRoles: boolean }) => {
      const { createAccount } = core();
      const created = await withStore((db) =>
        createAccount(db, { id, adminEmail: opts.adminEmail, granularRoles: opts.granularRoles }),
      );
      printCreated(output(), created);
    });
  account
    .command('update <id>')
    .description("Change an account's settings.")
    .requiredOption('--granular-roles <true|false>', 'allow CONTRIBUTOR and INFERENCE_USER', parseBoolean)
    .action(async (id: string, opts: { granularRoles: boolean }) => {
      const { updateAccount } = core();
      const updated = await withStore((db) => updateAccount(db, id, { granularRolesEnabled: opts.granularRoles }));
      print(
        output(),
        { account: { id: updated.id, granularRolesEnabled: updated.granularRolesEnabled } },
        `Account "${updated.id}": granular roles ${updated.granularRolesEnabled ? 'enabled' : 'disabled'}.`,
      );
    });

  const apiKey = program.command('api-key').description('Manage API keys.');
  apiKey
    .command('issue')
    .description('Issue a key for an existing user of an account and print it once.')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--user <userId>', 'user id')
    .option('--key-name <name>', "the key's display name")
    .action(async (opts: { account: string; user: string; keyName?: string }) => {
      const { findAccount, findUser, issueApiKey, inTransaction } = core();
      const issued = await withStore((db) =>
        inTransaction(db, async (manager) => {
          const acct = await findAccount(db, opts.account);
          const owner = await findUser(manager, acct, opts.user);
          return issueApiKey(manager, acct, owner, { displayName: opts.keyName ?? null });
        }),
      );
      print(
        output(),
        { apiKey: issued.key, keyId: issued.apiKey.id },
        `API key "${issued.apiKey.id}" for user "${opts.user}" (shown once; it cannot be read again): ${issued.key}`,
      );
    });
  return apiKey;
}
