import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';

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
  maxCost: { env: 'ROLEGATE_MAX_COST', default: 20000 },
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
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, flattenFragments: true },
    // Suggestions ("Did you mean ...?") are removed from every error by the server's formatError.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    plugins: armor.plugins,
    validationRules: armor.validationRules,
    // The parser stops at the token limit, before a deeply nested text can exhaust its stack.
    parseOptions: { maxTokens: limits.maxTokens },
  };
}
