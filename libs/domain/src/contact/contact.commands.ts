import type { DomainCommand } from '../core/index.js';
import type { ContactPhoneProperty } from './contact.events.js';

/**
 * Numbers in any dialable spelling; `defaultCountry` (ISO 3166 alpha-2, e.g. 'NL') reads national
 * spellings such as '06 12345678'.
 */
export type CreateContact = DomainCommand<
  'CreateContact',
  { contactId: string; name: string; phoneNumber?: string; mobilePhoneNumber?: string; defaultCountry?: string }
>;

/** Absent: unchanged; null: cleared. */
export type ChangeContact = DomainCommand<
  'ChangeContact',
  {
    contactId: string;
    name?: string;
    phoneNumber?: string | null;
    mobilePhoneNumber?: string | null;
    defaultCountry?: string;
  }
>;

export type ContactCommand = CreateContact | ChangeContact;

export type LinkContactPhone = DomainCommand<
  'LinkContactPhone',
  { phoneNumber: string; contactId: string; property: ContactPhoneProperty }
>;

export type UnlinkContactPhone = DomainCommand<
  'UnlinkContactPhone',
  { phoneNumber: string; contactId: string; property: ContactPhoneProperty }
>;

export type ContactPhoneCommand = LinkContactPhone | UnlinkContactPhone;
