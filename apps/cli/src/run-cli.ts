import { ConfigError, StoresUnreachableError } from '@helpdesk/config';
import { UsageError, type CliCommand, type CliIo } from './cli-command.js';
import { NoInstallError } from './app-context/existing-install.js';

/** `helpdesk <command> [options]`: finds the command and turns its failures into exit codes and messages. */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CliCommand[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(overview(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr(`helpdesk: unknown command '${name}'\n\n${overview(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`helpdesk ${name}: ${(error as Error).message}\n\n${command.usage}\n`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof NoInstallError) {
      io.stderr(`helpdesk ${name}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof StoresUnreachableError) {
      io.stderr(`helpdesk ${name}: ${error.message}\n`);
      return 1;
    }
    io.stderr(`helpdesk ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

function overview(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  const usage = 'Usage: helpdesk <command> [options]   (helpdesk <command> --help for its options)';
  return `${usage}\n\nCommands:\n${lines.join('\n')}\n`;
}

/** node:util parseArgs refuses unknown or malformed options with these codes. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
