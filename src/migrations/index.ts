import { Initial1796303953178 as PostgresInitial } from './postgres/1796303953178-Initial';
import { Initial1796303951991 as SqliteInitial } from './sqlite/1796303951991-Initial';

// Migrations per store, oldest first. After changing an entity, generate the pair with
//   npm run migration:generate -- Name
// and list them here. A test fails while the entities and the migrations disagree.
export const SQLITE_MIGRATIONS = [SqliteInitial];
export const POSTGRES_MIGRATIONS = [PostgresInitial];
