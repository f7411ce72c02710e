import type { CliCommand } from '../cli-command.js';

const USAGE = `Usage: helpdesk campaign progress <campaignId> --portal <portalId> [--follow] [--interval-ms N]

Shows a template campaign's progress from the campaigns read model (as the API's campaign(id)
answers it): state, a progress bar over its recipients, accepted, refused, and Meta's sent and
failed. --follow redraws it until the campaign is finished and Meta answered for every accepted
message (exit 0), reading again every --interval-ms (default 1000). Exit 1 for a campaign the
portal does not have. Reads the stores the API uses (DATA_DIR or EVENTSTORE_URL, READ_STORE_URL).`;

/** `helpdesk campaign`: what its help says; the command itself loads when it runs. */
export const campaignCommand: CliCommand = {
  name: 'campaign',
  summary: "a template campaign's progress, with a progress bar until it finishes",
  usage: USAGE,
  subcommands: [
    {
      name: 'progress',
      summary: "a campaign's state and counts, with a progress bar",
      arguments: '<campaignId>',
      options: [
        { flags: '--portal <id>', description: "the campaign's portal" },
        { flags: '--follow', description: 'redraw until the campaign is finished' },
        { flags: '--interval-ms <n>', description: 'how often --follow reads again (default 1000)' },
      ],
    },
  ],
  load: async () => (await import('./campaign.command.js')).runCampaign,
};
