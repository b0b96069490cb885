/**
 * Which SQL dialect the entities are declared for. Column decorators run at import
 * time, so the choice is read from the environment once, the same way ormconfig.ts
 * chooses the driver: DATABASE_URL=postgres://... selects PostgreSQL, anything else
 * the embedded SQLite store.
 */
export function isPostgresUrl(url: string | undefined): boolean {
  return !!url && /^postgres(ql)?:\/\//i.test(url);
}

export const usesPostgres = isPostgresUrl(process.env.DATABASE_URL);

/** A point in time, stored with its zone where the database can. */
export const timestampType = usesPostgres ? 'timestamptz' : 'datetime';
