import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { LessThan, MoreThan, type FindOptionsWhere, type Repository } from 'typeorm';
import { Errors } from '../errors';
import { ID_PATTERN } from '../ids';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last row of the previous page.' })
  after?: string | null;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => Boolean) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Connection<T> {
  nodes: T[];
  edges: { node: T; cursor: string }[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** The Relay-style connection and edge types for a node type, named `XConnection` and `XEdge`. */
export function connectionType<T extends object>(node: ClassType<T>, name: string): ClassType<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => node) node!: T;
    @Field(() => String) cursor!: string;
  }
  @ObjectType(`${name}Connection`)
  class ConnectionOf {
    @Field(() => [node]) nodes!: T[];
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int) totalCount!: number;
  }
  return ConnectionOf;
}

// Rows are ordered by their id, which is unique in an account, so the cursor is the id itself.
const encodeCursor = (id: string) => Buffer.from(`id:${id}`).toString('base64url');

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith('id:') || !ID_PATTERN.test(decoded.slice(3)) || encodeCursor(decoded.slice(3)) !== cursor) {
    throw Errors.badInput('after is not a cursor returned by this API', 'after');
  }
  return decoded.slice(3);
}

function pageSize(first: number | null | undefined): number {
  if (first == null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw Errors.badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return first;
}

/** One page of rows matching `where` (which must scope to the caller's account), ordered by id. */
export async function paginate<T extends { id: string }>(
  repo: Repository<T>,
  where: FindOptionsWhere<T>,
  args: PageArgs,
  direction: 'ASC' | 'DESC' = 'ASC',
): Promise<Connection<T>> {
  const take = pageSize(args.first);
  const after = args.after != null ? decodeCursor(args.after) : null;
  const beyond = direction === 'ASC' ? MoreThan : LessThan;
  const [rows, totalCount] = await Promise.all([
    repo.find({
      where: after === null ? where : ({ ...where, id: beyond(after) } as FindOptionsWhere<T>),
      order: { id: direction } as never,
      take: take + 1,
    }),
    repo.countBy(where),
  ]);
  const nodes = rows.slice(0, take);
  const edges = nodes.map((node) => ({ node, cursor: encodeCursor(node.id) }));
  return {
    nodes,
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > take,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
