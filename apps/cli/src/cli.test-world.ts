import type { CliIo } from './cli-command.js';
import { COMMANDS } from './commands.js';
import { runCli } from './run-cli.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `helpdesk <argv>` in-process on `dataDir`, capturing what it prints. */
export async function runHelpdesk(dataDir: string, ...argv: string[]): Promise<CliRun> {
  return runHelpdeskWith({ DATA_DIR: dataDir }, ...argv);
}

/** Runs `helpdesk <argv>` in-process with these environment variables (e.g. `EVENTSTORE_URL`), capturing what it prints. */
export async function runHelpdeskWith(env: Readonly<Record<string, string>>, ...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: { LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env },
  };
  const code = await runCli(argv, io, COMMANDS);
  return { code, stdout, stderr };
}
