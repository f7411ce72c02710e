import {
  contactPhoneStreamName,
  conversationIdOf,
  conversationStreamName,
  conversationsByPhoneStreamName,
  formerContactPhoneStreamNames,
  toWaId,
} from '@helpdesk/domain';
import {
  type EventStore,
  type Position,
  type ReadStreamOptions,
  type RecordedEvent,
  openSqliteEventStore,
} from '@helpdesk/event-store';
import { ConnectAccountCommand, ConnectAccountHandler } from '../channel/connect-account.handler.js';
import { DisconnectAccountCommand, DisconnectAccountHandler } from '../channel/disconnect-account.handler.js';
import { ownershipNotChecked } from '../channel/phone-number-ownership.js';
import { RoutingCache, isRoutingStream } from '../channel/routing-cache.js';
import { CreateContactCommand, CreateContactHandler } from '../contact/create-contact.handler.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { associateContactWithOpenConversations } from './associate-contact-with-conversations.js';
import {
  type World,
  accountId,
  admin,
  businessPhone,
  contactPhone,
  conversationOf,
  inboundMessage,
  later,
  openWorld,
  phoneNumberId,
  portalId,
  refusalOf,
} from './conversation.test-world.js';
import { ReceiveInboundMessageCommand, ReceiveInboundMessageHandler } from './receive-inbound-message.handler.js';

/** The store as the handlers see it, counting each stream read by the stream's name. */
class CountingStore implements EventStore {
  reads: string[] = [];

  constructor(private readonly inner: EventStore) {}

  readStream(streamName: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    this.reads.push(streamName);
    return this.inner.readStream(streamName, options);
  }

  /** The reads since the last call. */
  take(): string[] {
    const taken = this.reads;
    this.reads = [];
    return taken;
  }

  append: EventStore['append'] = (...args) => this.inner.append(...args);
  readAll: EventStore['readAll'] = (...args) => this.inner.readAll(...args);
  subscribeToAll: EventStore['subscribeToAll'] = (...args) => this.inner.subscribeToAll(...args);
  setStreamMetadata: EventStore['setStreamMetadata'] = (...args) => this.inner.setStreamMetadata(...args);
  getStreamMetadata: EventStore['getStreamMetadata'] = (...args) => this.inner.getStreamMetadata(...args);
  deleteStream: EventStore['deleteStream'] = (...args) => this.inner.deleteStream(...args);
  tombstoneStream: EventStore['tombstoneStream'] = (...args) => this.inner.tombstoneStream(...args);
  health: EventStore['health'] = () => this.inner.health();
  close: EventStore['close'] = () => this.inner.close();
}

const connectedAt = '2025-03-01T08:00:00.000Z';
const sentAt = '2025-03-10T09:00:00.000Z';
const newSender = '+33698765432';
const otherPortal = 'globex';
const otherAdmin: CommandOrigin = { portalId: otherPortal, actor: { kind: 'user', id: 'admin-globex' } };

/** Where the last write to a stream routing depends on stands in the log. */
async function lastRoutingChange(store: EventStore): Promise<Position> {
  for await (const event of store.readAll({ direction: 'backwards', fromPosition: 'end' }))
    if (isRoutingStream(event.streamName)) return event.position;
  throw new Error('no routing stream written');
}

