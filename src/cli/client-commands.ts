import { Command, InvalidArgumentError, Option } from 'commander';
import { ROLES, roleCliName, type Role } from '../authz/role-matrix';
import { ApiClient, CliError, DEFAULT_SERVER } from './client';
import { print, type OutputFormat } from './output';
import { printRecord, printTable, type Row } from './table';

export interface ClientContext {
  output(): OutputFormat;
  client(): ApiClient;
}

/** The connection options every client command takes, from flags or the environment. */
export function addConnectionOptions(program: Command): void {
  program
    .addOption(new Option('--api-key <key>', 'API key').env('ROLEGATE_API_KEY'))
    .addOption(new Option('--server <url>', 'GraphQL endpoint').env('ROLEGATE_URL').default(DEFAULT_SERVER));
}

const ROLE_BY_CLI_NAME = new Map<string, Role>(ROLES.map((r) => [roleCliName(r), r]));
/** Role names as the platform's CLI spells them; anything else is refused before any request. */
export const roleOption = (flags: string, description: string) =>
  new Option(flags, description).choices([...ROLE_BY_CLI_NAME.keys()]).argParser((value: string) => {
    const role = ROLE_BY_CLI_NAME.get(value);
    if (!role) throw new InvalidArgumentError(`expected one of ${[...ROLE_BY_CLI_NAME.keys()].join(', ')}`);
    return role;
  });

export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

export function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
}

/** An ISO date (midnight UTC) or date-time. */
export function parseExpireTime(value: string): string {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const date = new Date(iso);
  // Date rolls 2027-02-30 over to March; a date that does not exist is a mistake, not a later date.
  const exists = !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(value) || !exists) {
    throw new InvalidArgumentError('expected an ISO date (2027-01-31) or date-time (2027-01-31T12:00:00Z)');
  }
  return date.toISOString();
}

const PAGE = `pageInfo { hasNextPage endCursor }`;

