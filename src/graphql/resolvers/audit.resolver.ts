import { Args, ArgsType, Ctx, Field, ID, Query, Resolver } from 'type-graphql';
import { AuditEvent, AuditOutcome } from '../../entities';
import type { RequestContext } from '../context';
import { connectionType, PageArgs, paginate } from '../pagination';

const AuditEventConnection = connectionType(AuditEvent, 'AuditEvent');

@ArgsType()
class AuditEventsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only events of this acting user id.' })
  actorId?: string | null;

  @Field(() => AuditOutcome, { nullable: true, description: 'Only events with this outcome.' })
  outcome?: AuditOutcome | null;
}

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: "The account's audit trail, newest first." })
  auditEvents(@Args(() => AuditEventsArgs) args: AuditEventsArgs, @Ctx() { db, viewer }: RequestContext) {
    const where = {
      accountPk: viewer.account.pk,
      ...(args.actorId != null && { actorId: args.actorId }),
      ...(args.outcome != null && { outcome: args.outcome }),
    };
    return paginate(db.getRepository(AuditEvent), where, args, 'DESC');
  }
}
