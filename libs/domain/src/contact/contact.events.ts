import type { DomainEvent } from '../core/index.js';

/** The two contact properties an inbound sender's number is matched against. */
export type ContactPhoneProperty = 'phoneNumber' | 'mobilePhoneNumber';

/** Phone numbers are E.164, or null when the contact has none. */
export type ContactCreated = DomainEvent<
  'ContactCreated',
  {
    contactId: string;
    portalId: string;
    name: string;
    phoneNumber: string | null;
    mobilePhoneNumber: string | null;
    createdAt: string;
  }
>;

export type ContactRenamed = DomainEvent<'ContactRenamed', { contactId: string; name: string; renamedAt: string }>;

/** Carries the previous number so the phone index can unlink it without reading the contact's past. */
export type ContactPhoneNumberChanged = DomainEvent<
  'ContactPhoneNumberChanged',
  {
    contactId: string;
    property: ContactPhoneProperty;
    previous: string | null;
    current: string | null;
    changedAt: string;
  }
>;

export type ContactEvent = ContactCreated | ContactRenamed | ContactPhoneNumberChanged;

/** The per-portal, per-number index: which contacts carry this number, and as which property. */
export type ContactPhoneLinked = DomainEvent<
  'ContactPhoneLinked',
  { portalId: string; phoneNumber: string; contactId: string; property: ContactPhoneProperty }
>;

export type ContactPhoneUnlinked = DomainEvent<
  'ContactPhoneUnlinked',
  { portalId: string; phoneNumber: string; contactId: string; property: ContactPhoneProperty }
>;

export type ContactPhoneEvent = ContactPhoneLinked | ContactPhoneUnlinked;
