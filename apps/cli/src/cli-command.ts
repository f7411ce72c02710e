/** Where a command writes and what it reads from the environment: the process's, or a test's. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Progress bars redraw in place on a terminal and print plain lines elsewhere. */
  readonly stderrIsTty?: boolean;
}

/** One `helpdesk <name>` subcommand. Returns the exit code. */
export interface CliCommand {
  readonly name: string;
  /** One line for `helpdesk --help`. */
  readonly summary: string;
  readonly usage: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** A command line the command cannot run: exit code 2, with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stderrIsTty: process.stderr.isTTY === true,
};
