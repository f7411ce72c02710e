import { type ReplyContent, conversationStreamName, monthlyQuotaStreamName } from '@helpdesk/domain';
import { ReplyToContactCommand } from './reply-to-contact.handler.js';
import {
  DAY,
  HOUR,
  type World,
  agent,
  conversationOf,
  inboundMessage,
  later,
  openWorld,
  portalId,
  refusalOf,
} from './conversation.test-world.js';

const text = (body: string): ReplyContent => ({ kind: 'text', body });

describe('Replying to a contact against the embedded store', () => {
  let world: World;
  const reply = (content: ReplyContent, idempotencyKey?: string) =>
    world.replies.execute(new ReplyToContactCommand(agent(idempotencyKey), conversationOf(), content));
  const repliesRecorded = async () =>
    (await world.eventsOf(conversationStreamName(conversationOf()))).filter((event) => event.type === 'ReplyAccepted');

  afterEach(() => world.close());

  describe('When the session is open (rule of 1 November 2024: replies are free)', () => {
    const sentAt = '2025-03-10T09:00:00.000Z';

    beforeEach(async () => {
      world = await openWorld({ connectedAt: '2025-03-01T08:00:00.000Z' });
      world.clock.set(sentAt);
      await world.receive(inboundMessage('wamid.a', sentAt));
    });

    it('records one reply for one client idempotency key, even sent twice at once and again later', async () => {
      world.clock.set(later(sentAt, HOUR));
      const [first, second] = await Promise.all([reply(text('On it'), 'req-1'), reply(text('On it'), 'req-1')]);
      const third = await reply(text('On it'), 'req-1');

      expect(new Set([first.messageId, second.messageId, third.messageId]).size).toBe(1);
      const replies = await repliesRecorded();
      expect(replies).toHaveLength(1);
      expect(replies[0].data).toMatchObject({ countedAs: 'free', ruleVersion: 'conversations/2024-11-01' });
      expect(replies[0].metadata).toMatchObject({ ruleVersion: 'conversations/2024-11-01', idempotencyKey: 'req-1' });
    });

    it('accepts a reply 1 ms before the 24 hours end and refuses it at 24 hours, pointing to templates', async () => {
      world.clock.set(later(sentAt, DAY - 1));
      await reply(text('Still there?'));
      world.clock.set(later(sentAt, DAY));
      const error = await refusalOf(reply(text('Hello?')));

      expect(error.code).toBe('SESSION_CLOSED');
      expect(error.message).toMatch(/approved template/);
      expect(await repliesRecorded()).toHaveLength(1);
    });

    it('refuses media WhatsApp cannot send before anything is recorded', async () => {
      world.clock.set(later(sentAt, HOUR));
      const gif: ReplyContent = { kind: 'image', mimeType: 'image/gif', sizeBytes: 1000, mediaId: 'media-1' };

      expect((await refusalOf(reply(gif))).code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(await repliesRecorded()).toHaveLength(0);
    });
  });

  describe('When the session is open before 1 November 2024', () => {
    const sentAt = '2024-10-20T09:00:00.000Z';

    beforeEach(async () => {
      world = await openWorld({ connectedAt: '2024-10-01T08:00:00.000Z', subscriptionStartedOn: '2024-01-15' });
      world.clock.set(sentAt);
      await world.receive(inboundMessage('wamid.a', sentAt));
    });

    it('counts the session as one conversation at its first reply, and no more for the next ones', async () => {
      world.clock.set(later(sentAt, HOUR));
      await reply(text('First'));
      await reply(text('Second'));

      const counted = (await world.eventsOf(monthlyQuotaStreamName(portalId, '2024-10-15'))).filter(
        (event) => event.type === 'ConversationCounted',
      );
      expect(counted).toHaveLength(1);
      expect(counted[0].data).toMatchObject({
        reason: 'user_initiated_session',
        ruleVersion: 'conversations/2023-06-01',
      });
      expect((await repliesRecorded()).map((event) => event.data)).toEqual([
        expect.objectContaining({ countedAs: 'user_initiated_session', ruleVersion: 'conversations/2023-06-01' }),
        expect.objectContaining({ countedAs: 'user_initiated_session', ruleVersion: 'conversations/2023-06-01' }),
      ]);
    });

    it('counts nothing for a refused reply', async () => {
      world.clock.set(later(sentAt, DAY));
      await refusalOf(reply(text('Too late')));

      expect(await world.eventsOf(monthlyQuotaStreamName(portalId, '2024-10-15'))).toEqual([]);
    });
  });
});
