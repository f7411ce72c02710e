import 'reflect-metadata';
import { processIo } from './cli-command.js';
import { COMMANDS } from './commands.js';
import { runCli } from './run-cli.js';

/** `npm run helpdesk -- <command> [options]`. */
runCli(process.argv.slice(2), processIo, COMMANDS).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
