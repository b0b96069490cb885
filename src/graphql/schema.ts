import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchemaSync } from 'type-graphql';
import { GUARDS } from '../authz/guards';
import { buildShield, describeGuards } from '../authz/shield';
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

/** The executable schema: every field wrapped by the shield generated from the guards. Throws if they disagree. */
export function buildSchema(): GraphQLSchema {
  const schema = buildBareSchema();
  return applyMiddleware(schema, buildShield(schema, GUARDS));
}

/** The SDL committed as schema/schema.graphql. */
export function printSdl(schema: GraphQLSchema = buildBareSchema()): string {
  return printSchema(schema) + '\n';
}
