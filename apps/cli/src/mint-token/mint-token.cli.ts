import type { CliCommand } from '../cli-command.js';

const USAGE = `Usage: helpdesk mint-token --portal P --user U --roles agent[,admin,auditor,operator] [--team T] [--expires-in 8h]

Prints a bearer token for the GraphQL API (Authorization: Bearer <token>), an HS256 JWT signed with
the secret the API checks: AUTH_JWT_SECRET when it is set, otherwise this install's own secret in
DATA_DIR/auth-jwt-secret (run it with the API's DATA_DIR; it never makes a new one).
With AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE set, the token carries them as iss and aud (the API requires them).
Only the token goes to stdout, so TOKEN=$(npm run --silent helpdesk -- mint-token ...) works.
--expires-in: a number with s, m, h or d (at most 30d).
With NODE_ENV=development it also prints, on stderr, a link that opens the agent inbox signed in
(http://localhost:PORT/inbox#token=...).`;

/** `helpdesk mint-token`: what its help says; the command itself loads when it runs. */
export const mintTokenCommand: CliCommand = {
  name: 'mint-token',
  summary: 'print a bearer token for the GraphQL API (portal, user, team, roles)',
  usage: USAGE,
  options: [
    { flags: '--portal <id>', description: "the token's portal" },
    { flags: '--user <id>', description: "the token's user" },
    { flags: '--roles <list>', description: 'comma-separated: agent, admin, auditor, operator' },
    { flags: '--team <id>', description: "the user's team" },
    { flags: '--expires-in <lifetime>', description: 'e.g. 30m, 8h, 7d; at most 30d (default 8h)' },
  ],
  load: async () => (await import('./mint-token.command.js')).runMintToken,
};
