import { randomUUID } from 'node:crypto';
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
import {
  comparePositions,
  openSqliteEventStore,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '@helpdesk/event-store';
import { describeContract } from '../../../test/contract/support.js';
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
const account = (
  accountId: string,
  phoneNumbers: ConnectAccountCommand['data']['phoneNumbers'],
): ConnectAccountCommand['data'] => ({
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

/** Where `$all` ends now: a store under test may be shared by the tests of a file (EventStoreDB). */
async function endOf(store: EventStore): Promise<Position | 'start'> {
  for await (const event of store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 }))
    return event.position;
  return 'start';
}

async function eventsAfter(store: EventStore, mark: Position | 'start'): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll({ fromPosition: mark })) {
    if (mark === 'start' || comparePositions(event.position, mark) > 0) events.push(event);
  }
  return events;
}

/**
 * What the code before the rename wrote: the same handlers, each stream under its former name.
 * The history is written through today's handlers into a scratch store, then every event is
 * appended to `target` in the same order, under the stream name it had then. Only the port is used.
 */
async function writeAsBeforeTheRename(
  target: EventStore,
  history: (store: EventStore) => Promise<void>,
): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stream-names-before-'));
  const scratch = openSqliteEventStore({ dataDir });
  try {
    await history(scratch);
    for (const event of await eventsAfter(scratch, 'start')) {
      await target.append(
        formerNameOf(event.streamName),
        [{ id: event.id, type: event.type, data: event.data, metadata: event.metadata }],
        'any',
      );
    }
  } finally {
    await scratch.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * This test's own portals, accounts, ids and numbers: on a store shared by the file's tests (the
 * EventStoreDB under test) no two tests meet. Numbers are Dutch mobiles, `+316` and eight digits.
 */
function ownWorld() {
  const run = randomUUID().slice(0, 8);
  const digits = String(100_000 + Math.floor(Math.random() * 900_000));
  const mobile = (n: number) => `+316${n}${digits}0`;
  return {
    a: `a-${run}`,
    b: `b-${run}`,
    c: `c-${run}`,
    kept: { phoneNumberId: `106${run}`, displayNumber: mobile(1) },
    released: { phoneNumberId: `206${run}`, displayNumber: mobile(2) },
    fresh: mobile(3),
    third: mobile(4),
    oldMobile: mobile(5),
    newMobile: mobile(6),
    landline: `+3120${digits}1`,
  };
}

describeContract(
  'A store written before the contact phone index and the phone_number_id claims were renamed',
  (ctx) => {
    let w: ReturnType<typeof ownWorld>;
    /** Where `$all` ended before this test wrote its store. */
    let start: Position | 'start';
    const store = () => ctx.store;
    const events = async () => eventsAfter(store(), start);
    const eventsIn = async (streamName: string) => (await events()).filter((event) => event.streamName === streamName);
    const connect = (on: EventStore, origin: CommandOrigin, data: ConnectAccountCommand['data']) =>
      new ConnectAccountHandler(on, clock, ownershipNotChecked).execute(new ConnectAccountCommand(origin, data));
    const createContact = (on: EventStore, data: CreateContactCommand['data']) =>
      new CreateContactHandler(on, clock, noAssociation).execute(new CreateContactCommand(portal(w.a), data));
    const changeContact = (on: EventStore, data: ChangeContactCommand['data']) =>
      new ChangeContactHandler(on, clock, noAssociation).execute(new ChangeContactCommand(portal(w.a), data));
    const refusalCode = (done: Promise<unknown>) =>
      done.then(
        () => 'done',
        (error: unknown) => (error instanceof DomainError ? error.code : Promise.reject(error)),
      );

    /** Portal a connected an account with two numbers and removed one; it has a contact with two numbers. */
    const before = async (on: EventStore) => {
      await connect(on, portal(w.a), account(`acc-${w.a}`, [w.kept, w.released]));
      await new RemovePhoneNumberHandler(on, clock).execute(
        new RemovePhoneNumberCommand(portal(w.a), { accountId: `acc-${w.a}`, displayNumber: w.released.displayNumber }),
      );
      await createContact(on, {
        contactId: 'c-1',
        name: 'Anna',
        phoneNumber: w.landline,
        mobilePhoneNumber: w.oldMobile,
      });
    };

    beforeEach(async () => {
      w = ownWorld();
      start = await endOf(store());
      await writeAsBeforeTheRename(store(), before);
    });

    it('holds only former names for the two categories, as the code before wrote them', async () => {
      const names = new Set((await events()).map((event) => event.streamName));

      expect([...names].filter((name) => RENAMED.some(([current]) => name.startsWith(current)))).toEqual([]);
      expect(names).toContain(formerPhoneNumberIdStreamNames(w.kept.phoneNumberId)[0]);
      expect(names).toContain(formerPhoneNumberIdStreamNames(w.released.phoneNumberId)[0]);
      expect(names).toContain(formerContactPhoneStreamNames(w.a, w.oldMobile)[0]);
    });

    it('finds the channel and the contact through what was written under the former names', async () => {
      const byNumber = await findChannelByDisplayNumber(store(), w.kept.displayNumber);

      expect(byNumber).toMatchObject({ portalId: w.a, accountId: `acc-${w.a}`, phoneNumberId: w.kept.phoneNumberId });
      await expect(findChannelByPhoneNumberId(store(), w.kept.phoneNumberId)).resolves.toEqual(byNumber);
      await expect(findChannelByPhoneNumberId(store(), w.released.phoneNumberId)).resolves.toBeNull();
      await expect(findContactIdsByPhone(store(), w.a, w.oldMobile)).resolves.toEqual(['c-1']);
      await expect(findContactIdsByPhone(store(), w.a, w.landline)).resolves.toEqual(['c-1']);
    });

    it('still refuses an id claimed under its former name to another portal, under any display number', async () => {
      const hijack = account(`acc-${w.b}`, [{ phoneNumberId: w.kept.phoneNumberId, displayNumber: w.fresh }]);

      expect(await refusalCode(connect(store(), portal(w.b), hijack))).toBe('PHONE_NUMBER_ALREADY_CLAIMED');

      await expect(findChannelByPhoneNumberId(store(), w.kept.phoneNumberId)).resolves.toMatchObject({ portalId: w.a });
      expect(await eventsIn(phoneNumberIdStreamName(w.kept.phoneNumberId))).toEqual([]);
    });

    it('claims again, under the current name, an id released under its former name; and then refuses it to a third', async () => {
      const former = formerPhoneNumberIdStreamNames(w.released.phoneNumberId)[0];
      const formerEvents = await eventsIn(former);

      await connect(store(), portal(w.b), account(`acc-${w.b}`, [w.released]));

      await expect(findChannelByPhoneNumberId(store(), w.released.phoneNumberId)).resolves.toMatchObject({
        portalId: w.b,
        accountId: `acc-${w.b}`,
      });
      const claims = await eventsIn(phoneNumberIdStreamName(w.released.phoneNumberId));
      expect(claims.map((event) => [event.type, (event.data as { accountId?: string }).accountId])).toEqual([
        ['PhoneNumberIdClaimed', `acc-${w.b}`],
      ]);
      expect(await eventsIn(former)).toEqual(formerEvents);
      const third = account(`acc-${w.c}`, [{ phoneNumberId: w.released.phoneNumberId, displayNumber: w.third }]);
      expect(await refusalCode(connect(store(), portal(w.c), third))).toBe('PHONE_NUMBER_ALREADY_CLAIMED');
    });

    it('writes index changes to the current name, on top of the former one', async () => {
      const formerIndex = formerContactPhoneStreamNames(w.a, w.oldMobile)[0];
      const formerEvents = await eventsIn(formerIndex);

      await changeContact(store(), { contactId: 'c-1', mobilePhoneNumber: w.newMobile });
      await createContact(store(), { contactId: 'c-2', name: 'Bert', mobilePhoneNumber: w.landline });

      await expect(findContactIdsByPhone(store(), w.a, w.oldMobile)).resolves.toEqual([]);
      await expect(findContactIdsByPhone(store(), w.a, w.newMobile)).resolves.toEqual(['c-1']);
      await expect(findContactIdsByPhone(store(), w.a, w.landline)).resolves.toEqual(['c-1', 'c-2']);
      expect((await eventsIn(contactPhoneStreamName(w.a, w.oldMobile))).map((event) => event.type)).toEqual([
        'ContactPhoneUnlinked',
      ]);
      expect(await eventsIn(formerIndex)).toEqual(formerEvents);
    });

    it('writes nothing under a former name, and nothing at all when run a second time', async () => {
      const formerStreams = async () =>
        (await events()).filter((event) => RENAMED.some(([, former]) => event.streamName.startsWith(former)));
      /** Every write is a retry the second time: the contact's change is made, the account is connected. */
      const upgrade = async () => ({
        connected: await refusalCode(connect(store(), portal(w.b), account(`acc-${w.b}`, [w.released]))),
        changed: await refusalCode(changeContact(store(), { contactId: 'c-1', mobilePhoneNumber: w.newMobile })),
        kept: await findChannelByPhoneNumberId(store(), w.kept.phoneNumberId),
        reclaimed: await findChannelByPhoneNumberId(store(), w.released.phoneNumberId),
        byOldMobile: await findContactIdsByPhone(store(), w.a, w.oldMobile),
        byNewMobile: await findContactIdsByPhone(store(), w.a, w.newMobile),
        byLandline: await findContactIdsByPhone(store(), w.a, w.landline),
      });
      const former = await formerStreams();

      const first = await upgrade();
      const written = await events();
      const second = await upgrade();

      expect(first).toMatchObject({
        connected: 'done',
        changed: 'done',
        kept: { portalId: w.a },
        reclaimed: { portalId: w.b },
        byOldMobile: [],
        byNewMobile: ['c-1'],
        byLandline: ['c-1'],
      });
      expect(second).toEqual({ ...first, connected: 'CHANNEL_ALREADY_CONNECTED' });
      expect(await events()).toEqual(written);
      expect(await formerStreams()).toEqual(former);
    });
  },
);
