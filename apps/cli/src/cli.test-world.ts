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
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
  };
  const code = await runCli(argv, io, COMMANDS);
  return { code, stdout, stderr };
}
