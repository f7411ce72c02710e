import { handleCommand } from '@helpdesk/command-handling';
import {
  contactDecider,
  contactPhoneNumbers,
  contactStreamName,
  type ActiveContact,
  type ContactCommand,
} from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import { causationFrom, type CommandOrigin } from '../shared/command-origin.js';
import type { AssociateContact } from './contact-association.js';
import { indexContactPhones } from './contact-phone-index.js';

/**
 * Decides on the contact's stream, then brings the phone index and the open conversations in
 * line. Both follow-ups run even when nothing changed, so a retry completes an interrupted one.
 */
export async function recordContact(
  store: EventStore,
  associate: AssociateContact,
  origin: CommandOrigin,
  command: ContactCommand,
): Promise<ActiveContact> {
  const request = { origin, now: command.context.now, causation: causationFrom(origin) };
  const stream = contactStreamName(origin.portalId, command.data.contactId);
  const { events, state } = await handleCommand(store, stream, contactDecider, command, {
    causation: request.causation,
  });
  // A create or change that was not refused leaves the contact active.
  const contact = state as ActiveContact;
  await indexContactPhones(store, request, events, contact);
  await associate(store, request.now, origin, {
    contactId: contact.contactId,
    phoneNumbers: contactPhoneNumbers(contact),
  });
  return contact;
}
