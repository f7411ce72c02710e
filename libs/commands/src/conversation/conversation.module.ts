import { Global, Module } from '@nestjs/common';
import { CONTACT_ASSOCIATION } from '../contact/contact-association.js';
import { QuotaModule } from '../quota/quota.module.js';
import { AssignTicketHandler } from './assign-ticket.handler.js';
import { associateContactWithOpenConversations } from './associate-contact-with-conversations.js';
import { AssociateContactHandler } from './associate-contact.handler.js';
import { CloseTicketHandler } from './close-ticket.handler.js';
import { QuarantineMessageHandler } from './quarantine-message.handler.js';
import { ReceiveInboundMessageHandler } from './receive-inbound-message.handler.js';
import { RecordDeliveryStatusHandler } from './record-delivery-status.handler.js';
import { RecordOutboundWamidHandler } from './record-outbound-wamid.handler.js';
import { ReopenTicketHandler } from './reopen-ticket.handler.js';
import { ReplyToContactHandler } from './reply-to-contact.handler.js';
import { ResendOutboundMessageHandler } from './resend-outbound-message.handler.js';
import { RevealQuarantinedMessageHandler } from './reveal-quarantined-message.handler.js';
import { SendTemplateHandler } from './send-template.handler.js';
import { SessionExpiryService } from './session-expiry/session-expiry.service.js';
import { SESSION_EXPIRY_TIMERS, systemTimers } from './session-expiry/timers.js';

/**
 * Tickets, threads and sessions of WhatsApp conversations. Global so that the contact handlers
 * find CONTACT_ASSOCIATION (associating contacts created later) without importing this module.
 * The event store comes from the global StoresModule.
 */
@Global()
@Module({
  imports: [QuotaModule],
  providers: [
    { provide: SESSION_EXPIRY_TIMERS, useValue: systemTimers },
    { provide: CONTACT_ASSOCIATION, useValue: associateContactWithOpenConversations },
    ReceiveInboundMessageHandler,
    ReplyToContactHandler,
    SendTemplateHandler,
    RecordOutboundWamidHandler,
    RecordDeliveryStatusHandler,
    ResendOutboundMessageHandler,
    QuarantineMessageHandler,
    RevealQuarantinedMessageHandler,
    AssignTicketHandler,
    CloseTicketHandler,
    ReopenTicketHandler,
    AssociateContactHandler,
    SessionExpiryService,
  ],
  exports: [CONTACT_ASSOCIATION],
})
export class ConversationModule {}
