import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { ChannelModule } from '@helpdesk/commands/channel/channel.module.js';
import { CONTACT_ASSOCIATION } from '@helpdesk/commands/contact/contact-association.js';
import { ContactModule } from '@helpdesk/commands/contact/contact.module.js';
import { associateContactWithOpenConversations } from '@helpdesk/commands/conversation/associate-contact-with-conversations.js';
import { PortalModule } from '@helpdesk/commands/portal/portal.module.js';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { StoresModule } from '@helpdesk/commands/stores/stores.module.js';
import { TemplateModule } from '@helpdesk/commands/template/template.module.js';

/**
 * The API's command handlers without HTTP, on the API's stores (same DATA_DIR or EVENTSTORE_URL).
 * CONTACT_ASSOCIATION is provided here rather than by importing ConversationModule: that module
 * also starts the session expiry service, which a one-shot command must not run.
 */
@Module({})
export class CliModule {
  static forConfig(config: AppConfig, clock: Clock): DynamicModule {
    return {
      module: CliModule,
      imports: [
        {
          module: CliProcessWideModule,
          global: true,
          providers: [
            { provide: APP_CONFIG, useValue: config },
            { provide: CLOCK, useValue: clock },
            { provide: CONTACT_ASSOCIATION, useValue: associateContactWithOpenConversations },
          ],
          exports: [APP_CONFIG, CLOCK, CONTACT_ASSOCIATION],
        },
        CqrsModule.forRoot(),
        StoresModule,
        PortalModule,
        ChannelModule,
        TemplateModule,
        ContactModule,
      ],
    };
  }
}

/** Configuration, the clock and the contact association: one of each per process. */
@Module({})
class CliProcessWideModule {}
