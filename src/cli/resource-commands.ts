import type { Command } from 'commander';
import { RESOURCE_KINDS, type ResourceTypeName } from '../resource-kinds';
import { listAll, parseInteger, parseNumber, type ClientContext } from './client-commands';
import { print } from './output';
import { printRecord, printTable, type Row } from './table';

interface Flag {
  /** GraphQL input field, and the flag's name in kebab case. */
  field: string;
  description: string;
  parse?: (value: string) => unknown;
  /** Required on create. */
  create?: 'required';
  update?: 'only';
  /** Set on create, never changed after (not offered by update). */
  fixed?: boolean;
}

interface KindCli {
  flags: Flag[];
  selection: string;
  columns: Record<string, string>;
  /** Fields `get` shows besides the columns: too wide for a list. */
  details?: Record<string, string>;
}

const COMMON = 'id name displayName createdBy { id } createdAt updatedAt viewerCanUpdate viewerCanDelete';
const displayName: Flag = { field: 'displayName', description: 'display name' };

/** What each kind offers on the command line; everything else is shared. */
const KINDS: Record<ResourceTypeName, KindCli> = {
  Deployment: {
    flags: [
      displayName,
      { field: 'model', description: 'the model served', create: 'required' },
      { field: 'minReplicas', description: 'fewest replicas', parse: parseInteger },
      { field: 'maxReplicas', description: 'most replicas', parse: parseInteger },
      { field: 'endpointUrl', description: 'OpenAI-compatible base URL for inference' },
      { field: 'upstreamApiKey', description: 'credential for the endpoint (write-only)' },
      { field: 'state', description: 'CREATING, READY, UPDATING or FAILED', update: 'only' },
    ],
    selection: `${COMMON} model state minReplicas maxReplicas endpointUrl`,
    columns: {
      id: 'ID',
      model: 'MODEL',
      state: 'STATE',
      minReplicas: 'MIN',
      maxReplicas: 'MAX',
      createdBy: 'CREATED BY',
    },
    details: { endpointUrl: 'ENDPOINT URL' },
  },
  Model: {
    flags: [
      displayName,
      { field: 'baseModel', description: 'the base model' },
      { field: 'description', description: 'what the model is' },
    ],
    selection: `${COMMON} baseModel description`,
    columns: { id: 'ID', displayName: 'DISPLAY NAME', baseModel: 'BASE MODEL', createdBy: 'CREATED BY' },
  },
  Dataset: {
    flags: [
      displayName,
      { field: 'format', description: 'data format, e.g. jsonl', create: 'required' },
      { field: 'exampleCount', description: 'number of examples', parse: parseInteger },
      { field: 'sourceUri', description: 'where the data lives' },
    ],
    selection: `${COMMON} format exampleCount sourceUri`,
    columns: { id: 'ID', format: 'FORMAT', exampleCount: 'EXAMPLES', createdBy: 'CREATED BY' },
    details: { sourceUri: 'SOURCE URI' },
  },
  FineTuningJob: {
    flags: [
      displayName,
      { field: 'baseModel', description: 'the model to fine-tune', create: 'required', fixed: true },
      { field: 'datasetId', description: 'the training dataset', create: 'required', fixed: true },
      { field: 'epochs', description: 'training epochs', parse: parseInteger },
      { field: 'learningRate', description: 'learning rate', parse: parseNumber },
      { field: 'state', description: 'PENDING, RUNNING, COMPLETED, FAILED or CANCELLED', update: 'only' },
    ],
    selection: `${COMMON} baseModel dataset { id } state epochs learningRate`,
    columns: { id: 'ID', baseModel: 'BASE MODEL', dataset: 'DATASET', state: 'STATE', createdBy: 'CREATED BY' },
  },
};

const kebab = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
const optionFlag = (flag: Flag) => `--${kebab(flag.field)} <${flag.parse ? 'n' : 'value'}>`;

function addFlags(command: Command, flags: Flag[], required: boolean): Command {
  for (const flag of flags) {
    const make =
      required && flag.create === 'required' ? command.requiredOption.bind(command) : command.option.bind(command);
    if (flag.parse) make(optionFlag(flag), flag.description, flag.parse);
    else make(optionFlag(flag), flag.description);
  }
  return command;
}

/** The input object from the flags given (commander camel-cases --min-replicas back to minReplicas). */
function inputFrom(flags: Flag[], options: Record<string, unknown>): Row {
  return Object.fromEntries(
    flags.filter((f) => options[f.field] !== undefined).map((f) => [f.field, options[f.field]]),
  );
}

/** `rolegate deployment|model|dataset|fine-tuning-job list|get|create|update|delete`. */
export function registerResourceCommands(program: Command, ctx: ClientContext): void {
  for (const kind of RESOURCE_KINDS) {
    const cli = KINDS[kind.type];
    const noun = kebab(kind.type).replace(/-/g, ' ');
    const labels = {
      ...cli.columns,
      ...cli.details,
      name: 'NAME',
      viewerCanUpdate: 'YOU MAY UPDATE',
      viewerCanDelete: 'YOU MAY DELETE',
    };
    const group = program.command(kind.cli).description(`Manage ${noun}s.`);

    group
      .command('list')
      .description(`List the account's ${noun}s.`)
      .action(async () => {
        printTable(ctx.output(), await listAll<Row>(ctx.client(), kind.plural, cli.selection), cli.columns);
      });
    group
      .command('get <id>')
      .description(`Show one ${noun}.`)
      .action(async (id: string) => {
        const row = await ctx
          .client()
          .call<Row>(kind.singular, `query($id: ID!) { ${kind.singular}(id: $id) { ${cli.selection} } }`, { id });
        printRecord(ctx.output(), row, labels);
      });
    addFlags(
      group.command('create [id]').description(`Create a ${noun}; without an id, one is generated.`),
      cli.flags.filter((f) => f.update !== 'only'),
      true,
    ).action(async (id: string | undefined, options: Record<string, unknown>) => {
      const input = { ...inputFrom(cli.flags, options), ...(id && { id }) };
      const row = await ctx
        .client()
        .call<Row>(
          `create${kind.type}`,
          `mutation($input: Create${kind.type}Input!) { create${kind.type}(input: $input) { ${cli.selection} } }`,
          { input },
        );
      printRecord(ctx.output(), row, labels);
    });
    addFlags(
      group.command('update <id>').description(`Change a ${noun} (yours, or anyone's with RESOURCES_MANAGE_ANY).`),
      cli.flags.filter((f) => !f.fixed),
      false,
    ).action(async (id: string, options: Record<string, unknown>) => {
      const row = await ctx
        .client()
        .call<Row>(
          `update${kind.type}`,
          `mutation($id: ID!, $input: Update${kind.type}Input!) { update${kind.type}(id: $id, input: $input) { ${cli.selection} } }`,
          { id, input: inputFrom(cli.flags, options) },
        );
      printRecord(ctx.output(), row, labels);
    });
    group
      .command('delete <id>')
      .description(`Delete a ${noun} (yours, or anyone's with RESOURCES_MANAGE_ANY).`)
      .action(async (id: string) => {
        const deleted = await ctx
          .client()
          .call<string>(`delete${kind.type}`, `mutation($id: ID!) { delete${kind.type}(id: $id) }`, {
            id,
          });
        print(ctx.output(), { id: deleted }, `Deleted ${noun} "${deleted}".`);
      });
  }
}
