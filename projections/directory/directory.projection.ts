import type { ChannelEvent, ContactEvent, TemplateEvent } from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import type { Document, DocumentAccess, Projection } from '../core/projection.js';
import type { ChannelRow, ContactRow, TemplateRow } from './directory.documents.js';

export const CONTACTS = 'contacts';
export const CHANNELS = 'channels';
export const TEMPLATES = 'templates';

const CONTACT_EVENTS = ['ContactCreated', 'ContactRenamed', 'ContactPhoneNumberChanged'];
const CHANNEL_EVENTS = ['AccountConnected', 'PhoneNumberAdded', 'PhoneNumberRemoved', 'BusinessVerified', 'AccountDisconnected'];
const TEMPLATE_EVENTS = ['TemplateRegistered', 'TemplateApproved', 'TemplateRejected'];

/** Lower case, so names sort the same whatever their case; the stored name keeps its spelling. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/**
 * A portal's contacts, channels and templates. Contacts and templates are keyed by their stream
 * name: contact ids are unique per portal only, and the stream names the aggregate exactly.
 */
export const directoryProjection: Projection = {
  name: 'directory',
  version: 1,
  eventTypes: [...CONTACT_EVENTS, ...CHANNEL_EVENTS, ...TEMPLATE_EVENTS],
  tables: [
    {
      name: CONTACTS,
      columns: { portal_id: 'text', name_key: 'text', phone_number: 'text', mobile_phone_number: 'text' },
      indexes: [['portal_id', 'name_key'], ['portal_id', 'phone_number'], ['portal_id', 'mobile_phone_number']],
    },
    { name: CHANNELS, columns: { portal_id: 'text', name_key: 'text' }, indexes: [['portal_id', 'name_key']] },
    {
      name: TEMPLATES,
      columns: { portal_id: 'text', account_id: 'text', name: 'text', language: 'text' },
      indexes: [['portal_id', 'account_id', 'name', 'language']],
    },
  ],
  columnsOf(table: string, document: Document): Record<string, string | number | null> {
    if (table === CONTACTS) {
      const contact = document as unknown as ContactRow;
      const { portalId, name, phoneNumber, mobilePhoneNumber } = contact;
      return { portal_id: portalId, name_key: nameKey(name), phone_number: phoneNumber, mobile_phone_number: mobilePhoneNumber };
    }
    if (table === CHANNELS) {
      const channel = document as unknown as ChannelRow;
      return { portal_id: channel.portalId, name_key: nameKey(channel.name) };
    }
    const template = document as unknown as TemplateRow;
    return { portal_id: template.portalId, account_id: template.accountId, name: template.name, language: template.language };
  },
  async project(event, access) {
    if (CONTACT_EVENTS.includes(event.type)) return change(access, CONTACTS, event.streamName, event, contactChange);
    if (TEMPLATE_EVENTS.includes(event.type)) return change(access, TEMPLATES, event.streamName, event, templateChange);
    return change(access, CHANNELS, (event.data as { accountId: string }).accountId, event, channelChange);
  },
};

type Change<Row, Event> = (row: Row | null, event: Event) => Row | null;

async function change<Row, Event>(access: DocumentAccess, table: string, id: string, event: RecordedEvent, next: Change<Row, Event>) {
  const current = await access.get<Row & Document>(table, id);
  const changed = next(current, { type: event.type, data: event.data } as Event);
  if (changed !== null && changed !== current) access.put(table, id, changed as unknown as Document);
}

const contactChange: Change<ContactRow, ContactEvent> = (contact, event) => {
  if (event.type === 'ContactCreated') {
    const { contactId, portalId, name, phoneNumber, mobilePhoneNumber, createdAt } = event.data;
    return { contactId, portalId, name, phoneNumber, mobilePhoneNumber, createdAt, updatedAt: createdAt };
  }
  if (!contact) return null;
  if (event.type === 'ContactRenamed') return { ...contact, name: event.data.name, updatedAt: event.data.renamedAt };
  return { ...contact, [event.data.property]: event.data.current, updatedAt: event.data.changedAt };
};

const channelChange: Change<ChannelRow, ChannelEvent> = (channel, event) => {
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
      return { ...channel, phoneNumbers: channel.phoneNumbers.filter((number) => number.displayNumber !== event.data.displayNumber) };
    case 'BusinessVerified':
      return { ...channel, verified: true };
    case 'AccountDisconnected':
      return { ...channel, status: 'disconnected', disconnectedAt: event.data.disconnectedAt, phoneNumbers: [] };
  }
};

const templateChange: Change<TemplateRow, TemplateEvent> = (template, event) => {
  if (event.type === 'TemplateRegistered') {
    const { accountId, portalId, name, language, category, body, header, buttons, registeredAt } = event.data;
    const review = { status: 'pending', rejectionReason: null, reviewedAt: null } as const;
    return { accountId, portalId, name, language, category, body, header, buttons, ...review, registeredAt };
  }
  if (!template) return null;
  if (event.type === 'TemplateApproved') return { ...template, status: 'approved', rejectionReason: null, reviewedAt: event.data.approvedAt };
  return { ...template, status: 'rejected', rejectionReason: event.data.reason, reviewedAt: event.data.rejectedAt };
};
