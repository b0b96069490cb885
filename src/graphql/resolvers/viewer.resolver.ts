import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { isAssignable, permissionsOf, ROLES, type Permission, type Role } from '../../authz/role-matrix';
import { Account, ApiKey, User } from '../../entities';
import type { RequestContext } from '../context';
import { PermissionEnum, RoleEnum } from '../enums';

@ObjectType({ description: 'The caller: the API key in use, its owner and what the owner may do now.' })
class Viewer {
  @Field(() => User) user!: User;
  @Field(() => Account) account!: Account;
  @Field(() => RoleEnum) role!: Role;
  @Field(() => [PermissionEnum], { description: "The caller's permissions, from the role matrix; frontends use it." })
  permissions!: Permission[];
  @Field(() => ApiKey) apiKey!: ApiKey;
}

@ObjectType({ description: 'One role of the role matrix and the permissions it grants.' })
class RoleGrant {
  @Field(() => RoleEnum) role!: Role;
  @Field(() => [PermissionEnum]) permissions!: Permission[];
  @Field(() => Boolean, { description: "Whether the role can be assigned in the caller's account now." })
  assignable!: boolean;
}

@Resolver()
export class ViewerResolver {
  @Query(() => Viewer)
  viewer(@Ctx() { viewer }: RequestContext): Viewer {
    return {
      user: viewer.user,
      account: viewer.account,
      apiKey: viewer.apiKey,
      role: viewer.user.role,
      permissions: permissionsOf(viewer.user.role),
    };
  }

  @Query(() => [RoleGrant], { description: 'The role matrix, as the server enforces it.' })
  roleMatrix(@Ctx() { viewer }: RequestContext): RoleGrant[] {
    return ROLES.map((role) => ({
      role,
      permissions: permissionsOf(role),
      assignable: isAssignable(role, viewer.account.granularRolesEnabled),
    }));
  }
}
