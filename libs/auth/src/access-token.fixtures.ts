import { ROLES, type Role } from './access-token.js';
import { signHs256Jwt } from './hs256-jwt.js';

/**
 * Issued before any test world's clock (they start in 2024), so a token minted on the real clock
 * is not "issued in the future" for a world whose clock is set in the past (the API refuses those).
 */
const ISSUED_AT = Date.parse('2020-01-01T00:00:00.000Z') / 1000;

export interface TestTokenRequest {
  readonly portal: string;
  readonly user: string;
  /** Comma-separated, as `helpdesk mint-token --roles` takes them: 'agent,admin'. */
  readonly roles: string;
  readonly team?: string;
}

/**
 * A bearer token as `helpdesk mint-token --portal P --user U --roles R [--team T]` prints it (eight
 * hours from `now`, signed with `secret`), for tests of the API that need one without running the CLI.
 */
export function testToken(request: TestTokenRequest, secret: string, now = new Date()): string {
  const roles = [
    ...new Set(
      request.roles
        .split(',')
        .map((role) => role.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
  if (roles.length === 0 || unknown.length > 0) throw new Error(`not roles: '${request.roles}'`);
  const teamId = request.team?.trim() || undefined;
  return signHs256Jwt(
    {
      sub: request.user,
      portalId: request.portal,
      ...(teamId && { team: teamId }),
      roles: roles as Role[],
      iat: ISSUED_AT,
      exp: Math.floor(now.getTime() / 1000) + 8 * 3_600,
    },
    secret,
  );
}
export * from './jwks-server.fixtures.js';
