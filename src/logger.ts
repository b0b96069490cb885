import pino from 'pino';

/** Structured logs on stderr; LOG_LEVEL=silent in tests. Never log a key or a request body. */
export const logger = pino(
  { level: process.env.LOG_LEVEL ?? 'info', base: { service: 'rolegate' } },
  pino.destination(2),
);
