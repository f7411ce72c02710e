import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { APP_CONFIG } from '@helpdesk/config';
import type { AppConfig } from '@helpdesk/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../graphql/api-error.js';
import { CLOCK } from '@helpdesk/commands/shared/clock.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { InvalidAccessToken, type AuthenticatedUser, type Role, readAccessToken } from '@helpdesk/auth';
import { accessTokenKeysOf } from './access-token-keys.js';
import { type AuthenticatedContext, PUBLIC_KEY, ROLES_KEY } from './auth.decorators.js';

/** Mercurius's context, as the Nest driver builds it: the Fastify request as `req`, and the reply. */
interface MercuriusContext extends AuthenticatedContext {
  readonly req?: FastifyRequest;
  readonly reply?: FastifyReply;
}

/**
 * Global: every GraphQL query and mutation needs a valid bearer token unless it is @Public(), so a
 * new resolver is closed by default. HTTP routes are not its business (webhooks are signed by Meta).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const graphqlContext = GqlExecutionContext.create(context).getContext<MercuriusContext>();
    graphqlContext.currentUser ??= await this.authenticate(graphqlContext);
    const needed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (needed?.length && !needed.some((role) => graphqlContext.currentUser?.roles.includes(role))) {
      throw new ApiError('FORBIDDEN', `This operation needs one of the roles: ${needed.join(', ')}`, {
        requiredRoles: needed,
      });
    }
    return true;
  }

  private async authenticate(context: MercuriusContext): Promise<AuthenticatedUser> {
    const request = context.req ?? context.reply?.request;
    const header = request?.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header)?.[1] : undefined;
    if (!token) throw new ApiError('UNAUTHENTICATED', 'A bearer token is required (Authorization: Bearer <token>)');
    try {
      return await readAccessToken(token, accessTokenKeysOf(this.config), this.clock.now());
    } catch (error) {
      if (error instanceof InvalidAccessToken) throw new ApiError('UNAUTHENTICATED', error.message);
      throw error;
    }
  }
}
