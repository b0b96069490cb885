import { QueryFailedError } from 'typeorm';

/** True for a unique-constraint violation in SQLite or PostgreSQL: a concurrent insert won the race. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string } | undefined;
  return driverError?.code === '23505' || /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test(driverError?.code ?? '');
}
