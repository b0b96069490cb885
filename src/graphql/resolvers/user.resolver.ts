import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { Role } from '../../authz/role-matrix';
import { ApiKey, User } from '../../entities';
import { createUser, deleteUser, findUser, updateUser } from '../../services/users';
import type { RequestContext } from '../context';
import { RoleEnum } from '../enums';
import { connectionType, PageArgs, paginate } from '../pagination';
import { inTransaction } from '../../store/store';

export const UserConnection = connectionType(User, 'User');

@ArgsType()
class UsersArgs extends PageArgs {
  @Field(() => Boolean, { nullable: true, description: 'true: only service accounts; false: only people.' })
  serviceAccount?: boolean | null;
}

@InputType({ description: 'A person needs an email; a service account needs a userId.' })
class CreateUserInput {
  @Field(() => ID, { nullable: true }) userId?: string | null;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => RoleEnum, { nullable: true, defaultValue: 'USER' }) role?: Role | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) serviceAccount?: boolean | null;
}

@InputType()
class UpdateUserInput {
  @Field(() => RoleEnum, { nullable: true }) role?: Role | null;
  @Field(() => String, { nullable: true }) displayName?: string | null;
}

@Resolver(() => User)
export class UserResolver {
  @Query(() => UserConnection)
  users(@Args(() => UsersArgs) args: UsersArgs, @Ctx() { db, viewer }: RequestContext) {
    const where = {
      accountPk: viewer.account.pk,
      ...(args.serviceAccount != null && { serviceAccount: args.serviceAccount }),
    };
    return paginate(db.getRepository(User), where, args);
  }

  @Query(() => User, { nullable: true })
  user(@Arg('id', () => ID) id: string, @Ctx() { db, viewer }: RequestContext) {
    return findUser(db.manager, viewer.account, id);
  }

  @Mutation(() => User)
  createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput, @Ctx() { db, viewer }: RequestContext) {
    return inTransaction(db, (manager) => createUser(manager, viewer.account, input));
  }

  @Mutation(() => User)
  updateUser(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
    @Ctx() { db, viewer }: RequestContext,
  ) {
    return inTransaction(db, (manager) => updateUser(manager, viewer.account, id, input));
  }

  @Mutation(() => ID, { description: "Deletes the user and revokes all of the user's API keys." })
  deleteUser(@Arg('id', () => ID) id: string, @Ctx() { db, viewer }: RequestContext) {
    return inTransaction(db, (manager) => deleteUser(manager, viewer.account, id));
  }

  @FieldResolver(() => String, { description: 'Full resource name, e.g. accounts/acme/users/alice.' })
  name(@Root() user: User, @Ctx() { viewer }: RequestContext): string {
    return `accounts/${viewer.account.id}/users/${user.id}`;
  }

  @FieldResolver(() => [ApiKey], {
    nullable: true,
    description: "The user's live (not revoked, not expired) API keys.",
  })
  apiKeys(@Root() user: User, @Ctx() { loaders }: RequestContext) {
    return loaders.liveKeysByOwnerPk.load(user.pk);
  }
}
