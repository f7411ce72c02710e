import type { CliCommand } from './cli-command.js';
import { seedDemoCommand } from './seed-demo/seed-demo.command.js';

/** Every `helpdesk` subcommand. Later: projection status/rebuild, replay, token minting. */
export const COMMANDS: readonly CliCommand[] = [seedDemoCommand];
