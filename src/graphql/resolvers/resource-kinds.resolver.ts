import { Ctx, Field, FieldResolver, Float, ID, InputType, Int, Resolver, Root } from 'type-graphql';
import type { EntityManager } from 'typeorm';
import { Dataset, Deployment, DeploymentState, FineTuningJob, JobState, Model } from '../../entities';
import { Errors } from '../../errors';
import { assertValidId } from '../../ids';
import { RESOURCE_KINDS } from '../../resource-kinds';
import { intInRange, notNull, numberInRange, optionalText, requiredText, uri } from '../../services/validate';
import type { RequestContext } from '../context';
import { resourceResolver } from './resource.resolver';

const kind = (type: string) => RESOURCE_KINDS.find((k) => k.type === type)!;
const MAX_REPLICAS = 1000;
const ENDPOINT_SCHEMES = ['http', 'https'] as const;
const SOURCE_SCHEMES = ['https', 'http', 's3', 'gs', 'az', 'hf', 'file'] as const;

/** Applies the fields present in `input` (undefined: unchanged) through their validators. */
function applyPresent<T extends object, I extends object>(
  row: T,
  input: I,
  validators: { [K in keyof I & keyof T]?: (value: I[K]) => T[K] | undefined },
): void {
  for (const key of Object.keys(validators) as (keyof I & keyof T)[]) {
    if (input[key] === undefined) continue;
    const value = validators[key]!(input[key]);
    if (value !== undefined) row[key] = value as T[typeof key];
  }
}

// ---- Deployment ----------------------------------------------------------------

@InputType()
class CreateDeploymentInput {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String) model!: string;
  @Field(() => Int, { nullable: true }) minReplicas?: number | null;
  @Field(() => Int, { nullable: true }) maxReplicas?: number | null;
  @Field(() => String, { nullable: true, description: 'OpenAI-compatible base URL that runInference forwards to.' })
  endpointUrl?: string | null;
  @Field(() => String, { nullable: true, description: 'Credential for the endpoint. Write-only: no field returns it.' })
  upstreamApiKey?: string | null;
}

@InputType()
class UpdateDeploymentInput {
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true }) model?: string | null;
  @Field(() => DeploymentState, { nullable: true }) state?: DeploymentState | null;
  @Field(() => Int, { nullable: true }) minReplicas?: number | null;
  @Field(() => Int, { nullable: true }) maxReplicas?: number | null;
  @Field(() => String, { nullable: true }) endpointUrl?: string | null;
  @Field(() => String, { nullable: true, description: 'Write-only; null removes it.' }) upstreamApiKey?: string | null;
}

function checkReplicas(row: Pick<Deployment, 'minReplicas' | 'maxReplicas'>) {
  if (row.minReplicas > row.maxReplicas)
    throw Errors.badInput('minReplicas must not exceed maxReplicas', 'minReplicas');
}

const deploymentFields = {
  displayName: (v: string | null | undefined) => optionalText(v, 'displayName'),
  model: (v: string | null | undefined) => requiredText(notNull(v, 'model'), 'model'),
  state: (v: DeploymentState | null | undefined) => notNull(v, 'state'),
  minReplicas: (v: number | null | undefined) => intInRange(notNull(v, 'minReplicas'), 'minReplicas', 0, MAX_REPLICAS),
  maxReplicas: (v: number | null | undefined) => intInRange(notNull(v, 'maxReplicas'), 'maxReplicas', 1, MAX_REPLICAS),
  endpointUrl: (v: string | null | undefined) => uri(v, 'endpointUrl', ENDPOINT_SCHEMES),
  upstreamApiKey: (v: string | null | undefined) => optionalText(v, 'upstreamApiKey', 4096),
};

export const DeploymentResolver = resourceResolver({
  kind: kind('Deployment'),
  entity: Deployment,
  createInput: CreateDeploymentInput,
  updateInput: UpdateDeploymentInput,
  build(input) {
    const row = {
      minReplicas: 1,
      maxReplicas: 1,
      displayName: null,
      endpointUrl: null,
      upstreamApiKey: null,
    } as Deployment;
    applyPresent(row, input, deploymentFields);
    if (row.model === undefined) row.model = requiredText(input.model, 'model');
    row.state = DeploymentState.READY;
    checkReplicas(row);
    return row;
  },
  patch(row, input) {
    const previousEndpoint = row.endpointUrl;
    applyPresent(row, input, deploymentFields);
    // The credential belongs to the endpoint it was given for: re-pointing the deployment
    // without a new credential drops it, or whoever may edit could send it to their own server.
    if (row.endpointUrl !== previousEndpoint && input.upstreamApiKey === undefined) row.upstreamApiKey = null;
    checkReplicas(row);
  },
});

// ---- Model ---------------------------------------------------------------------

@InputType()
class CreateModelInput {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true }) baseModel?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType()
class UpdateModelInput {
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true }) baseModel?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

const modelFields = {
  displayName: (v: string | null | undefined) => optionalText(v, 'displayName'),
  baseModel: (v: string | null | undefined) => optionalText(v, 'baseModel', 300),
  description: (v: string | null | undefined) => optionalText(v, 'description', 10_000),
};

