import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DomainError,
  FormerStreamCategory,
  StreamCategory,
  contactPhoneStreamName,
  formerContactPhoneStreamNames,
  formerPhoneNumberIdStreamNames,
  phoneNumberIdStreamName,
  streamPrefix,
} from '@helpdesk/domain';
import { openSqliteEventStore, type EventStore, type RecordedEvent } from '@helpdesk/event-store';
import { refusalOf } from '../../../test/support/domain-refusals.js';
import { useTemporarySqliteStore } from '../../../test/support/temporary-sqlite-store.js';
import { ConnectAccountCommand, ConnectAccountHandler } from './channel/connect-account.handler.js';
import { findChannelByDisplayNumber, findChannelByPhoneNumberId } from './channel/find-channel-by-number.js';
import { ownershipNotChecked } from './channel/phone-number-ownership.js';
import { RemovePhoneNumberCommand, RemovePhoneNumberHandler } from './channel/remove-phone-number.handler.js';
import { ChangeContactCommand, ChangeContactHandler } from './contact/change-contact.handler.js';
import type { AssociateContact } from './contact/contact-association.js';
import { findContactIdsByPhone } from './contact/contact-phone-index.js';
import { CreateContactCommand, CreateContactHandler } from './contact/create-contact.handler.js';
import type { CommandOrigin } from './shared/command-origin.js';

const clock = { now: () => new Date('2025-03-01T10:00:00.000Z') };
const portal = (portalId: string, idempotencyKey?: string): CommandOrigin => ({
  portalId,
  actor: { kind: 'user', id: `admin-${portalId}` },
  correlationId: `req-${portalId}`,
  idempotencyKey,
});
const noAssociation: AssociateContact = async () => {};
const KEPT = { phoneNumberId: 'pn-kept', displayNumber: '+31612345678' };
const RELEASED = { phoneNumberId: 'pn-released', displayNumber: '+31687654321' };
const account = (accountId: string, phoneNumbers: ConnectAccountCommand['data']['phoneNumbers']): ConnectAccountCommand['data'] => ({
  accountId,
  wabaId: `waba-${accountId}`,
  name: `Support ${accountId}`,
  timeZone: 'Europe/Amsterdam',
  accountType: 'business',
  businessVerified: true,
  phoneNumbers,
});

/** The categories renamed, from the current name's prefix to the former one's. */
const RENAMED: readonly (readonly [string, string])[] = [
  [streamPrefix(StreamCategory.contactPhoneIndex), `${FormerStreamCategory.contactPhoneIndex}-`],
  [streamPrefix(StreamCategory.phoneNumberIdClaim), `${FormerStreamCategory.phoneNumberIdClaim}-`],
];

function formerNameOf(streamName: string): string {
  const renamed = RENAMED.find(([current]) => streamName.startsWith(current));
  return renamed ? renamed[1] + streamName.slice(renamed[0].length) : streamName;
}

async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
}

async function eventsIn(store: EventStore, streamName: string): Promise<RecordedEvent[]> {
  return (await allEvents(store)).filter((event) => event.streamName === streamName);
}

/**
 * What the code before the rename wrote: the same handlers, each stream under its former name.
 * The history is written through today's handlers into a scratch store, then every event is
 * appended to `target` in the same order, under the stream name it had then. Only the port is used.
 */
