#!/usr/bin/env node
import 'reflect-metadata';
import { Command, Option } from 'commander';
import { fail, type OutputFormat } from './output';
import { ApiClient } from './client';
import { addConnectionOptions, registerClientCommands } from './client-commands';
import { registerOperatorCommands } from './operator';
import { registerResourceCommands } from './resource-commands';

export function buildProgram(): Command {
  const program = new Command('rolegate')
    .description('Rolegate: a GraphQL gateway with field-level authorization generated from a role matrix.')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
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