describe('Stream reads per inbound message', () => {
  let world: World;
  let store: CountingStore;
  let receiver: ReceiveInboundMessageHandler;
  let wamids = 0;
  const receive = (from = contactPhone, at = sentAt) =>
    receiver.execute(new ReceiveInboundMessageCommand(inboundMessage(`wamid.${++wamids}`, at, from)));

  beforeEach(async () => {
    world = await openWorld({ connectedAt });
    world.clock.set(later(sentAt, 2000));
    store = new CountingStore(world.store);
    receiver = new ReceiveInboundMessageHandler(store, world.clock);
  });

  afterEach(() => world.close());

  it('reads the conversation and the contact index, no more, for a known sender without a contact', async () => {
    await receive();
    await receive();
    store.take();

    await receive();

    expect(store.take()).toEqual([
      conversationStreamName(conversationOf()),
      contactPhoneStreamName(portalId, contactPhone),
    ]);
  });

  it('reads only the conversation once it is associated with a contact', async () => {
    await new CreateContactHandler(store, world.clock, associateContactWithOpenConversations).execute(
      new CreateContactCommand(admin, { contactId: 'c-1', name: 'Anna', phoneNumber: contactPhone }),
    );
    await receive();
    store.take();

    await receive();

    expect(store.take()).toEqual([conversationStreamName(conversationOf())]);
  });

  it("reads four streams, all missing, for a new sender's first message once the route is known, then two", async () => {
    await receive();
    store.take();

    await receive(newSender);
    expect(store.take()).toEqual([
      conversationStreamName(conversationOf(newSender)),
      ...formerContactPhoneStreamNames(portalId, newSender),
      contactPhoneStreamName(portalId, newSender),
      conversationsByPhoneStreamName(portalId, toWaId(newSender)),
    ]);

    await receive(newSender);
    expect(store.take()).toEqual([
      conversationStreamName(conversationOf(newSender)),
      contactPhoneStreamName(portalId, newSender),
    ]);
  });

  it('serves the route by display number from memory too, when Meta sends an id not linked', async () => {
    const unlinked = () => ({
      ...inboundMessage(`wamid.${++wamids}`, sentAt),
      phoneNumberId: '999000',
      displayPhoneNumber: businessPhone.slice(1),
    });
    await receiver.execute(new ReceiveInboundMessageCommand(unlinked()));
    store.take();

    const receipt = await receiver.execute(new ReceiveInboundMessageCommand(unlinked()));

    expect(receipt.conversationId).toBe(conversationOf());
    expect(store.take()).toEqual([
      conversationStreamName(conversationOf()),
      contactPhoneStreamName(portalId, contactPhone),
    ]);
  });

  it('keeps known routes in memory through a flood of unknown phone_number_ids', async () => {
    await receive();
    for (let i = 0; i < 1_500; i++) {
      const unknown = { ...inboundMessage(`wamid.flood-${i}`, sentAt), phoneNumberId: `999${i}` };
      expect((await refusalOf(receiver.execute(new ReceiveInboundMessageCommand(unknown)))).code).toBe(
        'CHANNEL_NOT_CONNECTED',
      );
    }
    store.take();

    await receive();

    expect(store.take()).toHaveLength(2);
  });

  describe('when the number changes hands', () => {
    const connectToOtherPortal = (on: EventStore) =>
      new ConnectAccountHandler(on, world.clock, ownershipNotChecked).execute(
        new ConnectAccountCommand(otherAdmin, {
          ...{ accountId: 'account-globex', wabaId: 'waba-globex', name: 'Globex', timeZone: 'Europe/Paris' },
          ...{ accountType: 'business', businessVerified: false },
          phoneNumbers: [{ phoneNumberId, displayNumber: businessPhone }],
        }),
      );
    const disconnect = (on: EventStore) =>
      new DisconnectAccountHandler(on, world.clock).execute(new DisconnectAccountCommand(admin, { accountId }));
    const otherConversation = conversationIdOf({
      portalId: otherPortal,
      phoneNumberId,
      contactWaId: toWaId(contactPhone),
    });
    /** The time of the reconnection, and a message sent after it. */
    const reconnectedAt = later(sentAt, 3_600_000);
    const afterReconnection = later(reconnectedAt, 60_000);

    it('routes the next message by the new claim when this process released and re-claimed it', async () => {
      await receive();
      await disconnect(store);

      expect((await refusalOf(receive())).code).toBe('CHANNEL_NOT_CONNECTED');

      world.clock.set(reconnectedAt);
      await connectToOtherPortal(store);
      world.clock.set(later(afterReconnection, 2000));
      const receipt = await receive(contactPhone, afterReconnection);

      expect(receipt.conversationId).toBe(otherConversation);
      expect(await world.typesOf(conversationOf())).toEqual([
        'ConversationStarted',
        'TicketOpened',
        'InboundMessageReceived',
        'SessionOpened',
      ]);
    });

    it('routes by the new claim once this process hears of a change another client of the store wrote', async () => {
      const elsewhere = openSqliteEventStore({ dataDir: world.dataDir });
      try {
        await receive();
        await receive();
        store.take();

        await disconnect(elsewhere);
        await RoutingCache.of(store).heardOf(await lastRoutingChange(elsewhere));

        expect((await refusalOf(receive())).code).toBe('CHANNEL_NOT_CONNECTED');

        world.clock.set(reconnectedAt);
        await connectToOtherPortal(elsewhere);
        await RoutingCache.of(store).heardOf(await lastRoutingChange(elsewhere));
        world.clock.set(later(afterReconnection, 2000));
        const receipt = await receive(contactPhone, afterReconnection);

        expect(receipt.conversationId).toBe(otherConversation);
        expect(receipt.recorded).toContain('ConversationStarted');
        expect(await world.typesOf(conversationOf())).toHaveLength(5);
      } finally {
        await elsewhere.close();
      }
    });
  });
});
