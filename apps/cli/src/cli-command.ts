/** Where a command writes and what it reads from the environment: the process's, or a test's. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Progress bars redraw in place on a terminal and print plain lines elsewhere. */
  readonly stderrIsTty?: boolean;
}

/** Runs one command on the arguments after its name. Returns the exit code. */
export type CliRunner = (argv: readonly string[], io: CliIo) => Promise<number>;

/** An option as commander spells it (`--out <file>`, `--all`), for the generated help and to refuse unknown ones. */
export interface CliOption {
  readonly flags: string;
  readonly description: string;
}

/** A subcommand (`projections check`) or a command without subcommands: what its help lists. */
export interface CliCommandShape {
  readonly name: string;
  /** One line for the help of the command above it. */
  readonly summary: string;
  /** Commander's argument syntax, e.g. `[name]` or `<conversationId>`. */
  readonly arguments?: string;
  readonly options?: readonly CliOption[];
}

/**
 * One `helpdesk <name>` command, cheap to import: `--help` and `--version` read these and load no
 * command. `load` imports the command's module (Nest, the stores...) only when it runs.
 */
export interface CliCommand extends CliCommandShape {
  /** The details after the generated help (and the synopsis, first paragraph, which it replaces). */
  readonly usage: string;
  readonly subcommands?: readonly CliCommandShape[];
  load(): Promise<CliRunner>;
}

/** A command line the command cannot run: exit code 2, one line and a pointer to the help. */
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
