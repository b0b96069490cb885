import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '../authz/role-matrix';
import { RoleEnum } from '../graphql/enums';
import { timestampType } from '../store/dialect';

@ObjectType({ description: 'A person or a service account of the account.' })
@Entity('users')
@Index(['accountPk', 'id'], { unique: true })
@Index(['accountPk', 'email'], { unique: true })
export class User {
  /**
   * Internal identity. Ownership of resources refers to this, never to `id`: a user
   * created later with a deleted user's `id` owns nothing of the old one's.
   */
  @PrimaryGeneratedColumn('uuid')
  pk!: string;

  @Column({ type: 'varchar', length: 36 })
  accountPk!: string;

  @Field(() => ID)
  @Column({ type: 'varchar', length: 63 })
  id!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Field(() => RoleEnum)
  @Column({ type: 'varchar', length: 32 })
  role!: Role;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: false })
  serviceAccount!: boolean;

  @Field(() => Date)
  @CreateDateColumn({ type: timestampType })
  createdAt!: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: timestampType })
  updatedAt!: Date;
}
