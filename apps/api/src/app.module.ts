import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { APP_CONFIG, AppConfig } from '@helpdesk/config';
import { AuthModule } from './auth/auth.module.js';
import { ChannelModule } from './channel/channel.module.js';
import { ContactModule } from './contact/contact.module.js';
import { ConversationModule } from './conversation/conversation.module.js';
import { formatGraphqlErrors } from './graphql/format-graphql-errors.js';
import { GraphqlSupportModule } from './graphql/graphql-support.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OutboundModule } from './outbound/outbound.module.js';
import { PortalModule } from './portal/portal.module.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { QuotaModule } from './quota/quota.module.js';
import { CLOCK, Clock, systemClock } from './shared/clock.js';
import { StoresModule } from './stores/stores.module.js';
import { TemplateModule } from './template/template.module.js';
import { TicketsModule } from './tickets/tickets.module.js';
import { ViewModule } from './view/view.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

export interface AppOverrides {
  /** Tests drive time (session expiry, quota periods) through this clock. */
  readonly clock?: Clock;
}

@Module({})
export class AppModule {
  static forConfig(config: AppConfig, overrides: AppOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        {
          module: ProcessWideModule,
          global: true,
          providers: [
            { provide: APP_CONFIG, useValue: config },
            { provide: CLOCK, useValue: overrides.clock ?? systemClock },
          ],
          exports: [APP_CONFIG, CLOCK],
        },
        CqrsModule.forRoot(),
        GraphQLModule.forRoot<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          graphiql: config.environment === 'development',
          // Every error with a stable extensions.code, and never a stack (see graphql/).
          errorFormatter: formatGraphqlErrors,
        }),
        AuthModule,
        GraphqlSupportModule,
        StoresModule,
        ProjectionsModule,
        MetricsModule,
        HealthModule,
        PortalModule,
        QuotaModule,
        ChannelModule,
        ContactModule,
        TemplateModule,
        ViewModule,
        ConversationModule,
        OutboundModule,
        WebhooksModule,
        TicketsModule,
      ],
    };
  }
}

/** Configuration and the clock: one of each per process. */
@Module({})
class ProcessWideModule {}
