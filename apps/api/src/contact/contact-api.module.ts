import { Module } from '@nestjs/common';
import { ContactLoaders } from './contact-loaders.js';
import { ContactMutationsResolver } from './contact-mutations.resolver.js';
import { FindContactsByPhoneHandler, ListContactsHandler } from './contact.queries.js';
import { ContactsResolver } from './contacts.resolver.js';

/** The portal's contacts in GraphQL, kept by agents; by batch (ContactLoaders) for other types' fields such as Ticket.contact. */
@Module({
  providers: [
    ListContactsHandler,
    FindContactsByPhoneHandler,
    ContactsResolver,
    ContactMutationsResolver,
    ContactLoaders,
  ],
  exports: [ContactLoaders],
})
export class ContactApiModule {}
