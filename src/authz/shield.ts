import {
  GraphQLError,
  isAbstractType,
  isIntrospectionType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { deny, rule, shield, type IRule, type IRules } from 'graphql-shield';
import type { RequestContext } from '../graphql/context';
import { Errors, withoutStack } from '../errors';
import { logger } from '../logger';
import { anyViewer, type Guard, type GuardTree } from './guards';
import type { Permission } from './role-matrix';

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

/** The guard a field answers to: its own (narrowing its type's '*'), or its type's '*'. */
function guardOf(fields: Record<string, Guard>, field: string): Guard {
  return fields[field] ? (field === '*' ? fields[field] : effectiveGuard(fields['*'], fields[field])) : fields['*'];
}

/**
 * A rule's "no", naming the permission the caller lacks. It never reaches a client:
 * `placed` turns it into the FORBIDDEN error of each occurrence of the field.
 */
class Denial extends Error {
  constructor(readonly permission: Permission) {
    super(`requires ${permission}`);
  }
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
      return decision.allowed ? true : withoutStack(() => new Denial(decision.permission));
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
        Object.keys(fields).map((field) => [field, toRule(`${typeName}.${field}`, guardOf(fields, field))]),
      ),
    ]),
  );
}

/** The reviewable form of the rule tree: `Type.field -> summary [scope]`, committed as a snapshot. */
export function ruleMap(guards: GuardTree): Record<string, string> {
  const entries = Object.entries(guards).flatMap(([typeName, fields]) =>
    Object.keys(fields).map((field) => {
      const effective = guardOf(fields, field);
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

type FieldMiddleware = (
  resolve: GraphQLFieldResolver<unknown, RequestContext>,
  ...rest: Parameters<GraphQLFieldResolver<unknown, RequestContext>>
) => unknown;

export interface Authorization {
  /** For graphql-middleware: a wrapper on every field whose guard could deny some valid key. */
  middleware: Record<string, Record<string, FieldMiddleware>>;
  /** `Type.field` for every field of the schema that has a guard (wrapped, or open to every valid key). */
  guarded: ReadonlySet<string>;
}

/**
 * Shield caches a rule's Denial per object, and one object can be reached at several
 * paths (aliases, a job's dataset): each occurrence gets its own FORBIDDEN error, placed
 * at its path. (Left to graphql-js, the copy would capture a stack trace each time,
 * which would be most of what a withheld field costs.)
 */
async function placed(verdict: unknown, ctx: RequestContext, info: GraphQLResolveInfo): Promise<unknown> {
  const result = await verdict;
  return result instanceof Denial ? denied(ctx, info, result.permission) : result;
}

/** The client's FORBIDDEN error for this occurrence, noted by schema coordinate for the audit trail. */
function denied(ctx: RequestContext, info: GraphQLResolveInfo, permission?: Permission): GraphQLError {
  const field = `${info.parentType.name}.${info.fieldName}`;
  ctx.executed.denials.set(`${field}|${permission ?? ''}`, { field, permission: permission ?? null });
  return Errors.forbidden(permission, info);
}

/** The guard's own verdict, reached synchronously; an exception is never a pass. */
function allowsNow(guard: Guard, ctx: RequestContext, parent: unknown, args: Record<string, unknown>): boolean {
  try {
    return guard.check(ctx.viewer, parent, args).allowed;
  } catch {
    return false;
  }
}

/**
 * The shield, applied where it can matter and cheap where it says yes.
 *
 * graphql-shield's middleware is async: on a 100-row page every wrapped field pays a
 * promise, a cache lookup and a microtask. So:
 * - a field whose guard is `anyViewer` gets no wrapper at all: authentication, which is
 *   all that guard asks, happened before execution, so the field resolves synchronously;
 * - every other field is wrapped, and its guard (a pure, synchronous function of the
 *   caller, the parent object and the arguments) is asked first. When it allows, the
 *   field resolves at once; when it denies or fails, the request goes through the
 *   generated shield rule, which reaches the same verdict (a Denial, which `placed`
 *   makes the FORBIDDEN error of this occurrence), and through shield's
 *   `fallbackRule: deny` for anything it was not told about.
 * `everySelectedFieldGuarded` rejects, at validation time, any operation that selects a
 * field outside `guarded`, so a field can never be resolved without a guard's say.
 */
export function buildAuthorization(schema: GraphQLSchema, guards: GuardTree): Authorization {
  const problems = guardTreeProblems(schema, guards);
  if (problems.length > 0) {
    throw new Error(`The authorization rule tree does not match the schema:\n  - ${problems.join('\n  - ')}`);
  }
  const shieldMiddleware = shield(buildRuleTree(guards), {
    fallbackRule: deny,
    allowExternalErrors: true,
    // Reached only for a field with no rule or a rule that failed: deny without naming a permission.
    fallbackError: (_error, _parent, _args, ctx, info) => denied(ctx as unknown as RequestContext, info),
  }).generate(schema) as Record<string, Record<string, FieldMiddleware>>;

  const middleware: Authorization['middleware'] = {};
  const guarded = new Set<string>();
  for (const [typeName, fields] of Object.entries(guards)) {
    for (const field of Object.keys((schema.getType(typeName) as GraphQLObjectType).getFields())) {
      guarded.add(`${typeName}.${field}`);
      const guard = guardOf(fields, field);
      if (guard === anyViewer) continue;
      const judge = shieldMiddleware[typeName][field];
      (middleware[typeName] ??= {})[field] = (resolve, parent, args, ctx, info) =>
        allowsNow(guard, ctx, parent, args)
          ? resolve(parent, args, ctx, info)
          : placed(judge(resolve, parent, args, ctx, info), ctx, info);
    }
  }
  return { middleware, guarded };
}

/**
 * Default deny, checked before anything runs: an operation that selects a field with no
 * guard (on any type the selection could resolve to) is refused as a whole. Apollo
 * caches validated documents, so this runs once per distinct operation.
 */
export function everySelectedFieldGuarded(guarded: ReadonlySet<string>): ValidationRule {
  return (context) => ({
    Field(node) {
      const parent = context.getParentType();
      // Introspection is answered from the schema itself, which every valid key may read.
      if (!parent || isIntrospectionType(parent) || !context.getFieldDef() || node.name.value.startsWith('__')) return;
      const types = isAbstractType(parent) ? context.getSchema().getPossibleTypes(parent) : [parent];
      for (const type of types) {
        if (guarded.has(`${type.name}.${node.name.value}`)) continue;
        context.reportError(
          new GraphQLError(`access denied: ${type.name}.${node.name.value} has no guard`, {
            nodes: node,
            extensions: { code: 'FORBIDDEN' },
          }),
        );
      }
    },
  });
}
