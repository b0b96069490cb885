import type { EntityManager } from 'typeorm';
import { DEFAULT_ROLE, isAssignable, type Role } from '../authz/role-matrix';
import { Account, ApiKey, User } from '../entities';
import { Errors } from '../errors';
import { assertValidId, generateId } from '../ids';
import { lockAccount } from '../store/store';
import { isUniqueViolation } from '../store/unique';
import { email as validEmail, optionalText } from './validate';

export interface NewUser {
  userId?: string | null;
  email?: string | null;
  displayName?: string | null;
  role?: Role | null;
  serviceAccount?: boolean | null;
}

export async function findUser(manager: EntityManager, account: Account, id: string): Promise<User> {
  const user = await manager.getRepository(User).findOneBy({ accountPk: account.pk, id: assertValidId(id) });
  if (!user) throw Errors.notFound('user', id);
  return user;
}

function assertAssignable(account: Account, role: Role): void {
  if (!isAssignable(role, account.granularRolesEnabled)) {
    throw Errors.failedPrecondition(`role ${role} cannot be assigned: granular roles are not enabled for this account`);
  }
}

/** Creates a person (needs an email) or a service account (needs a userId). */
export async function createUser(manager: EntityManager, account: Account, input: NewUser): Promise<User> {
  const serviceAccount = input.serviceAccount ?? false;
  const role = input.role ?? DEFAULT_ROLE;
  if (serviceAccount && !input.userId) throw Errors.badInput('a service account needs a userId', 'userId');
  if (!serviceAccount && !input.email) throw Errors.badInput('a user needs an email', 'email');
  const email = input.email != null ? validEmail(input.email) : null;
  const id = input.userId != null ? assertValidId(input.userId, 'userId') : generateId('user');
  const displayName = optionalText(input.displayName, 'displayName') ?? null;
  assertAssignable(account, role);

  // The account first, like every write to users and keys (see lockAccount).
  await lockAccount(manager, account.pk);
  const repo = manager.getRepository(User);
  if (await repo.existsBy({ accountPk: account.pk, id })) throw Errors.alreadyExists('user', `"${id}"`);
  if (email && (await repo.existsBy({ accountPk: account.pk, email }))) {
    throw Errors.alreadyExists('user with email', `"${email}"`);
  }
  try {
    return await repo.save(repo.create({ accountPk: account.pk, id, email, displayName, role, serviceAccount }));
  } catch (error) {
    if (isUniqueViolation(error)) throw Errors.alreadyExists('user', `"${id}" or email "${email}"`);
    throw error;
  }
}

/** The account keeps at least one human admin: refuse a change that would leave it none. */
async function assertKeepsHumanAdmin(manager: EntityManager, account: Account, leaving: User): Promise<void> {
  if (leaving.role !== 'ADMIN' || leaving.serviceAccount) return;
  const others = await manager
    .getRepository(User)
    .createQueryBuilder('u')
    .where('u.accountPk = :account AND u.role = :role AND u.serviceAccount = :sa AND u.pk <> :pk', {
      account: account.pk,
      role: 'ADMIN',
      sa: false,
      pk: leaving.pk,
    })
    .getCount();
  if (others === 0) throw Errors.failedPrecondition('the account must keep at least one human ADMIN');
}

export interface UserChanges {
  role?: Role | null;
  displayName?: string | null;
}

/** Must run inside a transaction: the admin count and the write see the same state. */
export async function updateUser(manager: EntityManager, account: Account, id: string, changes: UserChanges) {
  await lockAccount(manager, account.pk);
  const user = await findUser(manager, account, id);
  if (changes.displayName !== undefined) user.displayName = optionalText(changes.displayName, 'displayName') ?? null;
  if (changes.role === null) throw Errors.badInput('role cannot be null', 'role');
  if (changes.role !== undefined && changes.role !== user.role) {
    assertAssignable(account, changes.role);
    await assertKeepsHumanAdmin(manager, account, user);
    user.role = changes.role;
  }
  return manager.getRepository(User).save(user);
}

/** Deletes the user and their keys (so the keys stop working); their resources stay, creator unknown. */
export async function deleteUser(manager: EntityManager, account: Account, id: string): Promise<string> {
  await lockAccount(manager, account.pk);
  const user = await findUser(manager, account, id);
  await assertKeepsHumanAdmin(manager, account, user);
  await manager.getRepository(ApiKey).delete({ ownerPk: user.pk });
  await manager.getRepository(User).delete({ pk: user.pk });
  return user.id;
}
