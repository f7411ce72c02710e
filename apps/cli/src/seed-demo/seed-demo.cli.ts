import type { CliCommand } from '../cli-command.js';

const USAGE = `Usage: helpdesk seed-demo [--portal demo] [--numbers 3] [--connected-at ISO] [--time-zone Europe/Amsterdam]
                         [--subscription-start YYYY-MM-DD] [--out targets.json]

Registers a demo portal, connects a WhatsApp Business account with N business numbers, approves two
templates and creates a few contacts, on the stores the API uses (DATA_DIR or EVENTSTORE_URL).
Running it again changes nothing. Prints the numbers to point the simulator at; --out writes
them as JSON for \`simulate --targets\`.`;

/** `helpdesk seed-demo`: what its help says; the command itself loads when it runs. */
export const seedDemoCommand: CliCommand = {
  name: 'seed-demo',
  summary: 'fill a fresh install with a demo portal, WhatsApp numbers, templates and contacts',
  usage: USAGE,
  options: [
    { flags: '--portal <id>', description: 'the demo portal (default demo)' },
    { flags: '--numbers <n>', description: 'business numbers to connect, 1 to 25 (default 3)' },
    { flags: '--connected-at <ISO>', description: 'when the account was connected (default now)' },
    { flags: '--time-zone <zone>', description: "the portal's IANA time zone (default Europe/Amsterdam)" },
    { flags: '--subscription-start <YYYY-MM-DD>', description: 'the day its quota period starts' },
    { flags: '--out <file>', description: 'write the numbers as JSON for `simulate --targets`' },
  ],
  load: async () => (await import('./seed-demo.command.js')).runSeedDemo,
};
