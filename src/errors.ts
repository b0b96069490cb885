import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { Permission } from './authz/role-matrix';

/**
 * Every error a client can see is created here, with one of the contract's codes.
 * Anything else that escapes a resolver is masked as INTERNAL_SERVER_ERROR by the
 * server's error formatter, so driver text and stack traces never leave the process.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'UPSTREAM_ERROR'
  | 'RATE_LIMITED';

export const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'ALREADY_EXISTS',
  'FAILED_PRECONDITION',
  'UPSTREAM_ERROR',
  'RATE_LIMITED',
]);

/**
 * Builds an error without capturing a stack. Client errors never show one, and capturing
 * it is most of what an error costs (a page with 50 withheld fields makes 50 of them).
 */
export function withoutStack<T extends Error>(create: () => T): T {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return create();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * Given the field it belongs to, the error is created already located, so graphql-js
 * uses it as is instead of copying it (with a stack).
 */
function coded(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
  at?: GraphQLResolveInfo,
): GraphQLError {
  return withoutStack(
    () =>
      new GraphQLError(message, {
        extensions: { code, ...extensions },
        ...(at && { nodes: at.fieldNodes, path: responsePathAsArray(at.path) }),
      }),
  );
}

export const Errors = {
  // One message for every reason, so a caller cannot probe which keys exist.
  unauthenticated: () =>
    coded('UNAUTHENTICATED', 'A valid API key is required: Authorization: Bearer <api key>', {
      http: { status: 401 },
    }),
  forbidden: (permission?: Permission, at?: GraphQLResolveInfo) =>
    permission
      ? coded('FORBIDDEN', `requires ${permission}`, { permission }, at)
      : coded('FORBIDDEN', 'access denied', {}, at),
  notFound: (kind: string, id: string) => coded('NOT_FOUND', `${kind} "${id}" not found`),
  badInput: (message: string, field?: string) => coded('BAD_USER_INPUT', message, field ? { field } : {}),
  alreadyExists: (kind: string, what: string) => coded('ALREADY_EXISTS', `${kind} ${what} already exists`),
  failedPrecondition: (message: string) => coded('FAILED_PRECONDITION', message),
  upstream: (message: string) => coded('UPSTREAM_ERROR', message),
  rateLimited: (message: string, headers: Map<string, string>) =>
    coded('RATE_LIMITED', message, { http: { status: 429, headers } }),
};

export function isCodedError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && CLIENT_ERROR_CODES.has(String(error.extensions?.code));
}
