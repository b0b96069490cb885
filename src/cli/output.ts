import { GraphQLError } from 'graphql';
import { CliError } from './client';

export type OutputFormat = 'text' | 'json';

/** Prints a result: one JSON document with `-o json`, readable lines otherwise. */
export function print(format: OutputFormat, json: unknown, text: string): void {
  process.stdout.write(
    format === 'json' ? JSON.stringify(json, null, 2) + '\n' : text.endsWith('\n') ? text : text + '\n',
  );
}

/** Errors from Node's network calls that mean "cannot reach it (now)". */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'EAI_AGAIN']);
/** Errors from binding a port. */
const CANNOT_LISTEN = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES']);

/** The code an error gets on stderr: ours, the server's, or one for what Node and the drivers report. */
function codeOf(error: unknown): string {
  if (error instanceof CliError) return error.code;
  if (error instanceof GraphQLError) return String(error.extensions?.code ?? 'ERROR');
  const system = (error as { code?: unknown } | null)?.code;
  if (typeof system === 'string' && (UNREACHABLE.has(system) || CANNOT_LISTEN.has(system))) return 'UNAVAILABLE';
  // PostgreSQL's invalid_schema_name: DATABASE_SCHEMA names a schema that does not exist.
  if (system === '3F000') return 'FAILED_PRECONDITION';
  return 'ERROR';
}

/** One line on stderr, `CODE: message`, and a non-zero exit: what scripts match on. */
export function fail(error: unknown): never {
  const code = codeOf(error);
  let message = error instanceof Error ? error.message : String(error);
  if ((error as { code?: unknown } | null)?.code === '3F000') message += ' (create it first: CREATE SCHEMA <name>)';
  process.stderr.write(`${code}: ${message}\n`);
  process.exit(1);
}
