import type { CliCommand } from '../cli-command.js';

const USAGE = `Usage: helpdesk export conversation <conversationId> --out file.ndjson
       helpdesk export portal <portalId> --out file.ndjson
       helpdesk export verify file.ndjson [--offline] [--public-key key.pem] [--conversation <id> | --portal <id>]
       helpdesk export public-key [--out key.pem]

export writes NDJSON, one line per event (stream, revision, position, id, type, data, metadata,
created) with a SHA-256 hash chained to the previous line's hash, then a trailer line (scope, count,
first and last position, head hash, key id) signed with Ed25519 by EXPORT_SIGNING_KEY, or by this
install's own key in DATA_DIR: the events of one conversation, or of every stream whose events
carry the portal as tenant.
verify checks the chain and the trailer's signature, then compares every line with the store: count,
order, positions, revisions and every field. --offline reads no store: the file and the key alone.
--public-key trusts that key (what \`export public-key\` printed) instead of the configured one;\nrepeat it to trust several (the keys before and after a rotation).
--conversation / --portal refuse a genuine export of something else. The first line that does not
hold is reported with what is wrong, and the exit code is 1.
public-key prints the public key auditors verify with, and its key id.`;

/** `helpdesk export`: what its help says; the command itself loads when it runs. */
export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export a conversation or a portal as signed, hash-chained NDJSON, or verify such an export',
  usage: USAGE,
  subcommands: [
    {
      name: 'conversation',
      summary: "one conversation's events",
      arguments: '<conversationId>',
      options: [{ flags: '--out <file>', description: 'the NDJSON file to write' }],
    },
    {
      name: 'portal',
      summary: 'every event carrying the portal as tenant',
      arguments: '<portalId>',
      options: [
        { flags: '--out <file>', description: 'the NDJSON file to write' },
        { flags: '--progress', description: 'show progress on stderr (always on a terminal)' },
      ],
    },
    {
      name: 'verify',
      summary: "check an export's chain, signature and contents",
      arguments: '<file>',
      options: [
        { flags: '--offline', description: 'read no store: the file and the key alone' },
        { flags: '--public-key <file>', description: 'trust this key (repeatable)' },
        { flags: '--conversation <id>', description: 'refuse an export of anything else' },
        { flags: '--portal <id>', description: 'refuse an export of anything else' },
      ],
    },
    {
      name: 'public-key',
      summary: 'print the public key auditors verify with',
      options: [{ flags: '--out <file>', description: 'write it to this file' }],
    },
  ],
  load: async () => (await import('./export.command.js')).runExport,
};
