import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { timestampType } from '../store/dialect';

@ObjectType({ description: 'The account a caller belongs to; every object lives in exactly one account.' })
@Entity('accounts')
export class Account {
  /** Internal identity; never exposed. */
  @PrimaryGeneratedColumn('uuid')
  pk!: string;

  @Field(() => ID)
  @Column({ type: 'varchar', length: 63, unique: true })
  id!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Field(() => Boolean, {
    description: 'Whether CONTRIBUTOR and INFERENCE_USER may be assigned in this account (set by the operator).',
  })
  @Column({ type: 'boolean', default: false })
  granularRolesEnabled!: boolean;

  @CreateDateColumn({ type: timestampType })
  createdAt!: Date;

  @Field(() => String, { description: 'Full resource name, e.g. accounts/acme.' })
  get name(): string {
    return `accounts/${this.id}`;
  }
}
