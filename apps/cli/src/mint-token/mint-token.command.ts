import { parseArgs } from 'node:util';
import { loadConfig } from '@helpdesk/config';
import { existingInstall } from '../app-context/existing-install.js';
import { ROLES, type Role, mintAccessToken } from '@helpdesk/auth';
import { UsageError, type CliRunner, type CliIo } from '../cli-command.js';

const MAX_LIFETIME_SECONDS = 30 * 86_400;
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600, d: 86_400 };

export const runMintToken: CliRunner = (argv, io) => mintToken(argv, io, new Date());

/** The command itself, with the time it mints at. */
export async function mintToken(argv: readonly string[], io: CliIo, now: Date): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      portal: { type: 'string' },
      user: { type: 'string' },
      team: { type: 'string' },
      roles: { type: 'string' },
      'expires-in': { type: 'string', default: '8h' },
    },
  });
  const portalId = required(values.portal, '--portal');
  const userId = required(values.user, '--user');
  const roles = parseRoles(required(values.roles, '--roles'));
  const expiresInSeconds = parseLifetime(values['expires-in']);
  const loaded = loadConfig(io.env);
  // This install's secret is read where an install is, never made afresh beside no store: the API would refuse its tokens.
  const config =
    loaded.auth.jwtSecretSource === 'environment' ? loaded : existingInstall(io, 'mint-token', { dataDirOnly: true });
  const teamId = values.team?.trim() || undefined;
  const token = mintAccessToken(
    { portalId, userId, ...(teamId && { teamId }), roles, expiresInSeconds },
    config.auth.jwtSecret,
    now,
    config.accessTokens,
  );
  if (config.auth.jwtSecretSource === 'data-dir') {
    io.stderr(`mint-token: AUTH_JWT_SECRET is unset, signed with this install's secret in ${config.auth.secretFile}\n`);
  }
  io.stderr(`mint-token: expires ${new Date(now.getTime() + expiresInSeconds * 1000).toISOString()}\n`);
  if (loaded.environment === 'development') {
    // In development only: elsewhere stderr often lands in logs that should not hold tokens.
    io.stderr(`mint-token: the agent inbox, signed in: ${inboxLink(loaded.host, loaded.port, token)}\n`);
  }
  io.stdout(`${token}\n`);
  return 0;
}

/** The inbox page on this machine's API, the token in its fragment (never sent to a server; the page drops it from the address). */
export function inboxLink(host: string, port: number, token: string): string {
  const name = ['0.0.0.0', '::', ''].includes(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}/inbox#token=${token}`;
}

function required(value: string | undefined, option: string): string {
  const trimmed = value?.trim();
  if (!trimmed) throw new UsageError(`${option} is required`);
  return trimmed;
}

function parseRoles(text: string): Role[] {
  const given = text
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  const unknown = given.filter((role) => !(ROLES as readonly string[]).includes(role));
  if (given.length === 0 || unknown.length > 0) {
    throw new UsageError(`--roles must list some of ${ROLES.join(', ')} (got '${text}')`);
  }
  return [...new Set(given as Role[])];
}

function parseLifetime(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2]] : 0;
  if (seconds < 1 || seconds > MAX_LIFETIME_SECONDS) {
    throw new UsageError(`--expires-in must be like 30m, 8h or 7d, at most 30d (got '${text}')`);
  }
  return seconds;
}
