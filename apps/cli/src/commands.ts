import { campaignCommand } from './campaign/campaign.command.js';
import type { CliCommand } from './cli-command.js';
import { exportCommand } from './export/export.command.js';
import { mintTokenCommand } from './mint-token/mint-token.command.js';
import { portalCommand } from './portal/portal.command.js';
import { projectionsCommand } from './projections/projections.command.js';
import { replayCommand } from './replay/replay.command.js';
import { seedDemoCommand } from './seed-demo/seed-demo.command.js';

/** Every `helpdesk` subcommand. Later: projection status/rebuild, replay. */
export const COMMANDS: readonly CliCommand[] = [
  seedDemoCommand,
  mintTokenCommand,
  projectionsCommand,
  replayCommand,
  exportCommand,
  portalCommand,
  campaignCommand,
];
