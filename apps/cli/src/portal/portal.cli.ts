import type { CliCommand } from '../cli-command.js';

const USAGE = `Usage: helpdesk portal register --portal <id> --name <name> --time-zone <IANA zone>
                                --subscription-start YYYY-MM-DD [--monthly-limit N] [--by <operator>]
       helpdesk portal change-limit --portal <id> --limit N --effective-from <ISO instant> [--by <admin>]
       helpdesk portal suspend --portal <id> --reason "..." [--by <operator>]
       helpdesk portal resume --portal <id> [--by <operator>]
       helpdesk portal show --portal <id>

register: a new tenant, with the day of the month its quota resets on (the 29th-31st reset on the
last day of shorter months), its time zone and its monthly conversation limit (the rulebook's
default, 1,000, when absent). An id already registered is refused and left as it was.
change-limit: the monthly limit from an instant on (with its offset); the same change again changes nothing.
suspend: nothing is sent for the portal (replies, templates, new conversations, read receipts are
refused with PORTAL_SUSPENDED) until resume; its inbound messages are still received.
show: the portal's settings. Every change is recorded with --by as its actor (default: the OS user).`;

/** `helpdesk portal`: what its help says; the command itself loads when it runs. */
export const portalCommand: CliCommand = {
  name: 'portal',
  summary: 'register a portal (tenant), change its monthly limit, show its settings (operators)',
  usage: USAGE,
  subcommands: [
    {
      name: 'register',
      summary: 'a new tenant',
      options: [
        { flags: '--portal <id>', description: "the portal's id" },
        { flags: '--name <name>', description: "the portal's name" },
        { flags: '--time-zone <zone>', description: 'IANA time zone' },
        { flags: '--subscription-start <YYYY-MM-DD>', description: 'the day its quota resets on' },
        { flags: '--monthly-limit <n>', description: 'conversations a month (default 1,000)' },
        { flags: '--by <operator>', description: 'the actor recorded (default: the OS user)' },
      ],
    },
    {
      name: 'change-limit',
      summary: 'the monthly limit from an instant on',
      options: [
        { flags: '--portal <id>', description: "the portal's id" },
        { flags: '--limit <n>', description: 'conversations a month' },
        { flags: '--effective-from <ISO>', description: 'an instant with its offset' },
        { flags: '--by <admin>', description: 'the actor recorded (default: the OS user)' },
      ],
    },
    {
      name: 'suspend',
      summary: 'send nothing for the portal until resume',
      options: [
        { flags: '--portal <id>', description: "the portal's id" },
        { flags: '--reason <text>', description: 'why' },
        { flags: '--by <operator>', description: 'the actor recorded (default: the OS user)' },
      ],
    },
    {
      name: 'resume',
      summary: 'end a suspension',
      options: [
        { flags: '--portal <id>', description: "the portal's id" },
        { flags: '--by <operator>', description: 'the actor recorded (default: the OS user)' },
      ],
    },
    {
      name: 'show',
      summary: "the portal's settings",
      options: [{ flags: '--portal <id>', description: "the portal's id" }],
    },
  ],
  load: async () => (await import('./portal.command.js')).runPortal,
};
