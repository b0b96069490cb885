#!/usr/bin/env node
import 'reflect-metadata';
import { Command, Option } from 'commander';
import { fail, type OutputFormat } from './output';
import { ApiClient } from './client';
import { addConnectionOptions, registerClientCommands } from './client-commands';
import { registerOperatorCommands } from './operator';
import { registerResourceCommands } from './resource-commands';

function version(): string {
  // dist/src/cli/main.js and src/cli/main.ts both sit three folders below package.json.
  return (require('../../../package.json') as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command('rolegate')
    .description('Rolegate: a GraphQL gateway with field-level authorization generated from a role matrix.')
    .version(version(), '-V, --version')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    // Usage mistakes get the same one-line `CODE: message` as server errors; subcommands inherit this.
    .configureOutput({ outputError: (text, write) => write(`BAD_USER_INPUT: ${text.replace(/^error: /, '')}`) });
  addConnectionOptions(program);
  const opts = () => program.opts<{ output: OutputFormat; apiKey?: string; server?: string }>();
  const output = () => opts().output;
  const apiKey = registerOperatorCommands(program, output);
  const ctx = { output, client: () => new ApiClient(opts()) };
  registerClientCommands(program, apiKey, ctx);
  registerResourceCommands(program, ctx);
  return program;
}

if (require.main === module) {
  buildProgram().parseAsync(process.argv).catch(fail);
}
