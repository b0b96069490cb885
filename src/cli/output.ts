import { GraphQLError } from 'graphql';
import { CliError } from './client';

export type OutputFormat = 'text' | 'json';

/** Prints a result: one JSON document with `-o json`, readable lines otherwise. */
export function print(format: OutputFormat, json: unknown, text: string): void {
  process.stdout.write(
    format === 'json' ? JSON.stringify(json, null, 2) + '\n' : text.endsWith('\n') ? text : text + '\n',
  );
}

/** One line on stderr, `CODE: message`, and a non-zero exit: what scripts match on. */
export function fail(error: unknown): never {
  const code =
    error instanceof CliError
      ? error.code
      : error instanceof GraphQLError
        ? String(error.extensions?.code ?? 'ERROR')
        : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${code}: ${message}\n`);
  process.exit(1);
}
