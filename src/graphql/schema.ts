import 'reflect-metadata';
import { printSchema, type GraphQLSchema, type ValidationRule } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchemaSync } from 'type-graphql';
import { auditedMutations } from '../audit/audit-trail';
import { GUARDS } from '../authz/guards';
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
    schema: applyMiddleware(schema, auditedMutations(schema), middleware),
    validationRules: [everySelectedFieldGuarded(guarded)],
  };
}

/** The SDL committed as schema/schema.graphql. */
export function printSdl(schema: GraphQLSchema = buildBareSchema()): string {
  return printSchema(schema) + '\n';
}
