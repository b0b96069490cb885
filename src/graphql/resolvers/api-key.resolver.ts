import { GraphQLDateTime } from 'graphql-scalars';
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
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { abilities, authorize } from '../../authz/policies';
import { ApiKey, User } from '../../entities';
import { Errors } from '../../errors';
import { findApiKey, issueApiKey, liveKeys, revokeApiKey } from '../../services/api-keys';
import { findUser } from '../../services/users';
import type { RequestContext } from '../context';
import { connectionType, PageArgs, paginate } from '../pagination';
import { inTransaction, lockAccount } from '../../store/store';

const ApiKeyConnection = connectionType(ApiKey, 'ApiKey');

@ArgsType()
class ApiKeysArgs extends PageArgs {
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: "true: every user's keys (needs API_KEYS_DELETE_ANY).",
  })
  allUsers?: boolean | null;
}

@InputType()
class CreateApiKeyInput {
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => GraphQLDateTime, { nullable: true }) expiresAt?: Date | null;
  @Field(() => ID, { nullable: true, description: 'Issue the key to this service account instead of the caller.' })
  serviceAccountId?: string | null;
}

@ObjectType({ description: 'A new key and its secret. The secret is shown this once and cannot be read again.' })
class CreatedApiKey {
  @Field(() => ApiKey) apiKey!: ApiKey;
  @Field(() => String) key!: string;
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Query(() => ApiKeyConnection, {
    description: "The caller's live (not revoked, not expired) keys, or with allUsers every live key of the account.",
  })
  apiKeys(@Args(() => ApiKeysArgs) args: ApiKeysArgs, @Ctx() { db, viewer }: RequestContext) {
    const where = liveKeys(viewer.account.pk, args.allUsers ? {} : { ownerPk: viewer.user.pk });
    return paginate(db.getRepository(ApiKey), where, args);
  }

  @Mutation(() => CreatedApiKey)
  createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() { db, viewer }: RequestContext) {
    return inTransaction(db, async (manager) => {
      let owner: User = viewer.user;
      if (input.serviceAccountId != null) {
        owner = await findUser(manager, viewer.account, input.serviceAccountId);
        if (!owner.serviceAccount) {
          throw Errors.badInput('serviceAccountId names a person, not a service account', 'serviceAccountId');
        }
      }
      authorize(abilities.createApiKey(viewer, owner.serviceAccount));
      return issueApiKey(manager, viewer.account, owner, input);
    });
  }

  @Mutation(() => ID, { description: 'Revokes a key; it stops working at once.' })
  deleteApiKey(@Arg('id', () => ID) id: string, @Ctx() { db, viewer }: RequestContext) {
    return inTransaction(db, async (manager) => {
      // The account first, as every write to users and keys does: the revocation moves the
      // account's auth epoch, and a user deletion holding that epoch may be revoking this key.
      await lockAccount(manager, viewer.account.pk);
      const apiKey = await findApiKey(manager, viewer.account, id);
      authorize(abilities.deleteApiKey(viewer, apiKey));
      return revokeApiKey(manager, apiKey);
    });
  }

  @FieldResolver(() => User)
  async owner(@Root() apiKey: ApiKey, @Ctx() { loaders }: RequestContext) {
    const owner = await loaders.userByPk.load(apiKey.ownerPk);
    // Keys are deleted with their owner, so a key listed without one was deleted, with its
    // owner, while this request ran (the list and the owners are read by separate statements).
    if (!owner) throw Errors.notFound('API key', apiKey.id);
    return owner;
  }

  @FieldResolver(() => Boolean, { description: 'Whether the caller may delete (revoke) this key.' })
  viewerCanDelete(@Root() apiKey: ApiKey, @Ctx() { viewer }: RequestContext): boolean {
    return abilities.deleteApiKey(viewer, apiKey).allowed;
  }
}
