import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, type ClassType } from 'type-graphql';
import type { EntityManager } from 'typeorm';
import { abilities, authorize } from '../../authz/policies';
import { Resource, User } from '../../entities';
import { Errors } from '../../errors';
import { assertValidId, generateId } from '../../ids';
import type { ResourceKind } from '../../resource-kinds';
import { isUniqueViolation } from '../../store/unique';
import type { RequestContext } from '../context';
import { connectionType, PageArgs, paginate } from '../pagination';
import { forUpdate, inTransaction } from '../../store/store';

/** What differs between resource kinds: their entity, inputs, and how inputs become columns. */
export interface ResourceSpec<E extends Resource, C extends { id?: string | null }, U extends object> {
  kind: ResourceKind;
  entity: ClassType<E>;
  createInput: ClassType<C>;
  updateInput: ClassType<U>;
  /** Validates a create input and returns the kind's own columns. */
  build(input: C, manager: EntityManager, ctx: RequestContext): Promise<Partial<E>> | Partial<E>;
  /** Validates an update input and applies it to the loaded row. */
  patch(row: E, input: U, manager: EntityManager, ctx: RequestContext): Promise<void> | void;
}

const toKebab = (type: string) => type.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
const humanName = (type: string) => toKebab(type).replace(/-/g, ' ');

/**
 * The queries, mutations and shared fields of one resource kind. Every lookup is
 * scoped to the caller's account, and update/delete follow one pattern: load the
 * target in the caller's account, judge that object, then write.
 */
export function resourceResolver<E extends Resource, C extends { id?: string | null }, U extends object>(
  spec: ResourceSpec<E, C, U>,
) {
  const { kind, entity } = spec;
  const Connection = connectionType(entity, kind.type);
  const noun = humanName(kind.type);

  /** The row in the caller's account, or NOT_FOUND; `lock` holds it until the transaction ends. */
  async function load(manager: EntityManager, ctx: RequestContext, id: string, lock = false): Promise<E> {
    const row = await manager.getRepository(entity).findOne({
      where: { accountPk: ctx.viewer.account.pk, id: assertValidId(id) } as never,
      ...(lock && forUpdate(manager)),
    });
    if (!row) throw Errors.notFound(noun, id);
    return row;
  }

  @Resolver(() => entity)
  class KindResolver {
    @Query(() => Connection, { name: kind.plural })
    list(@Args(() => PageArgs) args: PageArgs, @Ctx() { db, viewer }: RequestContext) {
      return paginate(db.getRepository(entity), { accountPk: viewer.account.pk } as never, args);
    }

    @Query(() => entity, { name: kind.singular, nullable: true })
    get(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
      return load(ctx.db.manager, ctx, id);
    }

    @Mutation(() => entity, { name: `create${kind.type}` })
    async create(@Arg('input', () => spec.createInput) input: C, @Ctx() ctx: RequestContext) {
      const id = input.id != null ? assertValidId(input.id) : generateId(toKebab(kind.type));
      try {
        return await inTransaction(ctx.db, async (manager) => {
          const repo = manager.getRepository(entity);
          if (await repo.existsBy({ accountPk: ctx.viewer.account.pk, id } as never)) {
            throw Errors.alreadyExists(noun, `"${id}"`);
          }
          const columns = await spec.build(input, manager, ctx);
          const row = repo.create({
            ...columns,
            accountPk: ctx.viewer.account.pk,
            id,
            createdByPk: ctx.viewer.user.pk,
          } as never);
          return repo.save(row);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw Errors.alreadyExists(noun, `"${id}"`);
        throw error;
      }
    }

    @Mutation(() => entity, { name: `update${kind.type}` })
    update(
      @Arg('id', () => ID) id: string,
      @Arg('input', () => spec.updateInput) input: U,
      @Ctx() ctx: RequestContext,
    ) {
      return inTransaction(ctx.db, async (manager) => {
        const row = await load(manager, ctx, id, true);
        authorize(abilities.manageResource(ctx.viewer, row));
        await spec.patch(row, input, manager, ctx);
        return manager.getRepository(entity).save(row);
      });
    }

    @Mutation(() => ID, { name: `delete${kind.type}` })
    delete(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
      return inTransaction(ctx.db, async (manager) => {
        const row = await load(manager, ctx, id, true);
        authorize(abilities.manageResource(ctx.viewer, row));
        await manager.getRepository(entity).delete({ pk: row.pk } as never);
        return row.id;
      });
    }

    @FieldResolver(() => String)
    name(@Root() row: E, @Ctx() { viewer }: RequestContext): string {
      return `accounts/${viewer.account.id}/${kind.collection}/${row.id}`;
    }

    @FieldResolver(() => User, { nullable: true })
    createdBy(@Root() row: E, @Ctx() { loaders }: RequestContext) {
      return row.createdByPk ? loaders.userByPk.load(row.createdByPk) : null;
    }

    @FieldResolver(() => Boolean)
    viewerCanUpdate(@Root() row: E, @Ctx() { viewer }: RequestContext): boolean {
      return abilities.manageResource(viewer, row).allowed;
    }

    @FieldResolver(() => Boolean)
    viewerCanDelete(@Root() row: E, @Ctx() { viewer }: RequestContext): boolean {
      return abilities.manageResource(viewer, row).allowed;
    }
  }
  Object.defineProperty(KindResolver, 'name', { value: `${kind.type}Resolver` });
  return KindResolver;
}
