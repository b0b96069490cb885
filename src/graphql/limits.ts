import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isListType,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { MAX_LIVE_KEYS_PER_USER } from '../services/api-keys';
import { DEFAULT_PAGE_SIZE } from './pagination';

/**
 * Operation limits, checked before execution so a hostile query costs almost
 * nothing. Each can be changed with its environment variable; the defaults let a
 * full introspection query and real frontend queries through.
 */
export const LIMITS = {
  maxDepth: { env: 'ROLEGATE_MAX_DEPTH', default: 10 },
  maxAliases: { env: 'ROLEGATE_MAX_ALIASES', default: 15 },
  maxDirectives: { env: 'ROLEGATE_MAX_DIRECTIVES', default: 50 },
  maxTokens: { env: 'ROLEGATE_MAX_TOKENS', default: 5000 },
  maxCost: { env: 'ROLEGATE_MAX_COST', default: 50000 },
} as const;

export type Limits = { [K in keyof typeof LIMITS]: number };

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Limits {
  const entries = Object.entries(LIMITS).map(([name, spec]) => {
    const raw = env[spec.env];
    if (raw === undefined || raw === '') return [name, spec.default];
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${spec.env} must be a positive integer, not "${raw}"`);
    return [name, value];
  });
  return Object.fromEntries(entries) as Limits;
}

export interface Protection {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
}

export function protection(limits: Limits): Protection {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    // Tokens are limited by the parser itself (parseOptions below), which answers GRAPHQL_PARSE_FAILED.
    maxTokens: { enabled: false },
    // Cost is ours (operationCost below): armor's model does not multiply unpaged lists.
    costLimit: { enabled: false },
    // Suggestions ("Did you mean ...?") are removed from every error by the server's formatError.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    plugins: [...armor.plugins, costLimit(limits.maxCost), rejectSubscriptions],
    validationRules: armor.validationRules,
    // The parser stops at the token limit, before a deeply nested text can exhaust its stack.
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

/** A list without paging (User.apiKeys) is priced as this many rows: the most live keys a user may hold. */
const UNPAGED_LIST_ROWS = MAX_LIVE_KEYS_PER_USER;

/**
 * One point per field; a connection's `first` (default 50) and an unpaged list's
 * UNPAGED_LIST_ROWS multiply what is under them. The same number limits an
 * operation before it runs and is what the rate limit charges.
 */
const rowsAware: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  // Introspection is answered from the schema in memory; tooling may ask for all of it.
  if (field.name.startsWith('__') || type.name.startsWith('__')) return 0;
  // A connection's nodes and edges are the page its `first` already priced.
  if (type.name.endsWith('Connection')) return 1 + childComplexity;
  if (getNamedType(field.type).name.endsWith('Connection')) {
    const first = typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
    return 1 + childComplexity * Math.max(first, 1);
  }
  if (isListType(getNullableType(field.type))) return 1 + childComplexity * UNPAGED_LIST_ROWS;
  return 1 + childComplexity;
};

const costs = new WeakMap<object, number>();
/** Without variables an operation always costs the same, and Apollo reuses the parsed document for the same text. */
const fixedCosts = new WeakMap<DocumentNode, Map<string, number>>();

/**
 * The cost of the request's operation, computed once per request (the cost limit and
 * the rate limit both ask; `request` is Apollo's request object, the same in every
 * hook), and only once per document and operation when it takes no variables.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  request: { variables?: Record<string, unknown>; operationName?: string | null },
): number {
  const operationName = request.operationName ?? undefined;
  const variables = request.variables ?? {};
  let perDocument: Map<string, number> | undefined;
  if (Object.keys(variables).length === 0) {
    perDocument = fixedCosts.get(document);
    if (!perDocument) fixedCosts.set(document, (perDocument = new Map()));
  }
  let cost = costs.get(request) ?? perDocument?.get(operationName ?? '');
  if (cost === undefined) {
    try {
      cost = getComplexity({ schema, query: document, variables, operationName, estimators: [rowsAware] });
    } catch {
      // Variables that do not fit the operation: execution refuses them with BAD_USER_INPUT, at almost no cost.
      cost = 1;
    }
  }
  costs.set(request, cost);
  perDocument?.set(operationName ?? '', cost);
  return cost;
}

function costLimit(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          const cost = operationCost(schema, document, request);
          if (cost > maxCost) {
            throw new GraphQLError(`Query cost limit of ${maxCost} exceeded, found ${cost}.`, {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

/** The schema has no subscriptions; say so with a code instead of failing inside execution. */
const rejectSubscriptions: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation === 'subscription') {
          throw new GraphQLError('Subscriptions are not supported', {
            extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
          });
        }
      },
    };
  },
};
