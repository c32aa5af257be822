/**
 * `npm run admin -- <command>`: the admin HTTP API from a terminal (README, "Admin CLI").
 * Prints the API's JSON answer; errors go to stderr as the API's code and message.
 * Exit status: 0 done, 1 the API refused or could not be reached, 2 a usage error.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AdminApiError, AdminConfigError, adminApiFromEnv, callAdminApi } from './admin-cli/admin-api';
import { commands, UsageError, type Command, type CommandOptions } from './admin-cli/commands';

const dataDir = join(__dirname, '..', '.data');

function usage(): string {
  const line = (c: Command) => `${c.words.join(' ')} ${c.args.map((a, i) => (c.rest && i === c.args.length - 1 ? `<${a}…>` : `<${a}>`)).join(' ')}`.trim();
  const width = Math.max(...commands.map((c) => line(c).length));
  return [
    'usage: npm run admin -- <command> [arguments] [--run-id <id>]',
    '',
    ...commands.map((c) => `  ${line(c).padEnd(width)}  ${c.summary}`),
    '',
    'options:',
    '  --run-id <id>   runs revert: revert this run of the workflow id instead of the latest',
    '  -h, --help      this text',
    'environment:',
    '  GATEHOUSE_URL          the API (default http://127.0.0.1:3000)',
    '  GATEHOUSE_ADMIN_TOKEN  the admin token (default: the one npm start keeps in .data/admin-token)',
    'Prints the JSON answer. Exit status: 0 done, 1 the API refused or could not be reached, 2 usage error.',
  ].join('\n');
}

/** The command, its named arguments and options, or undefined for --help. */
function readCommandLine(argv: string[]): { command: Command; arg: (name: string) => string; options: CommandOptions } | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { 'run-id': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return undefined;
  const [first, second, ...rest] = positionals;
  const command = commands.find((c) => c.words[0] === first && c.words[1] === second);
  if (!command) throw new UsageError(`unknown command: ${[first, second].filter(Boolean).join(' ')}`);
  const enough = command.rest ? rest.length >= command.args.length : rest.length === command.args.length;
  if (!enough) throw new UsageError(`${command.words.join(' ')} takes ${command.args.map((a) => `<${a}>`).join(' ') || 'no arguments'}`);
  // A `rest` argument takes the remaining words, so an unquoted reason still arrives whole.
  const named = new Map(command.args.map((name, i) => [name, command.rest && i === command.args.length - 1 ? rest.slice(i).join(' ') : rest[i] ?? '']));
  const arg = (name: string) => {
    const value = named.get(name);
    if (value === undefined) throw new Error(`no argument named ${name}`);
    return value;
  };
  return { command, arg, options: values['run-id'] ? { runId: values['run-id'] } : {} };
}

async function main(): Promise<number> {
  try {
    const line = readCommandLine(process.argv.slice(2));
    if (!line) {
      console.log(usage());
      return 0;
    }
    const api = adminApiFromEnv(process.env, dataDir);
    const request = await line.command.request(line.arg, line.options);
    const answer = (await callAdminApi(api, request)) ?? line.command.noContent?.(line.arg) ?? {};
    console.log(JSON.stringify(answer, null, 2));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}\n\n${usage()}`);
      return 2;
    }
    if (err instanceof AdminConfigError) {
      console.error(`error: ${err.message}`);
      return 2;
    }
    if (err instanceof AdminApiError) {
      console.error(`error: ${err.code}${err.status ? ` (HTTP ${err.status})` : ''}: ${err.message}`);
      if (err.details !== undefined) console.error(JSON.stringify(err.details, null, 2));
      return 1;
    }
    throw err;
  }
}

void main().then((code) => { process.exitCode = code; });
