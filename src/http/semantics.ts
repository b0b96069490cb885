import cors from 'cors';
import type { RequestHandler, Response } from 'express';

/** The error body every non-GraphQL refusal uses, so clients parse one shape. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** Responses carry secrets and per-caller answers: never cached, never sniffed as another type. */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  next();
};

/** GraphQL over HTTP: GET (queries only; Apollo answers a GET mutation with 405) and POST. */
export const allowMethods: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' || req.method === 'POST') return next();
  res.set('Allow', 'GET, POST');
  sendError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not supported; use POST (or GET for queries)`);
};

/** A POST body must be JSON; anything else is 415 before the body is read. */
export const requireJsonBody: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || req.is(['application/json', 'application/graphql-response+json'])) return next();
  sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'POST bodies must be application/json');
};

/** The client must accept one of the two GraphQL response types (or anything). */
export const requireAcceptable: RequestHandler = (req, res, next) => {
  if (!req.headers.accept || req.accepts(['application/json', 'application/graphql-response+json'])) return next();
  sendError(res, 406, 'NOT_ACCEPTABLE', 'responses are application/json or application/graphql-response+json');
};

/** CORS only for the origins the operator lists (ROLEGATE_CORS_ORIGINS, comma-separated); none by default. */
export function corsFor(origins: string | undefined): RequestHandler {
  const allowed = (origins ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  return cors({
    origin: allowed.length > 0 ? allowed : false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'accept', 'apollo-require-preflight'],
    maxAge: 600,
  });
}
