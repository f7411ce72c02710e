import type { CliCommand } from '../cli-command.js';

const USAGE = `Usage: helpdesk replay conversation <conversationId> [--as-of ISO] [--format table|json|ndjson]
                                  [--reveal --reason "..." --auditor <id>]

Replays one conversation's stream, event by event: revision, time, type, actor, rule version,
correlation and causation ids, the event's data and the state after it (ticket, session, messages).
--as-of stops at the last event created at or before that instant.
Quarantined content is hidden (in every event, also those before the quarantine) unless --reveal is
given; --reveal first records a QuarantinedContentRevealed event for each quarantined message, with
the auditor as actor and the reason, then shows the content.`;

/** `helpdesk replay`: what its help says; the command itself loads when it runs. */
export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'replay a conversation event by event, with the state after each (auditors)',
  usage: USAGE,
  subcommands: [
    {
      name: 'conversation',
      summary: "one conversation's events, with the state after each",
      arguments: '<conversationId>',
      options: [
        { flags: '--as-of <ISO>', description: 'stop at the last event created at or before this instant' },
        { flags: '--format <format>', description: 'table, json or ndjson (default table)' },
        { flags: '--reveal', description: 'show quarantined content (records who and why first)' },
        { flags: '--reason <text>', description: 'why the content is revealed (with --reveal)' },
        { flags: '--auditor <id>', description: 'who reveals it (with --reveal)' },
      ],
    },
  ],
  load: async () => (await import('./replay.command.js')).runReplay,
};