async function writeAsBeforeTheRename(target: EventStore, history: (store: EventStore) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stream-names-before-'));
  const scratch = openSqliteEventStore({ dataDir });
  try {
    await history(scratch);
    for (const event of await allEvents(scratch)) {
      await target.append(formerNameOf(event.streamName), [{ id: event.id, type: event.type, data: event.data, metadata: event.metadata }], 'any');
    }
  } finally {
    await scratch.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('A store written before the contact phone index and the phone_number_id claims were renamed', () => {
  const stores = useTemporarySqliteStore('stream-names-');
  const connect = (store: EventStore, origin: CommandOrigin, data: ConnectAccountCommand['data']) =>
    new ConnectAccountHandler(store, clock, ownershipNotChecked).execute(new ConnectAccountCommand(origin, data));
  const createContact = (store: EventStore, data: CreateContactCommand['data']) =>
    new CreateContactHandler(store, clock, noAssociation).execute(new CreateContactCommand(portal('a'), data));
  const changeContact = (store: EventStore, data: ChangeContactCommand['data']) =>
    new ChangeContactHandler(store, clock, noAssociation).execute(new ChangeContactCommand(portal('a'), data));

  /** Portal a connected an account with two numbers and removed one; it has a contact with two numbers. */
  const before = async (store: EventStore) => {
    await connect(store, portal('a'), account('acc-a', [KEPT, RELEASED]));
    await new RemovePhoneNumberHandler(store, clock).execute(
      new RemovePhoneNumberCommand(portal('a'), { accountId: 'acc-a', displayNumber: RELEASED.displayNumber }),
    );
    await createContact(store, { contactId: 'c-1', name: 'Anna', phoneNumber: '+31201234567', mobilePhoneNumber: '+31611111111' });
  };

  beforeEach(async () => {
    await writeAsBeforeTheRename(stores.current, before);
  });

  it('holds only former names for the two categories, as the code before wrote them', async () => {
    const names = new Set((await allEvents(stores.current)).map((event) => event.streamName));

    expect([...names].filter((name) => RENAMED.some(([current]) => name.startsWith(current)))).toEqual([]);
    expect(names).toContain(formerPhoneNumberIdStreamNames(KEPT.phoneNumberId)[0]);
    expect(names).toContain(formerPhoneNumberIdStreamNames(RELEASED.phoneNumberId)[0]);
    expect(names).toContain(formerContactPhoneStreamNames('a', '+31611111111')[0]);
  });

  it('finds the channel and the contact through what was written under the former names', async () => {
    const byNumber = await findChannelByDisplayNumber(stores.current, KEPT.displayNumber);

    expect(byNumber).toMatchObject({ portalId: 'a', accountId: 'acc-a', phoneNumberId: KEPT.phoneNumberId });
    await expect(findChannelByPhoneNumberId(stores.current, KEPT.phoneNumberId)).resolves.toEqual(byNumber);
    await expect(findChannelByPhoneNumberId(stores.current, RELEASED.phoneNumberId)).resolves.toBeNull();
    await expect(findContactIdsByPhone(stores.current, 'a', '+31611111111')).resolves.toEqual(['c-1']);
    await expect(findContactIdsByPhone(stores.current, 'a', '+31201234567')).resolves.toEqual(['c-1']);
  });

  it('still refuses an id claimed under its former name to another portal, under any display number', async () => {
    const hijack = account('acc-b', [{ phoneNumberId: KEPT.phoneNumberId, displayNumber: '+31699999999' }]);

    expect((await refusalOf(connect(stores.current, portal('b'), hijack))).code).toBe('PHONE_NUMBER_ALREADY_CLAIMED');

    await expect(findChannelByPhoneNumberId(stores.current, KEPT.phoneNumberId)).resolves.toMatchObject({ portalId: 'a' });
    expect(await eventsIn(stores.current, phoneNumberIdStreamName(KEPT.phoneNumberId))).toEqual([]);
  });

  it('claims again, under the current name, an id released under its former name; and then refuses it to a third', async () => {
    const formerEvents = await eventsIn(stores.current, formerPhoneNumberIdStreamNames(RELEASED.phoneNumberId)[0]);

    await connect(stores.current, portal('b'), account('acc-b', [RELEASED]));

    await expect(findChannelByPhoneNumberId(stores.current, RELEASED.phoneNumberId)).resolves.toMatchObject({ portalId: 'b', accountId: 'acc-b' });
    const claims = await eventsIn(stores.current, phoneNumberIdStreamName(RELEASED.phoneNumberId));
    expect(claims.map((event) => [event.type, (event.data as { accountId?: string }).accountId])).toEqual([['PhoneNumberIdClaimed', 'acc-b']]);
    expect(await eventsIn(stores.current, formerPhoneNumberIdStreamNames(RELEASED.phoneNumberId)[0])).toEqual(formerEvents);
    const third = account('acc-c', [{ phoneNumberId: RELEASED.phoneNumberId, displayNumber: '+31655555555' }]);
    expect((await refusalOf(connect(stores.current, portal('c'), third))).code).toBe('PHONE_NUMBER_ALREADY_CLAIMED');
  });

  it('writes index changes to the current name, on top of the former one', async () => {
    const formerIndex = formerContactPhoneStreamNames('a', '+31611111111')[0];
    const formerEvents = await eventsIn(stores.current, formerIndex);

    await changeContact(stores.current, { contactId: 'c-1', mobilePhoneNumber: '+31633333333' });
    await createContact(stores.current, { contactId: 'c-2', name: 'Bert', mobilePhoneNumber: '+31201234567' });

    await expect(findContactIdsByPhone(stores.current, 'a', '+31611111111')).resolves.toEqual([]);
    await expect(findContactIdsByPhone(stores.current, 'a', '+31633333333')).resolves.toEqual(['c-1']);
    await expect(findContactIdsByPhone(stores.current, 'a', '+31201234567')).resolves.toEqual(['c-1', 'c-2']);
    expect((await eventsIn(stores.current, contactPhoneStreamName('a', '+31611111111'))).map((event) => event.type)).toEqual(['ContactPhoneUnlinked']);
    expect(await eventsIn(stores.current, formerIndex)).toEqual(formerEvents);
  });

  it('writes nothing under a former name, and nothing at all when run a second time', async () => {
    const formerStreams = async () =>
      (await allEvents(stores.current)).filter((event) => RENAMED.some(([, former]) => event.streamName.startsWith(former)));
    /** Every write is a retry the second time: the contact's change is made, the account is connected. */
    const upgrade = async () => {
      const connected = await connect(stores.current, portal('b'), account('acc-b', [RELEASED])).then(
        () => 'connected',
        (error: unknown) => (error instanceof DomainError ? error.code : Promise.reject(error)),
      );
      await changeContact(stores.current, { contactId: 'c-1', mobilePhoneNumber: '+31633333333' });
      return {
        connected,
        kept: await findChannelByPhoneNumberId(stores.current, KEPT.phoneNumberId),
        reclaimed: await findChannelByPhoneNumberId(stores.current, RELEASED.phoneNumberId),
        byOldMobile: await findContactIdsByPhone(stores.current, 'a', '+31611111111'),
        byNewMobile: await findContactIdsByPhone(stores.current, 'a', '+31633333333'),
        byPhone: await findContactIdsByPhone(stores.current, 'a', '+31201234567'),
      };
    };
    const former = await formerStreams();

    const first = await upgrade();
    const written = await allEvents(stores.current);
    const second = await upgrade();

    expect(first).toMatchObject({ connected: 'connected', kept: { portalId: 'a' }, reclaimed: { portalId: 'b' }, byOldMobile: [], byNewMobile: ['c-1'], byPhone: ['c-1'] });
    expect(second).toEqual({ ...first, connected: 'CHANNEL_ALREADY_CONNECTED' });
    expect(await allEvents(stores.current)).toEqual(written);
    expect(await formerStreams()).toEqual(former);
  });
});
