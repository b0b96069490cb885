import { Arg, Ctx, Field, Float, ID, InputType, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { Deployment } from '../../entities';
import { Errors } from '../../errors';
import { assertValidId } from '../../ids';
import { chatCompletion } from '../../inference';
import { intInRange, numberInRange, requiredText } from '../../services/validate';
import type { RequestContext } from '../context';

@InputType()
class ChatMessageInput {
  @Field(() => String) role!: string;
  @Field(() => String) content!: string;
}

@InputType()
class InferenceInput {
  @Field(() => [ChatMessageInput]) messages!: ChatMessageInput[];
  @Field(() => Int, { nullable: true }) maxTokens?: number | null;
  @Field(() => Float, { nullable: true }) temperature?: number | null;
}

@ObjectType()
class Usage {
  @Field(() => Int, { nullable: true }) promptTokens!: number | null;
  @Field(() => Int, { nullable: true }) completionTokens!: number | null;
  @Field(() => Int, { nullable: true }) totalTokens!: number | null;
}

@ObjectType()
class InferenceResult {
  @Field(() => String) text!: string;
  @Field(() => String, { nullable: true }) finishReason!: string | null;
  @Field(() => Usage, { nullable: true }) usage!: Usage | null;
}

const MAX_MESSAGES = 256;
const MAX_CONTENT = 200_000;

@Resolver()
export class InferenceResolver {
  @Mutation(() => InferenceResult, { description: "Forwards a chat completion to the deployment's endpoint." })
  async runInference(
    @Arg('deploymentId', () => ID) deploymentId: string,
    @Arg('input', () => InferenceInput) input: InferenceInput,
    @Ctx() { db, viewer }: RequestContext,
  ): Promise<InferenceResult> {
    if (input.messages.length === 0 || input.messages.length > MAX_MESSAGES) {
      throw Errors.badInput(`messages must hold 1 to ${MAX_MESSAGES} messages`, 'messages');
    }
    input.messages.forEach((m, i) => {
      requiredText(m.role, `messages[${i}].role`, 32);
      requiredText(m.content, `messages[${i}].content`, MAX_CONTENT);
    });
    intInRange(input.maxTokens, 'maxTokens', 1, 1_000_000);
    numberInRange(input.temperature, 'temperature', 0, 2);

    const deployment = await db
      .getRepository(Deployment)
      .findOneBy({ accountPk: viewer.account.pk, id: assertValidId(deploymentId, 'deploymentId') });
    if (!deployment) throw Errors.notFound('deployment', deploymentId);
    if (!deployment.endpointUrl) throw Errors.failedPrecondition(`deployment "${deployment.id}" has no endpoint`);

    return chatCompletion({
      endpointUrl: deployment.endpointUrl,
      upstreamApiKey: deployment.upstreamApiKey,
      model: deployment.model,
      messages: input.messages.map(({ role, content }) => ({ role, content })),
      maxTokens: input.maxTokens,
      temperature: input.temperature,
    });
  }
}
