import { Command, CommanderError } from 'commander';
import { UsageError, type CliCommand, type CliCommandShape, type CliIo } from './cli-command.js';
import { closest } from './closest.js';

/** How `helpdesk` was invoked; `version` is package.json's. */
export interface CliProgram {
  readonly version: string;
}

/** Commander stopped: help or version printed, or a command line it refused (one line, for stderr). */
class Stop extends Error {
  constructor(
    readonly code: number,
    readonly line?: string,
  ) {
    super(line ?? 'stop');
  }
}

/**
 * `helpdesk <command> [options]`: commander parses the command line (generated help per command,
 * unknown commands and options refused), then the command loads and runs on the arguments after
 * its name. Usage errors are one line with a pointer to the help, exit code 2.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly CliCommand[],
  { version }: CliProgram = { version: 'unknown' },
): Promise<number> {
  let exitCode = 0;
  const program = new Command('helpdesk')
    .usage('<command> [options]')
    .description('Operate a help desk install: demo data, tokens, read models, audits, exports, portals, campaigns.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    .helpCommand('help [command]', 'print the help of a command')
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: () => undefined, outputError: () => undefined })
    .showSuggestionAfterError(false);
  refuseWith(program, []);
  for (const command of commands) {
    const top = program.command(command.name).summary(command.summary).description(command.summary);
    top.addHelpText('after', `\n${details(command.usage)}`);
    const run = async () => {
      try {
        const runner = await command.load();
        exitCode = await runner(argv.slice(argv.indexOf(command.name) + 1), io);
      } catch (error) {
        exitCode = failure(io, [command.name, ...subcommandOf(command, argv)], error);
      }
    };
    if (command.subcommands) {
      refuseWith(top, [command.name], command.subcommands);
      for (const shape of command.subcommands) {
        const leaf = declare(top.command(shape.name), shape);
        refuseWith(leaf, [command.name, shape.name]);
        leaf.action(run);
      }
    } else {
      declare(top, command);
      refuseWith(top, [command.name]);
      top.action(run);
    }
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    if (error.line !== undefined) io.stderr(`${error.line}\n`);
    if (argv.length === 0) io.stderr(program.helpInformation());
    return error.code;
  }
}

function declare(command: Command, shape: CliCommandShape): Command {
  command.summary(shape.summary).description(shape.summary);
  if (shape.arguments) command.arguments(shape.arguments);
  for (const option of shape.options ?? []) command.option(option.flags, option.description);
  return command;
}

/** Commander's refusals (and its help and version) become a `Stop` with one line and exit code 2. */
function refuseWith(command: Command, path: readonly string[], subcommands?: readonly CliCommandShape[]): void {
  const name = ['helpdesk', ...path].join(' ');
  const hint = `see ${name} --help`;
  command.exitOverride((error: CommanderError) => {
    if (error.exitCode === 0) throw new Stop(0);
    if (error.code === 'commander.help') {
      // No command or subcommand named.
      if (path.length === 0) throw new Stop(2, `${name}: a command is required; ${hint}`);
      const names = (subcommands ?? []).map((subcommand) => subcommand.name);
      throw new Stop(2, `${name}: a subcommand is required (${names.join(', ')}); ${hint}`);
    }
    if (error.code === 'commander.unknownCommand') {
      const unknown = /'([^']*)'/.exec(error.message)?.[1] ?? '';
      const names = subcommands
        ? subcommands.map((subcommand) => subcommand.name)
        : command.commands.map((child) => child.name()).filter((child) => child !== 'help');
      const suggestion = closest(unknown, names);
      const didYouMean = suggestion ? ` (did you mean ${suggestion}?)` : '';
      const problem = subcommands
        ? `unknown subcommand '${unknown}'${didYouMean}, expected ${list(names)}`
        : `unknown command '${unknown}'${didYouMean}`;
      throw new Stop(2, `${name}: ${problem}; ${hint}`);
    }
    throw new Stop(2, `${name}: ${oneLine(error.message.replace(/^error: /, ''))}; ${hint}`);
  });
}

/** A command's own refusal of its arguments is a usage error too; other failures keep their exit codes. */
function failure(io: CliIo, path: readonly string[], error: unknown): number {
  const name = ['helpdesk', ...path].join(' ');
  if (error instanceof UsageError || isParseArgsError(error)) {
    io.stderr(`${name}: ${oneLine((error as Error).message)}; see ${name} --help\n`);
    return 2;
  }
  // By name, not instanceof: importing their modules here would load the config and the stores for `--help`.
  const errorName = (error as Error | null)?.name;
  if (errorName === 'ConfigError' || errorName === 'NoInstallError') {
    io.stderr(`helpdesk ${path[0]}: ${(error as Error).message}\n`);
    return 2;
  }
  // A store that did not answer within STARTUP_RETRY_SECONDS: its one-line reason, no stack.
  if (errorName === 'StoresUnreachableError') {
    io.stderr(`helpdesk ${path[0]}: ${(error as Error).message}\n`);
    return 1;
  }
  io.stderr(`helpdesk ${path[0]} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}

/** The subcommand named on the command line, if the command has it. */
function subcommandOf(command: CliCommand, argv: readonly string[]): string[] {
  const word = argv[argv.indexOf(command.name) + 1];
  return command.subcommands?.some((subcommand) => subcommand.name === word) ? [word] : [];
}

/** The usage text without its synopsis (its first paragraph), which the generated help replaces. */
function details(usage: string): string {
  return usage.replace(/^Usage:[\s\S]*?\n\n/, '');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function list(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** node:util parseArgs refuses unknown or malformed options with these codes. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
