import type { CliCommand } from '../cli-command.js';

const USAGE = `Usage: helpdesk projections status [--format table|json]
       helpdesk projections check <name>|--all
       helpdesk projections rebuild <name>|--all [--fresh] [--batch-size N]

status  For each registered read model: version, checkpoint position, events handled, lag behind
        $all in events (counted up to 1,000,000) and in seconds, last error and rows per table;
        then the inbox backlog: WhatsApp webhook payloads stored and not yet processed (the table's
        last line; not in --format json, whose shape stays an array of projections).
check   Rebuilds the read model in memory from the event store up to its stored checkpoint and
        compares every table row by row with the stored one. Exit code 1 when they differ.
rebuild Rebuilds from the start of history into new tables while the live ones keep serving, then
        switches them in atomically (blue/green), with a progress bar (rate, ETA); --all rebuilds
        every read model with one read of the event log, each switched in on its own. Killed or
        interrupted (Ctrl-C), the same command resumes the build; --fresh discards it and starts
        over. A projection that throws fails the build: nothing is switched, exit code 1.

Reads the stores the API uses (DATA_DIR or EVENTSTORE_URL, READ_STORE_URL).`;

/** `helpdesk projections`: what its help says; the command itself loads when it runs. */
export const projectionsCommand: CliCommand = {
  name: 'projections',
  summary: 'read model status (checkpoint, lag, rows) and drift check against a rebuild',
  usage: USAGE,
  subcommands: [
    {
      name: 'status',
      summary: 'version, checkpoint, lag, last error and rows of every read model; the inbox backlog',
      options: [{ flags: '--format <format>', description: 'table or json (default table)' }],
    },
    {
      name: 'check',
      summary: 'compare a read model with a rebuild from history, row by row',
      arguments: '[name]',
      options: [
        { flags: '--all', description: 'check every read model' },
        { flags: '--progress', description: 'show progress on stderr (always on a terminal)' },
      ],
    },
    {
      name: 'rebuild',
      summary: 'rebuild into new tables and switch them in (blue/green)',
      arguments: '[name]',
      options: [
        { flags: '--all', description: 'rebuild every read model with one read of the log' },
        { flags: '--fresh', description: 'discard a build in progress and start over' },
        { flags: '--batch-size <n>', description: 'events per batch' },
      ],
    },
  ],
  load: async () => (await import('./projections.command.js')).runProjectionsCommand,
};