export const ModelResolver = resourceResolver({
  kind: kind('Model'),
  entity: Model,
  createInput: CreateModelInput,
  updateInput: UpdateModelInput,
  build(input) {
    const row = { displayName: null, baseModel: null, description: null } as Model;
    applyPresent(row, input, modelFields);
    return row;
  },
  patch(row, input) {
    applyPresent(row, input, modelFields);
  },
});

// ---- Dataset -------------------------------------------------------------------

@InputType()
class CreateDatasetInput {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String) format!: string;
  @Field(() => Int, { nullable: true }) exampleCount?: number | null;
  @Field(() => String, {
    nullable: true,
    description: 'Where the data lives; readable only by those who may manage the dataset.',
  })
  sourceUri?: string | null;
}

@InputType()
class UpdateDatasetInput {
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String, { nullable: true }) format?: string | null;
  @Field(() => Int, { nullable: true }) exampleCount?: number | null;
  @Field(() => String, { nullable: true }) sourceUri?: string | null;
}

const datasetFields = {
  displayName: (v: string | null | undefined) => optionalText(v, 'displayName'),
  format: (v: string | null | undefined) => requiredText(notNull(v, 'format'), 'format', 64),
  exampleCount: (v: number | null | undefined) =>
    intInRange(notNull(v, 'exampleCount'), 'exampleCount', 0, 2 ** 31 - 1),
  sourceUri: (v: string | null | undefined) => uri(v, 'sourceUri', SOURCE_SCHEMES),
};

export const DatasetResolver = resourceResolver({
  kind: kind('Dataset'),
  entity: Dataset,
  createInput: CreateDatasetInput,
  updateInput: UpdateDatasetInput,
  build(input) {
    const row = { displayName: null, exampleCount: 0, sourceUri: null } as Dataset;
    applyPresent(row, input, datasetFields);
    if (row.format === undefined) row.format = requiredText(input.format, 'format', 64);
    return row;
  },
  patch(row, input) {
    applyPresent(row, input, datasetFields);
  },
});

// ---- FineTuningJob -------------------------------------------------------------

@InputType()
class CreateFineTuningJobInput {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => String) baseModel!: string;
  @Field(() => ID) datasetId!: string;
  @Field(() => Int, { nullable: true }) epochs?: number | null;
  @Field(() => Float, { nullable: true }) learningRate?: number | null;
}

@InputType()
class UpdateFineTuningJobInput {
  @Field(() => String, { nullable: true }) displayName?: string | null;
  @Field(() => JobState, { nullable: true }) state?: JobState | null;
  @Field(() => Int, { nullable: true }) epochs?: number | null;
  @Field(() => Float, { nullable: true }) learningRate?: number | null;
}

const jobFields = {
  displayName: (v: string | null | undefined) => optionalText(v, 'displayName'),
  baseModel: (v: string | null | undefined) => requiredText(notNull(v, 'baseModel'), 'baseModel'),
  state: (v: JobState | null | undefined) => notNull(v, 'state'),
  epochs: (v: number | null | undefined) => intInRange(v, 'epochs', 1, 1000),
  learningRate: (v: number | null | undefined) => numberInRange(v, 'learningRate', 0, 1, true),
};

async function findDataset(manager: EntityManager, ctx: RequestContext, id: string): Promise<Dataset> {
  const dataset = await manager
    .getRepository(Dataset)
    .findOneBy({ accountPk: ctx.viewer.account.pk, id: assertValidId(id, 'datasetId') });
  if (!dataset) throw Errors.notFound('dataset', id);
  return dataset;
}

export const FineTuningJobResolver = resourceResolver({
  kind: kind('FineTuningJob'),
  entity: FineTuningJob,
  createInput: CreateFineTuningJobInput,
  updateInput: UpdateFineTuningJobInput,
  async build(input, manager, ctx) {
    const row = { displayName: null, epochs: null, learningRate: null, state: JobState.PENDING } as FineTuningJob;
    applyPresent(row, { ...input, state: undefined }, jobFields);
    if (row.baseModel === undefined) row.baseModel = requiredText(input.baseModel, 'baseModel');
    row.datasetPk = (await findDataset(manager, ctx, input.datasetId)).pk;
    return row;
  },
  patch(row, input) {
    applyPresent(row, input, jobFields);
  },
});

@Resolver(() => FineTuningJob)
export class FineTuningJobFieldsResolver {
  /** Loaded from our own row, in the caller's account; its guarded fields are judged on the dataset itself. */
  @FieldResolver(() => Dataset, { nullable: true })
  dataset(@Root() job: FineTuningJob, @Ctx() { loaders }: RequestContext) {
    return job.datasetPk ? loaders.datasetByPk.load(job.datasetPk) : null;
  }
}

export const RESOURCE_RESOLVERS = [
  DeploymentResolver,
  ModelResolver,
  DatasetResolver,
  FineTuningJobResolver,
  FineTuningJobFieldsResolver,
] as const;
