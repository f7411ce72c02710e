import type { EventStore } from '@helpdesk/event-store';
import type { CommandOrigin } from '../shared/command-origin.js';

export interface ContactPhoneNumbers {
  readonly contactId: string;
  /** E.164: the contact's phone and mobile numbers, distinct. */
  readonly phoneNumbers: readonly string[];
}

/**
 * Associates a contact with the open conversations of senders with its numbers. Owned by the
 * conversation capability (`associateContactWithOpenConversations`); injected so the contact
 * handlers do not reach into it, and so their tests can pass a recording function.
 */
export type AssociateContact = (
  store: EventStore,
  now: Date,
  origin: CommandOrigin,
  contact: ContactPhoneNumbers,
) => Promise<void>;

export const CONTACT_ASSOCIATION = Symbol('CONTACT_ASSOCIATION');
