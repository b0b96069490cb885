import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { timestampType } from '../store/dialect';

export enum AuditOutcome {
  ALLOWED = 'ALLOWED',
  DENIED = 'DENIED',
  FAILED = 'FAILED',
}
registerEnumType(AuditOutcome, {
  name: 'AuditOutcome',
  description:
    'ALLOWED: done; DENIED: refused for a missing permission; FAILED: allowed but not done (bad input, a conflict, rolled back).',
});

/**
 * One audited act: a mutation (whatever its outcome) or a field denied to its caller.
 * It names who, with which key, what and on which target; it never holds a secret or
 * an input value other than the target's id. Actor ids are copied, so the record
 * outlives the user.
 */
@ObjectType({
  description: 'A mutation (allowed, denied or failed) or a denied field, as the audit trail recorded it.',
})
@Entity('audit_events')
@Index(['accountPk', 'id'], { unique: true })
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid')
  pk!: string;

  @Column({ type: 'varchar', length: 36 })
  accountPk!: string;

  /** Time-ordered (base36 milliseconds first), so newest-first is ordering by id. */
  @Field(() => ID)
  @Column({ type: 'varchar', length: 63 })
  id!: string;

  @Field(() => Date)
  @Column({ type: timestampType })
  occurredAt!: Date;

  @Field(() => ID, { description: 'The acting user id at the time.' })
  @Index()
  @Column({ type: 'varchar', length: 63 })
  actorId!: string;

  @Column({ type: 'varchar', length: 36 })
  actorPk!: string;

  @Field(() => ID, { description: 'The API key used.' })
  @Column({ type: 'varchar', length: 63 })
  apiKeyId!: string;

  @Field(() => String, { description: 'The mutation (createUser) or the denied field (Deployment.endpointUrl).' })
  @Column({ type: 'varchar', length: 200 })
  operation!: string;

  @Field(() => String, { nullable: true, description: "The target object's id, when the operation names one." })
  @Column({ type: 'varchar', length: 200, nullable: true })
  target!: string | null;

  @Field(() => AuditOutcome)
  @Column({ type: 'varchar', length: 16 })
  outcome!: AuditOutcome;

  @Field(() => String, { nullable: true, description: 'The permission that was missing (DENIED) or required.' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  permission!: string | null;

  @Field(() => String, { nullable: true, description: 'The error code of a DENIED or FAILED event.' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;
}
