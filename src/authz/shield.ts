import { isIntrospectionType, isObjectType, type GraphQLSchema } from 'graphql';
import { deny, rule, shield, type IRule, type IRules } from 'graphql-shield';
import type { RequestContext } from '../graphql/context';
import { Errors } from '../errors';
import { logger } from '../logger';
import { anyViewer, type Guard, type GuardTree } from './guards';

const ROOT_TYPES = ['Query', 'Mutation'];

/**
 * Checks the guard tree against the schema. Start-up fails on any finding, so a
 * rule can never name a field that does not exist (a typo would guard nothing)
 * and no root field or object type can be added without declaring its guard.
 */
export function guardTreeProblems(schema: GraphQLSchema, guards: GuardTree): string[] {
  const problems: string[] = [];
  const types = schema.getTypeMap();
  for (const [typeName, fields] of Object.entries(guards)) {
    const type = types[typeName];
    if (!type || !isObjectType(type)) {
      problems.push(`guards name type ${typeName}, which the schema does not have`);
      continue;
    }
    const schemaFields = type.getFields();
    for (const field of Object.keys(fields)) {
      if (field !== '*' && !schemaFields[field])
        problems.push(`guards name field ${typeName}.${field}, which the schema does not have`);
    }
    if (ROOT_TYPES.includes(typeName)) {
      if (fields['*']) problems.push(`${typeName} must guard each field on its own, not with '*'`);
      for (const field of Object.keys(schemaFields)) {
        if (!fields[field]) problems.push(`root field ${typeName}.${field} has no guard`);
      }
    } else if (!fields['*']) {
      problems.push(`type ${typeName} has no '*' guard`);
    }
  }
  for (const type of Object.values(types)) {
    if (isObjectType(type) && !isIntrospectionType(type) && !guards[type.name]) {
      problems.push(`object type ${type.name} has no guards`);
    }
  }
  return problems;
}

/** A field's guard runs after its type's guard: a field rule can only narrow what the type allows. */
function effectiveGuard(typeGuard: Guard | undefined, fieldGuard: Guard): Guard {
  if (!typeGuard || typeGuard === anyViewer) return fieldGuard;
  return {
    summary: `${typeGuard.summary}; ${fieldGuard.summary}`,
    scope: fieldGuard.scope === 'request' ? typeGuard.scope : fieldGuard.scope,
    check: (viewer, parent, args) => {
      const first = typeGuard.check(viewer, parent, args);
      return first.allowed ? fieldGuard.check(viewer, parent, args) : first;
    },
  };
}

/** Each object is judged on its own: the verdict is cached under the object's identity, never shared by a list. */
function objectIdentity(parent: unknown): string {
  const pk = (parent as { pk?: unknown } | null)?.pk;
  if (typeof pk !== 'string') throw new Error('object guard reached a parent without an identity');
  return pk;
}

function toRule(path: string, guard: Guard): IRule {
  const cache = guard.scope === 'request' ? 'contextual' : guard.scope === 'object' ? objectIdentity : 'no_cache';
  return rule(path, { cache })((parent, args, ctx: RequestContext) => {
    try {
      const decision = guard.check(ctx.viewer, parent, args);
      return decision.allowed ? true : Errors.forbidden(decision.permission);
    } catch (error) {
      // An error inside a rule is a denial, never a pass; log it, since it is our bug.
      logger.error({ err: error, path }, 'authorization rule failed');
      return false;
    }
  });
}

export function buildRuleTree(guards: GuardTree): IRules {
  return Object.fromEntries(
    Object.entries(guards).map(([typeName, fields]) => [
      typeName,
      Object.fromEntries(
        Object.entries(fields).map(([field, guard]) => [
          field,
          toRule(`${typeName}.${field}`, field === '*' ? guard : effectiveGuard(fields['*'], guard)),
        ]),
      ),
    ]),
  );
}

/** The reviewable form of the rule tree: `Type.field -> summary [scope]`, committed as a snapshot. */
export function ruleMap(guards: GuardTree): Record<string, string> {
  const entries = Object.entries(guards).flatMap(([typeName, fields]) =>
    Object.entries(fields).map(([field, guard]) => {
      const effective = field === '*' ? guard : effectiveGuard(fields['*'], guard);
      return [`${typeName}.${field}`, `${effective.summary} [${effective.scope}]`];
    }),
  );
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/** Writes each guarded field's requirement into its description, so tooling sees it by introspection. */
export function describeGuards(schema: GraphQLSchema, guards: GuardTree): void {
  for (const [typeName, fields] of Object.entries(guards)) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type)) continue;
    for (const [field, guard] of Object.entries(fields)) {
      const target = type.getFields()[field];
      if (field === '*' || !target || guard === anyViewer) continue;
      const note = `Authorization: ${guard.summary}.`;
      target.description = target.description ? `${target.description}\n\n${note}` : note;
    }
  }
}

export function buildShield(schema: GraphQLSchema, guards: GuardTree) {
  const problems = guardTreeProblems(schema, guards);
  if (problems.length > 0) {
    throw new Error(`The authorization rule tree does not match the schema:\n  - ${problems.join('\n  - ')}`);
  }
  return shield(buildRuleTree(guards), {
    fallbackRule: deny,
    allowExternalErrors: true,
    // Reached only for a field with no rule or a rule that failed: deny without naming a permission.
    fallbackError: () => Errors.forbidden(),
  });
}
