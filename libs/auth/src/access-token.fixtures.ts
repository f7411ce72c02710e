import { ROLES, type Role, mintAccessToken } from './access-token.js';

export interface TestTokenRequest {
  readonly portal: string;
  readonly user: string;
  /** Comma-separated, as `helpdesk mint-token --roles` takes them: 'agent,admin'. */
  readonly roles: string;
  readonly team?: string;
}

/**
 * A bearer token as `helpdesk mint-token --portal P --user U --roles R [--team T]` prints it (eight
 * hours, signed with `secret`), for tests of the API that need one without running the CLI.
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
  return mintAccessToken(
    {
      portalId: request.portal,
      userId: request.user,
      ...(teamId && { teamId }),
      roles: roles as Role[],
      expiresInSeconds: 8 * 3_600,
    },
    secret,
    now,
  );
}
