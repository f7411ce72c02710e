import { campaignCommand } from './campaign/campaign.cli.js';
import type { CliCommand } from './cli-command.js';
import { exportCommand } from './export/export.cli.js';
import { mintTokenCommand } from './mint-token/mint-token.cli.js';
import { portalCommand } from './portal/portal.cli.js';
import { projectionsCommand } from './projections/projections.cli.js';
import { replayCommand } from './replay/replay.cli.js';
import { seedDemoCommand } from './seed-demo/seed-demo.cli.js';

/** Every `helpdesk` subcommand: only names, options and help here, each command loads when it runs. */
export const COMMANDS: readonly CliCommand[] = [
  seedDemoCommand,
  mintTokenCommand,
  projectionsCommand,
  replayCommand,
  exportCommand,
  portalCommand,
  campaignCommand,
];
