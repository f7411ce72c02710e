#!/usr/bin/env node
import 'reflect-metadata';
import { processIo } from './cli-command.js';
import { COMMANDS } from './commands.js';
import { packageVersion } from './package-version.js';
import { runCli } from './run-cli.js';

/** `helpdesk <command> [options]` (`npx helpdesk` or `npm run helpdesk --` after `npm run build`). */
runCli(process.argv.slice(2), processIo, COMMANDS, { version: packageVersion(process.argv[1]) }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
