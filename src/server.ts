import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { DataSource } from 'typeorm';
import { authenticate } from './auth/authenticate';
import { CLIENT_ERROR_CODES } from './errors';
import { createContext, type RequestContext } from './graphql/context';
import { buildSchema } from './graphql/schema';
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

/**
 * The last word on what a client sees of an error: coded errors pass through,
 * anything else (a driver error, a bug) becomes a bare INTERNAL_SERVER_ERROR and
 * is logged here instead.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = String(formatted.extensions?.code ?? '');
  if (CLIENT_ERROR_CODES.has(code) || REQUEST_ERROR_CODES.has(code)) {
    const { http: _http, stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return {
      message: formatted.message.replace(/^Context creation failed: /, ''),
      ...(formatted.locations && { locations: formatted.locations }),
      ...(formatted.path && { path: formatted.path }),
      extensions,
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
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly httpServer: Server;
  stop(): Promise<void>;
}

function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** JSON, not an HTML page, for bodies that never reach GraphQL (malformed JSON, too large). */
const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status === 500) logger.error({ err }, 'request failed before GraphQL');
  const message =
    err?.type === 'entity.parse.failed'
      ? 'The request body is not valid JSON'
      : err?.type === 'entity.too.large'
        ? 'The request body is too large'
        : status === 500
          ? 'Internal server error'
          : 'The request could not be read';
  res.status(status).json(errorBody(message, status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT'));
};

export async function startServer({ db, port = 4000, host }: ServerOptions): Promise<RunningServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const apollo = new ApolloServer<RequestContext>({
    schema: buildSchema(),
    // Introspection is open to every valid key (the context rejects everyone else first).
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    express.json({ limit: process.env.ROLEGATE_MAX_BODY ?? '1mb' }),
    expressMiddleware<RequestContext>(apollo as unknown as ApolloServer<BaseContext & RequestContext>, {
      context: async ({ req }) => createContext(db, await authenticate(db, req.headers.authorization)),
    }),
  );
  app.use((_req, res) => {
    res.status(404).json(errorBody('Not found: GraphQL is served at /graphql', 'NOT_FOUND'));
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
    stop: () => apollo.stop(),
  };
}
