import { type StartConversation, conversationDecider, conversationStreamName } from '@helpdesk/domain';
import { agentActor, conversationOf, helpdesk } from '@helpdesk/domain/fixtures';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import type { EventWorld } from '../testing/event.test-world.js';
import { useProjectionWorld } from '../testing/projection.test-world.js';
import { listThread } from '../thread/list-thread.reader.js';
import { threadProjection } from '../thread/thread.projection.js';
import { countTickets } from './count-tickets.reader.js';
import { listTickets } from './list-tickets.reader.js';
import { ticketListProjection } from './ticket-list.projection.js';

const { businessPhone, phoneNumberId, portalId, template } = helpdesk;
const connectedAt = '2025-03-03T08:00:00.000Z';
const startedAt = '2025-03-04T10:00:00.000Z';
const newContact = '+33700000001';
const conversationId = conversationOf(newContact);

/** What `startConversation` records, as the send workflow records it: one append on a new stream. */
function started(world: EventWorld) {
  const history = world.history.at(startedAt);
  const command: StartConversation = {
    type: 'StartConversation',
    data: {
      ...{ phoneNumberId, businessPhone, contactPhone: newContact, contactId: 'contact-ana', ticketId: 'ticket-s' },
      messageId: 'tpl-s',
      template: { ...template, renderedText: 'Hi Ana, your order #1 is ready.', parameters: { body: ['Ana', '#1'] } },
      ruleVersion: 'conversations/2024-11-01',
      businessInitiated: true,
    },
    context: history.context(agentActor),
  };
  return history.decide(conversationStreamName(conversationId), conversationDecider, command);
}

/** A conversation an agent started shows in the read models as one a contact started does, live and rebuilt alike. */
describe.each(readStoresUnderTest())('a started conversation in the read models on $name', (readStoreUnderTest) => {
  describe('ticket list', () => {
    const spec = useProjectionWorld(ticketListProjection, readStoreUnderTest, { connectedAt });

    it('lists the new open ticket with its contact and the template as preview, counted in the open tickets', async () => {
      const read = (db: Parameters<typeof listTickets>[0]) => listTickets(db, { portalId, status: ['open'] });
      const live = await spec.given(started(spec.world)).then(read);

      expect(live.tickets).toEqual([
        expect.objectContaining({
          ticketId: 'ticket-s',
          conversationId,
          status: 'open',
          contactPhone: newContact,
          contactId: 'contact-ana',
          businessPhone,
          preview: 'Hi Ana, your order #1 is ready.',
          unreadCount: 0,
          lastMessageDirection: 'outbound',
          lastInboundAt: null,
          sessionExpiresAt: null,
        }),
      ]);
      expect((await countTickets(spec.db, { portalId, status: ['open'] })).count).toBe(1);
      expect(await spec.rebuilt(read)).toEqual(live);
    });
  });

  describe('thread', () => {
    const spec = useProjectionWorld(threadProjection, readStoreUnderTest, { connectedAt });

    it('shows the template as the first message of the thread, on the new ticket', async () => {
      const read = (db: Parameters<typeof listThread>[0]) => listThread(db, { portalId, conversationId });
      const live = await spec.given(started(spec.world)).then(read);

      expect(live.messages).toEqual([
        expect.objectContaining({ messageId: 'tpl-s', direction: 'outbound', ticketId: 'ticket-s' }),
      ]);
      expect(await spec.rebuilt(read)).toEqual(live);
    });
  });
});
