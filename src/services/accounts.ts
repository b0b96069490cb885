import type { DataSource } from 'typeorm';
import { Account, User } from '../entities';
import { Errors } from '../errors';
import { assertValidId } from '../ids';
import { issueApiKey } from './api-keys';
import { createUser } from './users';
import { inTransaction } from '../store/store';

export interface NewAccount {
  id: string;
  adminEmail: string;
  granularRoles?: boolean;
  displayName?: string | null;
}

export interface CreatedAccount {
  account: Account;
  user: User;
  apiKey: string;
  keyId: string;
}

/** Creates an account, its first admin and the admin's first key, all or nothing. */
export function createAccount(db: DataSource, input: NewAccount): Promise<CreatedAccount> {
  return inTransaction(db, async (manager) => {
    const id = assertValidId(input.id, 'account');
    const repo = manager.getRepository(Account);
    if (await repo.existsBy({ id })) throw Errors.alreadyExists('account', `"${id}"`);
    const account = await repo.save(
      repo.create({ id, displayName: input.displayName ?? null, granularRolesEnabled: input.granularRoles ?? false }),
    );
    const user = await createUser(manager, account, { email: input.adminEmail, role: 'ADMIN', userId: 'admin' });
    const issued = await issueApiKey(manager, account, user, { displayName: 'initial admin key' });
    return { account, user, apiKey: issued.key, keyId: issued.apiKey.id };
  });
}

export async function findAccount(db: DataSource, id: string): Promise<Account> {
  const account = await db.getRepository(Account).findOneBy({ id: assertValidId(id, 'account') });
  if (!account) throw Errors.notFound('account', id);
  return account;
}

export async function updateAccount(db: DataSource, id: string, changes: { granularRolesEnabled?: boolean }) {
  const account = await findAccount(db, id);
  if (changes.granularRolesEnabled !== undefined) account.granularRolesEnabled = changes.granularRolesEnabled;
  return db.getRepository(Account).save(account);
}

export async function countAccounts(db: DataSource): Promise<number> {
  return db.getRepository(Account).count();
}
