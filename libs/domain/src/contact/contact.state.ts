import { assertNever } from '../core/index.js';
import type { ContactEvent, ContactPhoneEvent, ContactPhoneProperty } from './contact.events.js';

export type ContactState =
  | Readonly<{ status: 'NoContact' }>
  | Readonly<{
      status: 'Active';
      contactId: string;
      portalId: string;
      name: string;
      phoneNumber: string | null;
      mobilePhoneNumber: string | null;
    }>;

export type ActiveContact = Extract<ContactState, { status: 'Active' }>;

export const initialContactState: ContactState = { status: 'NoContact' };

export function evolveContact(state: ContactState, event: ContactEvent): ContactState {
  switch (event.type) {
    case 'ContactCreated': {
      const { contactId, portalId, name, phoneNumber, mobilePhoneNumber } = event.data;
      return { status: 'Active', contactId, portalId, name, phoneNumber, mobilePhoneNumber };
    }
    case 'ContactRenamed':
      return state.status === 'Active' ? { ...state, name: event.data.name } : state;
    case 'ContactPhoneNumberChanged':
      return state.status === 'Active' ? { ...state, [event.data.property]: event.data.current } : state;
    default:
      return assertNever(event);
  }
}

/** Distinct numbers of a contact, phone and mobile, for matching senders. */
export function contactPhoneNumbers(contact: ContactState): string[] {
  if (contact.status !== 'Active') return [];
  return [...new Set([contact.phoneNumber, contact.mobilePhoneNumber].filter((n): n is string => n !== null))];
}

export type ContactPhoneLink = Readonly<{ contactId: string; property: ContactPhoneProperty }>;

export type ContactPhoneIndexState = Readonly<{ links: readonly ContactPhoneLink[] }>;

export const initialContactPhoneIndexState: ContactPhoneIndexState = { links: [] };

export function evolveContactPhoneIndex(
  state: ContactPhoneIndexState,
  event: ContactPhoneEvent,
): ContactPhoneIndexState {
  const { contactId, property } = event.data;
  switch (event.type) {
    case 'ContactPhoneLinked':
      return { links: [...state.links, { contactId, property }] };
    case 'ContactPhoneUnlinked':
      return { links: state.links.filter((link) => link.contactId !== contactId || link.property !== property) };
    default:
      return assertNever(event);
  }
}

export function linkedContactIds(index: ContactPhoneIndexState): string[] {
  return [...new Set(index.links.map((link) => link.contactId))];
}
