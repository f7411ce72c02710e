import { Global, Module } from '@nestjs/common';
import { CONTACT_ASSOCIATION } from '../contact/contact-association.js';
import { QuotaModule } from '../quota/quota.module.js';
import { associateContactWithOpenConversations } from './associate-contact-with-conversations.js';
import { ChooseContactHandler } from './choose-contact.handler.js';
import { RunConversationCommandHandler } from './conversation-command.handler.js';
import { MarkConversationReadHandler } from './mark-conversation-read.handler.js';
import { ReceiveInboundMessageHandler } from './receive-inbound-message.handler.js';
import { ReplyToContactHandler } from './reply-to-contact.handler.js';
import { SendTemplateHandler } from './send-template.handler.js';
import { StartConversationHandler } from './start-conversation.handler.js';

/**
 * Tickets, threads and sessions of WhatsApp conversations. Global so that the contact handlers
 * find CONTACT_ASSOCIATION (associating contacts created later) without importing this module.
 * The event store comes from the global StoresModule. The session-expiry service reads a read model,
 * so the API provides it (apps/api/src/session-expiry).
 */
@Global()
@Module({
  imports: [QuotaModule],
  providers: [
    { provide: CONTACT_ASSOCIATION, useValue: associateContactWithOpenConversations },
    ReceiveInboundMessageHandler,
    ReplyToContactHandler,
    SendTemplateHandler,
    StartConversationHandler,
    RunConversationCommandHandler,
    MarkConversationReadHandler,
    ChooseContactHandler,
  ],
  exports: [CONTACT_ASSOCIATION],
})
export class ConversationModule {}
