import { handleCommand, loadState, type Causation } from '@helpdesk/command-handling';
import {
  contactDecider,
  contactPhoneIndexDecider,
  contactPhoneNumbers,
  contactPhoneStreamName,
  formerContactPhoneStreamNames,
  contactStreamName,
  linkedContactIds,
  normaliseToE164,
  type ActiveContact,
  type ContactEvent,
  type ContactPhoneCommand,
  type ContactPhoneProperty,
} from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import { contextFrom, type CommandOrigin } from '../shared/command-origin.js';

const PHONE_PROPERTIES: readonly ContactPhoneProperty[] = ['phoneNumber', 'mobilePhoneNumber'];

export interface ContactRequest {
  readonly origin: CommandOrigin;
  readonly now: Date;
  readonly causation: Causation;
}

/**
 * Which contacts of the portal have this number as phone or mobile number. The index may lag a
 * crashed write, so each candidate is checked against the contact itself.
 */
export async function findContactIdsByPhone(
  store: EventStore,
  portalId: string,
  phoneNumber: string,
): Promise<string[]> {
  const e164 = normaliseToE164(phoneNumber);
  const olderNames = formerContactPhoneStreamNames(portalId, e164);
  const { state: index } = await loadState(store, contactPhoneStreamName(portalId, e164), contactPhoneIndexDecider, {
    olderNames,
  });
  const candidates = linkedContactIds(index);
  const contacts = await Promise.all(
    candidates.map((contactId) => loadState(store, contactStreamName(portalId, contactId), contactDecider)),
  );
  return candidates.filter((_contactId, i) => contactPhoneNumbers(contacts[i].state).includes(e164));
}

/**
 * Unlinks the numbers the events replaced, then links every number the contact has now: linking
 * is idempotent, so a retried command repairs an index a crash left behind.
 */
export async function indexContactPhones(
  store: EventStore,
  request: ContactRequest,
  events: readonly ContactEvent[],
  contact: ActiveContact,
): Promise<void> {
  const { contactId } = contact;
  for (const event of events) {
    if (event.type !== 'ContactPhoneNumberChanged' || event.data.previous === null) continue;
    const { property, previous } = event.data;
    await updateIndex(store, request, 'UnlinkContactPhone', { contactId, property, phoneNumber: previous });
  }
  for (const property of PHONE_PROPERTIES) {
    const phoneNumber = contact[property];
    if (phoneNumber !== null)
      await updateIndex(store, request, 'LinkContactPhone', { contactId, property, phoneNumber });
  }
}

async function updateIndex(
  store: EventStore,
  { origin, now, causation }: ContactRequest,
  type: ContactPhoneCommand['type'],
  data: ContactPhoneCommand['data'],
): Promise<void> {
  // Several index updates of one request may share a stream: each needs its own idempotency key.
  const idempotencyKey = origin.idempotencyKey && `${origin.idempotencyKey}:${type}:${data.property}`;
  const command: ContactPhoneCommand = { type, data, context: contextFrom({ ...origin, idempotencyKey }, now) };
  const stream = contactPhoneStreamName(origin.portalId, data.phoneNumber);
  const olderNames = formerContactPhoneStreamNames(origin.portalId, data.phoneNumber);
  await handleCommand(store, stream, contactPhoneIndexDecider, command, { causation, olderNames });
}
