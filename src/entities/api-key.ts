import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { timestampType } from '../store/dialect';

@ObjectType({ description: 'An API key. The secret itself is shown once, by createApiKey, and stored only as a hash.' })
@Entity('api_keys')
@Index(['accountPk', 'id'], { unique: true })
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  pk!: string;

  @Column({ type: 'varchar', length: 36 })
  accountPk!: string;

  /** The owning user's internal identity. */
  @Index()
  @Column({ type: 'varchar', length: 36 })
  ownerPk!: string;

  @Field(() => ID)
  @Column({ type: 'varchar', length: 63 })
  id!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Field(() => String, { description: 'The first characters of the key: enough to recognise it, not to use it.' })
  @Column({ type: 'varchar', length: 32 })
  prefix!: string;

  /** SHA-256 of the whole key; the key itself is never stored. Never a GraphQL field. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  secretHash!: string;

  @Field(() => Date)
  @CreateDateColumn({ type: timestampType })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: timestampType, nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: timestampType, nullable: true })
  lastUsedAt!: Date | null;

  /** Set by deleteApiKey; a revoked key never authenticates again. Kept for the record. */
  @Column({ type: timestampType, nullable: true })
  revokedAt!: Date | null;
}
