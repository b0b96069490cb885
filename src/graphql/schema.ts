import 'reflect-metadata';
import { printSchema, type GraphQLFieldResolver, type GraphQLSchema, type ValidationRule } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchemaSync } from 'type-graphql';
import { GUARDS } from '../authz/guards';
import type { RequestContext } from './context';
import { buildAuthorization, describeGuards, everySelectedFieldGuarded } from '../authz/shield';
import { ApiKeyResolver } from './resolvers/api-key.resolver';
import { AuditResolver } from './resolvers/audit.resolver';
import { InferenceResolver } from './resolvers/inference.resolver';
import { RESOURCE_RESOLVERS } from './resolvers/resource-kinds.resolver';
import { UserResolver } from './resolvers/user.resolver';
import { ViewerResolver } from './resolvers/viewer.resolver';

/** The schema as the code declares it, with each guard written into its field's description. */
export function buildBareSchema(): GraphQLSchema {
  const schema = buildSchemaSync({
    resolvers: [ViewerResolver, UserResolver, ApiKeyResolver, AuditResolver, InferenceResolver, ...RESOURCE_RESOLVERS],
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    validate: false,
  });
  describeGuards(schema, GUARDS);
  return schema;
}

/**
 * Notes each root mutation field as execution reaches it. A mutation after one whose
 * non-null error ended the operation never runs, and the audit trail must not record it.
 */
function markReached(schema: GraphQLSchema) {
  const mark = (
    resolve: GraphQLFieldResolver<unknown, RequestContext>,
    ...[parent, args, ctx, info]: Parameters<GraphQLFieldResolver<unknown, RequestContext>>
  ) => {
    ctx.mutationsReached.add(String(info.path.key));
    return resolve(parent, args, ctx, info);
  };
  return Object.fromEntries(Object.keys(schema.getMutationType()?.getFields() ?? {}).map((field) => [field, mark]));
}

export interface ExecutableSchema {
  schema: GraphQLSchema;
  /** Validation the schema needs to be safe: no operation may select a field without a guard. */
  validationRules: ValidationRule[];
}

/** The executable schema: the shield generated from the guards applied to it. Throws if they disagree. */
export function buildSchema(): ExecutableSchema {
  const schema = buildBareSchema();
  const { middleware, guarded } = buildAuthorization(schema, GUARDS);
  return {
    // Outermost, so a mutation is marked as reached before its authorization is judged.
    schema: applyMiddleware(schema, { Mutation: markReached(schema) }, middleware as never),
    validationRules: [everySelectedFieldGuarded(guarded)],
  };
}

/** The SDL committed as schema/schema.graphql. */
export function printSdl(schema: GraphQLSchema = buildBareSchema()): string {
  return printSchema(schema) + '\n';
}
