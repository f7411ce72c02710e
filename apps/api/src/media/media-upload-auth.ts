import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '@helpdesk/config';
import { accessTokenKeysOf } from '../auth/access-token-keys.js';
import { InvalidAccessToken, type AuthenticatedUser, readAccessToken } from '@helpdesk/auth';

/** The GraphQL API's bearer token on a plain HTTP route (media): the user, or null for none or an invalid one. */
export async function bearerUser(
  request: FastifyRequest,
  config: AppConfig,
  now: Date,
): Promise<AuthenticatedUser | null> {
  const header = request.headers.authorization;
  const token = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header)?.[1] : undefined;
  if (!token) return null;
  try {
    return await readAccessToken(token, accessTokenKeysOf(config), now);
  } catch (error) {
    if (error instanceof InvalidAccessToken) return null;
    throw error;
  }
}

export const UNAUTHENTICATED = {
  error: 'UNAUTHENTICATED',
  message: 'A valid bearer token is required (Authorization: Bearer <token>)',
} as const;
