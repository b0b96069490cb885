import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { Resource } from './resource';

export enum JobState {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(JobState, { name: 'JobState' });

export enum DeploymentState {
  CREATING = 'CREATING',
  READY = 'READY',
  UPDATING = 'UPDATING',
  FAILED = 'FAILED',
}
registerEnumType(DeploymentState, { name: 'DeploymentState' });

@ObjectType({ implements: Resource })
@Entity('models')
@Index(['accountPk', 'id'], { unique: true })
export class Model extends Resource {
  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 300, nullable: true })
  baseModel!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;
}

@ObjectType({ implements: Resource })
@Entity('datasets')
@Index(['accountPk', 'id'], { unique: true })
export class Dataset extends Resource {
  @Field(() => String)
  @Column({ type: 'varchar', length: 64 })
  format!: string;

  @Field(() => Int)
  @Column({ type: 'integer', default: 0 })
  exampleCount!: number;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 2048, nullable: true })
  sourceUri!: string | null;
}

@ObjectType({ implements: Resource })
@Entity('fine_tuning_jobs')
@Index(['accountPk', 'id'], { unique: true })
export class FineTuningJob extends Resource {
  @Field(() => String)
  @Column({ type: 'varchar', length: 300 })
  baseModel!: string;

  /** Internal identity of the training dataset; null once that dataset is deleted. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  datasetPk!: string | null;

  @Field(() => Dataset, { nullable: true })
  dataset?: Dataset | null;

  @Field(() => JobState)
  @Column({ type: 'varchar', length: 16, default: JobState.PENDING })
  state!: JobState;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'integer', nullable: true })
  epochs!: number | null;

  @Field(() => Float, { nullable: true })
  @Column({ type: 'double precision', nullable: true })
  learningRate!: number | null;
}

@ObjectType({ implements: Resource })
@Entity('deployments')
@Index(['accountPk', 'id'], { unique: true })
export class Deployment extends Resource {
  @Field(() => String)
  @Column({ type: 'varchar', length: 300 })
  model!: string;

  @Field(() => DeploymentState)
  @Column({ type: 'varchar', length: 16, default: DeploymentState.READY })
  state!: DeploymentState;

  @Field(() => Int)
  @Column({ type: 'integer', default: 1 })
  minReplicas!: number;

  @Field(() => Int)
  @Column({ type: 'integer', default: 1 })
  maxReplicas!: number;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 2048, nullable: true })
  endpointUrl!: string | null;

  /** Write-only credential for the upstream endpoint: a column, never a field. */
  @Column({ type: 'text', nullable: true })
  upstreamApiKey!: string | null;
}

export const RESOURCE_ENTITIES = [Model, Dataset, FineTuningJob, Deployment] as const;
