import { Field, ID, InterfaceType } from 'type-graphql';
import { Column, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from './user';
import { timestampType } from '../store/dialect';

/**
 * What every resource kind shares: a table per kind (concrete table inheritance),
 * one GraphQL interface. `createdByPk` is the creator's internal identity and the
 * only input to ownership decisions.
 */
@InterfaceType('Resource', { description: 'A deployment, model, dataset or fine-tuning job.' })
export abstract class Resource {
  @PrimaryGeneratedColumn('uuid')
  pk!: string;

  @Column({ type: 'varchar', length: 36 })
  accountPk!: string;

  @Field(() => ID)
  @Column({ type: 'varchar', length: 63 })
  id!: string;

  @Field(() => String, { description: 'Full resource name, e.g. accounts/acme/deployments/llama-prod.' })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  /** Internal identity of the creator; null once the creator is deleted. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  createdByPk!: string | null;

  @Field(() => User, { nullable: true, description: 'The creator; null once the creator is deleted.' })
  createdBy?: User | null;

  @Field(() => Date)
  @CreateDateColumn({ type: timestampType })
  createdAt!: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: timestampType })
  updatedAt!: Date;

  @Field(() => Boolean, { description: 'Whether the caller may update this resource.' })
  viewerCanUpdate!: boolean;

  @Field(() => Boolean, { description: 'Whether the caller may delete this resource.' })
  viewerCanDelete!: boolean;
}
