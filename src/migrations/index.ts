import { Initial1796303953178 as PostgresInitial } from './postgres/1796303953178-Initial';
import { AuditTrail1796306948519 as PostgresAuditTrail } from './postgres/1796306948519-AuditTrail';
import { AuthEpochs1796500000001 as PostgresAuthEpochs } from './postgres/1796500000001-AuthEpochs';
import { Initial1796303951991 as SqliteInitial } from './sqlite/1796303951991-Initial';
import { AuditTrail1796306944410 as SqliteAuditTrail } from './sqlite/1796306944410-AuditTrail';
import { AuthEpochs1796500000000 as SqliteAuthEpochs } from './sqlite/1796500000000-AuthEpochs';

// Migrations per store, oldest first. After changing an entity, generate one for each
// store (README, "Development") and list both here; a test fails while the entities
// and the migrations disagree.
export const SQLITE_MIGRATIONS = [SqliteInitial, SqliteAuditTrail, SqliteAuthEpochs];
export const POSTGRES_MIGRATIONS = [PostgresInitial, PostgresAuditTrail, PostgresAuthEpochs];
