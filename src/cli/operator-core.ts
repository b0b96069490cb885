// What the operator commands need from the server side. Loaded only when one of them
// runs, so client commands start without the schema, the ORM and the drivers.
export { isCodedError } from '../errors';
export { logger } from '../logger';
export { startServer } from '../server';
export { createAccount, countAccounts, findAccount, updateAccount } from '../services/accounts';
export { issueApiKey } from '../services/api-keys';
export { findUser } from '../services/users';
export { inTransaction, migrate, openStore } from '../store/store';
