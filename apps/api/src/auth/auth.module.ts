import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG } from '@helpdesk/config';
import type { AppConfig } from '@helpdesk/config';
import { AuthGuard } from './auth.guard.js';

/** Bearer-token authentication and roles for the GraphQL API (see AuthGuard). */
@Module({ providers: [{ provide: APP_GUARD, useClass: AuthGuard }] })
export class AuthModule implements OnModuleInit {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    // Resolve now, so a data directory that cannot hold the secret stops the start, not a request.
    void this.config.auth.jwtSecret;
    if (this.config.auth.jwtSecretSource === 'data-dir') {
      new Logger('Auth').log(
        `AUTH_JWT_SECRET is unset: bearer tokens are signed with this install's own secret in ${this.config.auth.secretFile}; ` +
          'mint tokens with `npm run helpdesk -- mint-token` on the same DATA_DIR',
      );
    }
    const { jwksUrl } = this.config.accessTokens;
    if (jwksUrl) {
      new Logger('Auth').log(
        `RS256/ES256 bearer tokens are checked with the identity provider's keys at ${jwksUrl.href}`,
      );
    }
  }
}
