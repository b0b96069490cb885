import type { DataSource } from 'typeorm';
import type { Role } from '../../src/authz/role-matrix';
import { Account, Resource, User } from '../../src/entities';
import { createRateLimiters, rateLimitSettings, type RateLimitSettings } from '../../src/http/rate-limit';
import { limitsFromEnv, type Limits } from '../../src/graphql/limits';
import { startServer, type RunningServer } from '../../src/server';
import { createAccount } from '../../src/services/accounts';
import { issueApiKey } from '../../src/services/api-keys';
import { createUser } from '../../src/services/users';
import { inTransaction, openStore } from '../../src/store/store';
import { createTestStore, type TestStore } from './store';

export interface GqlResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, any> | null;
    errors?: {
      message: string;
      path?: (string | number)[];
      locations?: { line: number; column: number }[];
      extensions?: Record<string, any>;
    }[];
  };
}

export interface Actor {
  user: User;
  key: string;
}

/** POSTs one GraphQL operation over real HTTP. */
export async function gql(
  url: string,
  key: string | undefined,
  query: string,
  variables?: object,
): Promise<GqlResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key !== undefined && { authorization: `Bearer ${key}` }) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GqlResponse['body'] };
}

let counter = 0;
/** A name unique within this test process. */
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

/**
 * A real server on a loopback port over a store of its own (test/helpers/store.ts), with one account
 * (`acme`) and its first admin. Everything a test needs goes through HTTP except
 * fixtures, which are written with the same services the server uses.
 */
export class Harness {
  private constructor(
    readonly db: DataSource,
    readonly server: RunningServer,
    readonly account: Account,
    readonly admin: Actor,
    readonly store: TestStore,
  ) {}

  static async start(
    options: {
      granularRoles?: boolean;
      accountId?: string;
      rateLimits?: Partial<RateLimitSettings>;
      limits?: Partial<Limits>;
    } = {},
  ): Promise<Harness> {
    const store = await createTestStore();
    try {
      const db = await openStore({ ...process.env, ...store.env });
      const created = await createAccount(db, {
        id: options.accountId ?? 'acme',
        adminEmail: 'admin@acme.test',
        granularRoles: options.granularRoles ?? true,
      });
      const limiters = createRateLimiters({ ...rateLimitSettings({}), ...options.rateLimits });
      const limits = { ...limitsFromEnv({}), ...options.limits };
      const server = await startServer({ db, port: 0, host: '127.0.0.1', limiters, limits });
      return new Harness(db, server, created.account, { user: created.user, key: created.apiKey }, store);
    } catch (error) {
      await store.drop();
      throw error;
    }
  }

  get url(): string {
    return this.server.url;
  }

  gql(key: string | undefined, query: string, variables?: object): Promise<GqlResponse> {
    return gql(this.url, key, query, variables);
  }

  /** A new user of the given role with a fresh key. */
  async actor(role: Role, options: { serviceAccount?: boolean; account?: Account } = {}): Promise<Actor> {
    const account = options.account ?? this.account;
    const id = unique(role.toLowerCase().replace(/_/g, '-'));
    const user = await inTransaction(this.db, (m) =>
      createUser(m, account, {
        userId: id,
        email: options.serviceAccount ? null : `${id}@acme.test`,
        role,
        serviceAccount: options.serviceAccount ?? false,
      }),
    );
    return { user, key: await this.keyFor(user, account) };
  }

  async keyFor(user: User, account: Account = this.account, expiresAt?: Date): Promise<string> {
    return (await inTransaction(this.db, (m) => issueApiKey(m, account, user, { expiresAt }))).key;
  }

  /** A resource row created directly, owned by `creator` (null: creator unknown). */
  async resource<E extends Resource>(
    entity: new () => E,
    creator: User | null,
    columns: Partial<E> = {},
    account: Account = this.account,
  ): Promise<E> {
    const repo = this.db.getRepository(entity);
    const defaults: Record<string, Partial<Resource> & Record<string, unknown>> = {
      Deployment: { model: 'llama-3-8b', minReplicas: 1, maxReplicas: 1, state: 'READY' as never },
      Model: {},
      Dataset: { format: 'jsonl', exampleCount: 10, sourceUri: 's3://bucket/data.jsonl' },
      FineTuningJob: { baseModel: 'llama-3-8b', state: 'PENDING' as never },
    };
    const row = repo.create({
      ...defaults[entity.name],
      ...columns,
      id: columns.id ?? unique(entity.name.toLowerCase()),
      accountPk: account.pk,
      createdByPk: creator?.pk ?? null,
    } as never) as unknown as E;
    return (await repo.save(row as never)) as unknown as E;
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.destroy();
    await this.store.drop();
  }
}
