import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import type { Permission } from '../authz/role-matrix';
import type { Viewer } from '../authz/viewer';
import { ApiKey, Dataset, User } from '../entities';
import { liveKeys } from '../services/api-keys';

/** Per-request loaders: one query per relation and page, however many rows ask. */
export interface Loaders {
  userByPk: DataLoader<string, User | null>;
  datasetByPk: DataLoader<string, Dataset | null>;
  liveKeysByOwnerPk: DataLoader<string, ApiKey[]>;
}

export interface RequestContext {
  readonly viewer: Viewer;
  readonly db: DataSource;
  readonly loaders: Loaders;
  /** What execution did, as it happened: what the audit trail records. */
  readonly executed: ExecutionRecord;
}

export interface ExecutionRecord {
  /** Root mutation fields execution reached (authorized or not), by response key. */
  readonly mutations: Map<string, { operation: string; target: string | null }>;
  /** Fields a guard denied, by schema coordinate and permission (`Deployment.endpointUrl|...`). */
  readonly denials: Map<string, { field: string; permission: Permission | null }>;
}

function byPk<T extends { pk: string; accountPk: string }>(db: DataSource, entity: new () => T, accountPk: string) {
  return new DataLoader<string, T | null>(async (pks) => {
    // Scoped to the caller's account even though pks come from our own rows: defence in depth.
    const rows = await db.getRepository(entity).findBy({ pk: In([...pks]), accountPk } as never);
    const found = new Map(rows.map((r) => [r.pk, r]));
    return pks.map((pk) => found.get(pk) ?? null);
  });
}

export function createContext(db: DataSource, viewer: Viewer): RequestContext {
  return {
    viewer,
    db,
    executed: { mutations: new Map(), denials: new Map() },
    loaders: {
      userByPk: byPk(db, User, viewer.account.pk),
      datasetByPk: byPk(db, Dataset, viewer.account.pk),
      liveKeysByOwnerPk: new DataLoader(async (ownerPks) => {
        const keys = await db
          .getRepository(ApiKey)
          .find({ where: liveKeys(viewer.account.pk, { ownerPk: In([...ownerPks]) }), order: { id: 'ASC' } });
        return ownerPks.map((pk) => keys.filter((k) => k.ownerPk === pk));
      }),
    },
  };
}
