import { SetMetadata, createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import type { AuthenticatedUser, Role } from '@helpdesk/auth';
import { currentRequestId } from '../logging/request-id.js';

export const PUBLIC_KEY = 'helpdesk:public';
export const ROLES_KEY = 'helpdesk:roles';

/** The only way out of authentication: for what a load balancer or an anonymous client may ask. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The caller needs at least one of these roles (FORBIDDEN otherwise). Without it, any valid token will do. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Where AuthGuard leaves the caller: on the GraphQL context, once per request. */
export interface AuthenticatedContext {
  currentUser?: AuthenticatedUser;
}

/** The verified caller of a GraphQL operation (set by AuthGuard; never from the client's input). */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = GqlExecutionContext.create(context).getContext<AuthenticatedContext>().currentUser;
  if (!user) throw new Error('CurrentUser used on an operation that AuthGuard did not authenticate');
  return user;
});

/**
 * A command on the caller's behalf: their portal, them as the actor, and the client's idempotency
 * key in a namespace of its own, so it can never name the same events or message ids as the
 * service's keys (`inbound|<wamid>`) or another user's. Its events' correlation id is the HTTP
 * request's id (X-Request-Id), so they can be found from the request's log lines and back.
 */
export function originOf(user: AuthenticatedUser, idempotencyKey?: string): CommandOrigin {
  const key = idempotencyKey ? { idempotencyKey: `client|${user.userId}|${idempotencyKey}` } : {};
  const requestId = currentRequestId();
  const correlation = requestId === undefined ? {} : { correlationId: requestId };
  return { portalId: user.portalId, actor: { kind: 'user', id: user.userId }, ...key, ...correlation };
}
