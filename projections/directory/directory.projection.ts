import type { ChannelEvent, ContactEvent, TemplateEvent } from '@helpdesk/domain';
import {
  type ColumnValues,
  type Projection,
  type ProjectedEvent,
  type TableDocument,
  evolveDocument,
  handleEvents,
} from '../core/projection.js';
import type { ChannelRow, ContactRow, TemplateRow } from './directory.documents.js';

export const CONTACTS = 'contacts';
export const CHANNELS = 'channels';
export const TEMPLATES = 'templates';

export type DirectoryEvent = ContactEvent | ChannelEvent | TemplateEvent;

export type DirectoryRows = {
  readonly contacts: ContactRow;
  readonly channels: ChannelRow;
  readonly templates: TemplateRow;
};

/** Lower case, so names sort the same whatever their case; the stored name keeps its spelling. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/** Each document is `evolve`d from its own events; contacts and templates are keyed by their stream name, channels by their account. */
const contactDocument = evolveDocument<ContactEvent, DirectoryRows, typeof CONTACTS>(
  CONTACTS,
  (event) => event.streamName,
  contactChange,
);
const channelDocument = evolveDocument<ChannelEvent, DirectoryRows, typeof CHANNELS>(
  CHANNELS,
  (event) => event.data.accountId,
  channelChange,
);
const templateDocument = evolveDocument<TemplateEvent, DirectoryRows, typeof TEMPLATES>(
  TEMPLATES,
  (event) => event.streamName,
  templateChange,
);

/**
 * A portal's contacts, channels and templates. Contacts and templates are keyed by their stream
 * name: contact ids are unique per portal only, and the stream names the aggregate exactly.
 */
export const directoryProjection: Projection<DirectoryEvent, DirectoryRows> = {
  name: 'directory',
  version: 1,
  tables: [
    {
      name: CONTACTS,
      columns: { portal_id: 'text', name_key: 'text', phone_number: 'text', mobile_phone_number: 'text' },
      indexes: [
        ['portal_id', 'name_key'],
        ['portal_id', 'phone_number'],
        ['portal_id', 'mobile_phone_number'],
      ],
    },
    { name: CHANNELS, columns: { portal_id: 'text', name_key: 'text' }, indexes: [['portal_id', 'name_key']] },
    {
      name: TEMPLATES,
      columns: { portal_id: 'text', account_id: 'text', name: 'text', language: 'text' },
      indexes: [['portal_id', 'account_id', 'name', 'language']],
    },
  ],
  columnsOf(entry: TableDocument<DirectoryRows>): ColumnValues {
    switch (entry.table) {
      case CONTACTS: {
        const { portalId, name, phoneNumber, mobilePhoneNumber } = entry.document;
        return {
          portal_id: portalId,
          name_key: nameKey(name),
          phone_number: phoneNumber,
          mobile_phone_number: mobilePhoneNumber,
        };
      }
      case CHANNELS:
        return { portal_id: entry.document.portalId, name_key: nameKey(entry.document.name) };
      case TEMPLATES: {
        const template = entry.document;
        return {
          portal_id: template.portalId,
          account_id: template.accountId,
          name: template.name,
          language: template.language,
        };
      }
    }
  },
  ...handleEvents<DirectoryEvent, DirectoryRows>({
    ContactCreated: contactDocument,
    ContactRenamed: contactDocument,
    ContactPhoneNumberChanged: contactDocument,
    AccountConnected: channelDocument,
    PhoneNumberAdded: channelDocument,
    PhoneNumberRemoved: channelDocument,
    BusinessVerified: channelDocument,
    AccountDisconnected: channelDocument,
    TemplateRegistered: templateDocument,
    TemplateApproved: templateDocument,
    TemplateRejected: templateDocument,
  }),
};

function contactChange(contact: ContactRow | null, event: ProjectedEvent<ContactEvent>): ContactRow | null {
  if (event.type === 'ContactCreated') {
    const { contactId, portalId, name, phoneNumber, mobilePhoneNumber, createdAt } = event.data;
    return { contactId, portalId, name, phoneNumber, mobilePhoneNumber, createdAt, updatedAt: createdAt };
  }
  if (!contact) return null;
  if (event.type === 'ContactRenamed') return { ...contact, name: event.data.name, updatedAt: event.data.renamedAt };
  return { ...contact, [event.data.property]: event.data.current, updatedAt: event.data.changedAt };
}

function channelChange(channel: ChannelRow | null, event: ProjectedEvent<ChannelEvent>): ChannelRow | null {
  if (event.type === 'AccountConnected') {
    const { accountId, portalId, wabaId, name, timeZone, businessVerified, connectedAt } = event.data;
    const connection = { status: 'connected', connectedAt, disconnectedAt: null, phoneNumbers: [] } as const;
    return { accountId, portalId, wabaId, name, timeZone, verified: businessVerified, ...connection };
  }
  if (!channel) return null;
  switch (event.type) {
    case 'PhoneNumberAdded': {
      const { phoneNumberId, displayNumber, addedAt } = event.data;
      return { ...channel, phoneNumbers: [...channel.phoneNumbers, { phoneNumberId, displayNumber, addedAt }] };
    }
    case 'PhoneNumberRemoved':
      return {
        ...channel,
        phoneNumbers: channel.phoneNumbers.filter((number) => number.displayNumber !== event.data.displayNumber),
      };
    case 'BusinessVerified':
      return { ...channel, verified: true };
    case 'AccountDisconnected':
      return { ...channel, status: 'disconnected', disconnectedAt: event.data.disconnectedAt, phoneNumbers: [] };
  }
}

function templateChange(template: TemplateRow | null, event: ProjectedEvent<TemplateEvent>): TemplateRow | null {
  if (event.type === 'TemplateRegistered') {
    const { accountId, portalId, name, language, category, body, header, buttons, registeredAt } = event.data;
    const review = { status: 'pending', rejectionReason: null, reviewedAt: null } as const;
    return { accountId, portalId, name, language, category, body, header, buttons, ...review, registeredAt };
  }
  if (!template) return null;
  if (event.type === 'TemplateApproved')
    return { ...template, status: 'approved', rejectionReason: null, reviewedAt: event.data.approvedAt };
  return { ...template, status: 'rejected', rejectionReason: event.data.reason, reviewedAt: event.data.rejectedAt };
}
