import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { DataSource } from 'typeorm';
import { auditTrail } from './audit/audit-trail';
import { createAuthenticator, type Authenticator } from './auth/authenticate';
import type { Viewer } from './authz/viewer';
import { CLIENT_ERROR_CODES, Errors } from './errors';
import { createContext, type RequestContext } from './graphql/context';
import { limitsFromEnv, protection, type Limits } from './graphql/limits';
import { buildSchema } from './graphql/schema';
import { rejectUnstorableText } from './graphql/text-input';
import { costRateLimit, createRateLimiters, rateLimitSettings, spend, type RateLimiters } from './http/rate-limit';
import {
  allowMethods,
  corsFor,
  requireAcceptable,
  requireJsonBody,
  securityHeaders,
  sendError,
} from './http/semantics';
import { logger } from './logger';

/** Codes Apollo itself gives to requests it could not run; they carry no internals. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** graphql-js's messages for a literal argument of the wrong type or value: the contract calls that bad input. */
const BAD_LITERAL =
  /^(Enum "\w+" cannot represent|\w+ cannot represent|Expected value of type|Field "[\w.]+" of required type|Value ".*" does not exist in "\w+" enum)/;

/**
 * The last word on what a client sees of an error: coded errors pass through,
 * anything else (a driver error, a bug) becomes a bare INTERNAL_SERVER_ERROR and
 * is logged here instead.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  let code = String(formatted.extensions?.code ?? '');
  if (CLIENT_ERROR_CODES.has(code) || REQUEST_ERROR_CODES.has(code)) {
    const { http: _http, stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    if (code === 'GRAPHQL_VALIDATION_FAILED' && BAD_LITERAL.test(formatted.message)) code = 'BAD_USER_INPUT';
    // graphql-armor words its depth, alias and directive limits as syntax errors; they are not.
    const unprefixed =
      code === 'GRAPHQL_VALIDATION_FAILED' ? formatted.message.replace(/^Syntax Error: /, '') : formatted.message;
    // The parser's own failures (a stack overflow on absurd nesting) are not for clients to read.
    const message =
      code === 'GRAPHQL_PARSE_FAILED' && !formatted.message.startsWith('Syntax Error')
        ? 'Syntax Error: the document could not be parsed (is it nested too deeply?)'
        : unprefixed;
    return {
      // No "Did you mean ...?": suggestions would map the schema for a prober.
      message: message.replace(/^Context creation failed: /, '').replace(/ ?Did you mean .*\?$/, ''),
      ...(formatted.locations && { locations: formatted.locations }),
      ...(formatted.path && { path: formatted.path }),
      extensions: { ...extensions, code },
    };
  }
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  logger.error({ err: original, path: formatted.path }, 'unexpected error while serving a request');
  return {
    message: 'Internal server error',
    ...(formatted.path && { path: formatted.path }),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

export interface ServerOptions {
  db: DataSource;
  port?: number;
  host?: string;
  limits?: Limits;
  limiters?: RateLimiters;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly httpServer: Server;
  stop(): Promise<void>;
}

/** JSON, not an HTML page, for bodies that never reach GraphQL (malformed JSON, too large). */
const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status === 500) logger.error({ err }, 'request failed before GraphQL');
  if (err?.type === 'charset.unsupported' || err?.type === 'encoding.unsupported') {
    return sendError(
      res,
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Request bodies are JSON in UTF-8, plain or compressed with gzip, deflate or br',
    );
  }
  const message =
    err?.type === 'entity.parse.failed'
      ? 'The request body is not valid JSON'
      : err?.type === 'entity.too.large'
        ? 'The request body is too large'
        : status === 500
          ? 'Internal server error'
          : 'The request could not be read';
  sendError(res, status, status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT', message);
};

/**
 * Authentication comes first, before the body is even read: a caller without a
 * valid key learns nothing about what it sent, and costs us one hash and lookup.
 * Failed attempts are counted per client address; past the limit they are answered
 * 429 instead of 401. A valid key always passes, so the many users behind one proxy
 * address are never locked out by someone else's failures.
 */
function requireViewer(authenticate: Authenticator, limiters: RateLimiters): RequestHandler {
  const { authFailures: limit } = limiters.settings;
  return async (req, res, next) => {
    const client = req.ip ?? 'unknown';
    try {
      res.locals.viewer = await authenticate(req.headers.authorization);
      next();
    } catch (error) {
      if (!(error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED')) return next(error);
      const spent = await spend(limiters.authFailures, client, 1, limit);
      if (!spent.ok) {
        res.set('Retry-After', spent.retryAfter);
        return sendError(res, 429, 'RATE_LIMITED', 'too many failed authentications from this address; retry later');
      }
      res.set('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'UNAUTHENTICATED', Errors.unauthenticated().message);
    }
  };
}

export async function startServer({
  db,
  port = 4000,
  host,
  limits = limitsFromEnv(),
  limiters = createRateLimiters(rateLimitSettings()),
}: ServerOptions): Promise<RunningServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const guard = protection(limits);
  const executable = buildSchema();
  const apollo = new ApolloServer<RequestContext>({
    schema: executable.schema,
    // Introspection is open to every valid key (requireViewer turns everyone else away first).
    introspection: true,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    persistedQueries: false,
    parseOptions: guard.parseOptions,
    validationRules: [...executable.validationRules, ...guard.validationRules],
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Every answer depends on who asks and is sent no-store; cache hints would only cost a
      // hook on every field of every response.
      ApolloServerPluginCacheControlDisabled(),
      rejectUnstorableText,
      ...guard.plugins,
      costRateLimit(limiters),
      auditTrail(db),
    ],
  });
  await apollo.start();

  app.use(securityHeaders);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    corsFor(process.env.ROLEGATE_CORS_ORIGINS),
    allowMethods,
    requireViewer(createAuthenticator(db), limiters),
    requireJsonBody,
    requireAcceptable,
    express.json({ limit: process.env.ROLEGATE_MAX_BODY ?? '1mb' }),
    expressMiddleware<RequestContext>(apollo as unknown as ApolloServer<BaseContext & RequestContext>, {
      context: async ({ res }) => createContext(db, res.locals.viewer as Viewer),
    }),
  );
  app.use((_req, res) => {
    sendError(res, 404, 'NOT_FOUND', 'Not found: GraphQL is served at /graphql');
  });
  app.use(bodyErrors);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const actualPort = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://${host && host !== '0.0.0.0' && host !== '::' ? host : 'localhost'}:${actualPort}/graphql`,
    port: actualPort,
    httpServer,
    stop: async () => {
      await apollo.stop();
      await limiters.close();
    },
  };
}
