#!/usr/bin/env node
import 'reflect-metadata';
import { Command, Option } from 'commander';
import { fail, type OutputFormat } from './output';
import { registerOperatorCommands } from './operator';

export function buildProgram(): Command {
  const program = new Command('rolegate')
    .description('Rolegate: a GraphQL gateway with field-level authorization generated from a role matrix.')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .showHelpAfterError();
  const output = () => program.opts<{ output: OutputFormat }>().output;
  registerOperatorCommands(program, output);
  return program;
}

if (require.main === module) {
  buildProgram().parseAsync(process.argv).catch(fail);
}
