import type { CliCommand } from './cli-command.js';
import { mintTokenCommand } from './mint-token/mint-token.command.js';
import { seedDemoCommand } from './seed-demo/seed-demo.command.js';

/** Every `helpdesk` subcommand. Later: projection status/rebuild, replay. */
export const COMMANDS: readonly CliCommand[] = [seedDemoCommand, mintTokenCommand];
