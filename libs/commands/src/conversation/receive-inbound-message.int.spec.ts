import { conversationsByPhoneStreamName } from '@helpdesk/domain';
import { AddPhoneNumberCommand, AddPhoneNumberHandler } from '../channel/add-phone-number.handler.js';
import { ownershipNotChecked } from '../channel/phone-number-ownership.js';
import { CreateContactCommand, CreateContactHandler } from '../contact/create-contact.handler.js';
import { ChooseContactCommand, ChooseContactHandler } from './choose-contact.handler.js';
import { associateContactWithOpenConversations } from './associate-contact-with-conversations.js';
import { RunConversationCommand, RunConversationCommandHandler } from './conversation-command.handler.js';
import {
  DAY,
  accountId,
  HOUR,
  type World,
  admin,
  conversationOf,
  inboundMessage,
  later,
  openWorld,
  portalId,
  refusalOf,
} from './conversation.test-world.js';

const connectedAt = '2025-03-01T08:00:00.000Z';
const sentAt = '2025-03-10T09:00:00.000Z';
const count = (types: string[], type: string) => types.filter((candidate) => candidate === type).length;

describe('Receiving WhatsApp messages against the embedded store', () => {
  let world: World;

  beforeEach(async () => {
    world = await openWorld({ connectedAt });
    world.clock.set(later(sentAt, 2000));
  });

  afterEach(() => world.close());

  it('gives one ticket to two messages a new contact sends at the same moment, and keeps both', async () => {
    await Promise.all([
      world.receive(inboundMessage('wamid.a', sentAt)),
      world.receive(inboundMessage('wamid.b', sentAt)),
    ]);

    const types = await world.typesOf();
    expect(count(types, 'ConversationStarted')).toBe(1);
    expect(count(types, 'TicketOpened')).toBe(1);
    expect(count(types, 'SessionOpened')).toBe(1);
    expect(count(types, 'InboundMessageReceived')).toBe(2);
  });

  it('records a wamid Meta delivers twice at the same moment once', async () => {
    const receipts = await Promise.all([1, 2, 3].map(() => world.receive(inboundMessage('wamid.same', sentAt))));

    expect(count(await world.typesOf(), 'InboundMessageReceived')).toBe(1);
    expect(new Set(receipts.map((receipt) => receipt.messageId)).size).toBe(1);
  });

  it('answers a later redelivery of the same wamid as a duplicate, with the same message id', async () => {
    const first = await world.receive(inboundMessage('wamid.same', sentAt));
    world.clock.set(later(sentAt, HOUR));
    const again = await world.receive(inboundMessage('wamid.same', sentAt));

    expect(again).toMatchObject({ duplicate: true, recorded: [], messageId: first.messageId });
    expect(count(await world.typesOf(), 'InboundMessageReceived')).toBe(1);
  });

  it('never imports a message sent before the channel was connected', async () => {
    const error = await refusalOf(world.receive(inboundMessage('wamid.old', later(connectedAt, -1000))));

    expect(error.code).toBe('MESSAGE_PREDATES_CONNECTION');
    expect(await world.typesOf()).toEqual([]);
  });

  it('imports a message stamped in the second of the connection: Meta stamps whole seconds', async () => {
    const closeWorld = await openWorld({ connectedAt: '2025-03-01T08:00:00.900Z' });
    try {
      closeWorld.clock.set(later(sentAt, 2000));
      await closeWorld.receive(inboundMessage('wamid.same-second', '2025-03-01T08:00:00.000Z'));
      expect(await closeWorld.typesOf()).toContain('InboundMessageReceived');
    } finally {
      await closeWorld.close();
    }
  });

  describe('a number added to an account connected earlier', () => {
    const addedAt = '2025-03-05T08:00:00.000Z';
    const added = { phoneNumberId: '106540352242999', displayNumber: '+15550002222' };
    const toAdded = (wamid: string, at: string) => ({ ...inboundMessage(wamid, at), ...added });

    beforeEach(async () => {
      world.clock.set(addedAt);
      await new AddPhoneNumberHandler(world.store, world.clock, ownershipNotChecked).execute(
        new AddPhoneNumberCommand(admin, { accountId, ...added }),
      );
      world.clock.set(later(sentAt, 2000));
    });

    it('imports nothing sent to it before it was added, though the account was connected then', async () => {
      const error = await refusalOf(world.receive(toAdded('wamid.before-added', later(addedAt, -3_600_000))));

      expect(error.code).toBe('MESSAGE_PREDATES_CONNECTION');
      expect(error.details).toMatchObject({ connectedAt: addedAt });
    });

    it('imports what was sent to it after', async () => {
      const receipt = await world.receive(toAdded('wamid.after-added', sentAt));
      expect(receipt.duplicate).toBe(false);
    });
  });

  it('refuses a message to a number no connected channel holds', async () => {
    const error = await refusalOf(world.receive({ ...inboundMessage('wamid.x', sentAt), phoneNumberId: '999' }));
    expect(error.code).toBe('CHANNEL_NOT_CONNECTED');
  });

  it('opens a new ticket when the contact writes after the ticket was closed', async () => {
    const { conversationId } = await world.receive(inboundMessage('wamid.a', sentAt));
    const [opened] = (await world.eventsOf(`conversation-${conversationId}`)).filter(
      (event) => event.type === 'TicketOpened',
    );
    const { ticketId } = opened.data as { ticketId: string };
    await new RunConversationCommandHandler(world.store, world.clock).execute(
      new RunConversationCommand(admin, conversationId, 'CloseTicket', { ticketId }),
    );
    await world.receive(inboundMessage('wamid.b', later(sentAt, DAY + HOUR)));

    expect(await world.typesOf()).toEqual([
      'ConversationStarted',
      'TicketOpened',
      'InboundMessageReceived',
      'SessionOpened',
      'TicketClosed',
      'TicketOpened',
      'InboundMessageReceived',
      'SessionClosed',
      'SessionOpened',
    ]);
  });

  describe('associating the contact', () => {
    const createContact = (contactId: string, phoneNumber: string) =>
      new CreateContactHandler(world.store, world.clock, associateContactWithOpenConversations).execute(
        new CreateContactCommand(admin, { contactId, name: `Contact ${contactId}`, phoneNumber }),
      );

    it('associates the contact whose number matches the sender', async () => {
      await createContact('contact-1', '+33 6 12 34 56 78');
      await world.receive(inboundMessage('wamid.a', sentAt));

      const events = await world.eventsOf(`conversation-${conversationOf()}`);
      expect(events.find((event) => event.type === 'ContactAssociated')?.data).toMatchObject({
        contactId: 'contact-1',
      });
    });

    it('associates a contact created after the conversation started through the index, once even when asked again', async () => {
      await world.receive(inboundMessage('wamid.a', sentAt));
      await world.receive(inboundMessage('wamid.b', later(sentAt, 1000)));
      expect(await world.eventsOf(conversationsByPhoneStreamName(portalId, '33612345678'))).toHaveLength(1);

      await createContact('contact-2', '+33612345678');
      await associateContactWithOpenConversations(world.store, world.clock.now(), admin, {
        contactId: 'contact-2',
        phoneNumbers: ['+33612345678'],
      });

      expect(count(await world.typesOf(), 'ContactAssociated')).toBe(1);
    });

    it('associates no one when two contacts share the number, and says so', async () => {
      await createContact('contact-1', '+33612345678');
      await createContact('contact-2', '+33612345678');
      await world.receive(inboundMessage('wamid.a', sentAt));

      const types = await world.typesOf();
      expect(types).toContain('ContactMatchAmbiguous');
      expect(types).not.toContain('ContactAssociated');
    });

    describe('an agent chooses among contacts sharing the number', () => {
      const choose = (contactId: string, origin = admin) =>
        new ChooseContactHandler(world.store, world.clock).execute(
          new ChooseContactCommand(origin, conversationOf(), contactId),
        );

      beforeEach(async () => {
        await createContact('contact-1', '+33612345678');
        await createContact('contact-2', '+33612345678');
        await createContact('contact-3', '+33699999999');
        await world.receive(inboundMessage('wamid.a', sentAt));
      });

      it('associates the chosen one, once', async () => {
        await choose('contact-2');
        await choose('contact-2');

        const events = await world.eventsOf(`conversation-${conversationOf()}`);
        const associated = events.filter((event) => event.type === 'ContactAssociated');
        expect(associated.map((event) => event.data)).toEqual([
          expect.objectContaining({ contactId: 'contact-2', chosenFrom: ['contact-1', 'contact-2'] }),
        ]);
        expect((await refusalOf(choose('contact-1'))).code).toBe('CONTACT_ALREADY_ASSOCIATED');
      });

      it("refuses another number's contact like an unknown one; another portal's agent finds no conversation", async () => {
        for (const contactId of ['contact-3', 'contact-404']) {
          expect((await refusalOf(choose(contactId))).code).toBe('CONTACT_NOT_FOUND');
        }
        const stranger = { ...admin, portalId: 'globex' };
        expect((await refusalOf(choose('contact-1', stranger))).code).toBe('CONVERSATION_NOT_FOUND');
        expect(await world.typesOf()).not.toContain('ContactAssociated');
      });
    });
  });
});