/** Every page of a connection, in order; `filters` become arguments (name: [GraphQL type, value]). */
export async function listAll<T>(
  client: ApiClient,
  field: string,
  selection: string,
  filters: Record<string, [type: string, value: unknown]> = {},
): Promise<T[]> {
  const names = Object.keys(filters);
  const declarations = names.map((n) => `, $${n}: ${filters[n][0]}`).join('');
  const args = names.map((n) => `, ${n}: $${n}`).join('');
  const values = Object.fromEntries(names.map((n) => [n, filters[n][1]]));
  const rows: T[] = [];
  let after: string | null = null;
  for (;;) {
    const page: { nodes: T[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } = await client.call(
      field,
      `query($after: String${declarations}) { ${field}(first: 100, after: $after${args}) { nodes { ${selection} } ${PAGE} } }`,
      { ...values, after },
    );
    rows.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return rows;
    // A server that hands back the same cursor would keep us paging forever.
    if (!page.pageInfo.endCursor || page.pageInfo.endCursor === after) {
      throw new CliError('BAD_RESPONSE', `the server's ${field} pages do not advance`);
    }
    after = page.pageInfo.endCursor;
  }
}

const USER_FIELDS = 'id name email displayName role serviceAccount createdAt updatedAt';
const USER_COLUMNS = {
  id: 'ID',
  email: 'EMAIL',
  role: 'ROLE',
  serviceAccount: 'SERVICE ACCOUNT',
  displayName: 'DISPLAY NAME',
};
const KEY_FIELDS = 'id displayName prefix owner { id } createdAt expiresAt lastUsedAt viewerCanDelete';

export function registerClientCommands(program: Command, apiKeyCommand: Command, ctx: ClientContext): void {
  program
    .command('whoami')
    .description('Show the caller: user, account, role and permissions of the API key in use.')
    .action(async () => {
      const viewer = await ctx
        .client()
        .call<Row>(
          'viewer',
          '{ viewer { role permissions user { id email displayName serviceAccount } account { id granularRolesEnabled } apiKey { id prefix } } }',
        );
      const user = viewer.user as Row;
      printRecord(
        ctx.output(),
        viewer,
        { who: 'User', accountId: 'Account', role: 'Role', key: 'API key', permissionList: 'Permissions' },
        {
          ...viewer,
          who: `${user.id}${user.email ? ` (${user.email})` : ''}${user.serviceAccount ? ' [service account]' : ''}`,
          accountId: (viewer.account as Row).id,
          key: `${(viewer.apiKey as Row).id} (${(viewer.apiKey as Row).prefix}...)`,
          permissionList: (viewer.permissions as string[]).join(', '),
        },
      );
    });

  const user = program.command('user').description('Manage users and service accounts.');
  user
    .command('create')
    .description('Add a person (--email) or a service account (--service-account --user-id ID).')
    .option('--email <email>', "the person's email")
    .addOption(roleOption('--role <role>', 'role (default user)'))
    .option('--display-name <name>', 'display name')
    .option('--service-account', 'create a service account (for automation)')
    .option('--user-id <id>', 'the user id (required for a service account)')
    .action(
      async (o: { email?: string; role?: Role; displayName?: string; serviceAccount?: boolean; userId?: string }) => {
        const input = {
          email: o.email,
          role: o.role,
          displayName: o.displayName,
          serviceAccount: o.serviceAccount ?? false,
          userId: o.userId,
        };
        const created = await ctx
          .client()
          .call<Row>(
            'createUser',
            `mutation($input: CreateUserInput!) { createUser(input: $input) { ${USER_FIELDS} } }`,
            { input },
          );
        printRecord(ctx.output(), created, {
          id: 'Created user',
          email: 'Email',
          role: 'Role',
          serviceAccount: 'Service account',
        });
      },
    );
  user
    .command('update <id>')
    .description("Change a user's role or display name.")
    .addOption(roleOption('--role <role>', 'new role'))
    .option('--display-name <name>', 'new display name')
    .action(async (id: string, o: { role?: Role; displayName?: string }) => {
      if (!o.role && o.displayName === undefined)
        throw new CliError('BAD_USER_INPUT', 'nothing to change: pass --role or --display-name');
      const updated = await ctx
        .client()
        .call<Row>(
          'updateUser',
          `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { ${USER_FIELDS} } }`,
          { id, input: { role: o.role, displayName: o.displayName } },
        );
      printRecord(ctx.output(), updated, {
        id: 'Updated user',
        email: 'Email',
        role: 'Role',
        displayName: 'Display name',
      });
    });
  user
    .command('delete <id>')
    .description('Delete a user and revoke all of their API keys.')
    .action(async (id: string) => {
      const deleted = await ctx
        .client()
        .call<string>('deleteUser', 'mutation($id: ID!) { deleteUser(id: $id) }', { id });
      print(ctx.output(), { id: deleted }, `Deleted user "${deleted}" and revoked their API keys.`);
    });
  user
    .command('list')
    .description('List the users of the account.')
    .option('--service-accounts', 'only service accounts')
    .action(async (o: { serviceAccounts?: boolean }) => {
      const rows = await listAll<Row>(ctx.client(), 'users', USER_FIELDS, {
        serviceAccount: ['Boolean', o.serviceAccounts ? true : null],
      });
      printTable(ctx.output(), rows, USER_COLUMNS);
    });

  apiKeyCommand
    .command('create')
    .description('Create an API key for yourself, or for a service account (admins). The secret is shown once.')
    .option('--key-name <name>', "the key's display name")
    .option('--service-account <id>', 'issue the key to this service account')
    .option('--expire-time <iso>', 'expiry, an ISO date or date-time', parseExpireTime)
    .action(async (o: { keyName?: string; serviceAccount?: string; expireTime?: string }) => {
      const created = await ctx
        .client()
        .call<{ key: string; apiKey: Row }>(
          'createApiKey',
          `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { ${KEY_FIELDS} } } }`,
          { input: { displayName: o.keyName, serviceAccountId: o.serviceAccount, expiresAt: o.expireTime } },
        );
      print(
        ctx.output(),
        created,
        [
          `Created API key "${created.apiKey.id}" for ${(created.apiKey.owner as Row).id}${created.apiKey.expiresAt ? `, expiring ${created.apiKey.expiresAt}` : ''}.`,
          `Key: ${created.key}`,
          'Store it now: it will not be shown again.',
        ].join('\n'),
      );
    });
  apiKeyCommand
    .command('delete <keyId>')
    .description("Revoke an API key (your own, or anyone's for admins).")
    .action(async (keyId: string) => {
      const deleted = await ctx
        .client()
        .call<string>('deleteApiKey', 'mutation($id: ID!) { deleteApiKey(id: $id) }', { id: keyId });
      print(ctx.output(), { id: deleted }, `Revoked API key "${deleted}".`);
    });
  apiKeyCommand
    .command('list')
    .description('List your live API keys, or with --all-users every live key of the account (admins).')
    .option('--all-users', "every user's keys")
    .action(async (o: { allUsers?: boolean }) => {
      const rows = await listAll<Row>(ctx.client(), 'apiKeys', KEY_FIELDS, {
        allUsers: ['Boolean', o.allUsers === true],
      });
      printTable(ctx.output(), rows, {
        id: 'ID',
        displayName: 'NAME',
        prefix: 'PREFIX',
        owner: 'OWNER',
        createdAt: 'CREATED',
        expiresAt: 'EXPIRES',
        lastUsedAt: 'LAST USED',
      });
    });

  program
    .command('infer <deploymentId> <prompt>')
    .description('Run inference on a deployment with one user message, and print the answer.')
    .option('--max-tokens <n>', 'most tokens to generate', parseInteger)
    .option('--temperature <t>', 'sampling temperature, 0 to 2', parseNumber)
    .action(async (deploymentId: string, prompt: string, o: { maxTokens?: number; temperature?: number }) => {
      const result = await ctx.client().call<Row>(
        'runInference',
        `mutation($id: ID!, $input: InferenceInput!) {
          runInference(deploymentId: $id, input: $input) { text finishReason usage { promptTokens completionTokens totalTokens } }
        }`,
        {
          id: deploymentId,
          input: { messages: [{ role: 'user', content: prompt }], maxTokens: o.maxTokens, temperature: o.temperature },
        },
      );
      print(ctx.output(), result, String(result.text));
    });
}
