import { Module } from '@nestjs/common';
import { ChangeContactHandler } from './change-contact.handler.js';
import { CreateContactHandler } from './create-contact.handler.js';

/**
 * Contacts and their phone index. CONTACT_ASSOCIATION (see contact-association.ts) comes from the
 * global ConversationModule, which owns the association of conversations with contacts.
 */
@Module({
  providers: [CreateContactHandler, ChangeContactHandler],
})
export class ContactModule {}
