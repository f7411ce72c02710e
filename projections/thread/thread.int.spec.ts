import { HOUR, conversationOf, helpdesk, inboundMessage } from '@helpdesk/domain/fixtures';
import { physicalTableName } from '../core/projection.js';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import { useProjectionWorld } from '../testing/projection.test-world.js';
import { listThread, listThreadPage } from './list-thread.reader.js';
import { InvalidCursorError } from '../core/page-cursor.js';
import { threadProjection } from './thread.projection.js';
import { deliver, metaAnswers, quarantine, recordStatus, resend } from './thread.test-world.js';

const { businessPhone, contactPhone, phoneNumberId, portalId, template } = helpdesk;
const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();
const thread = { portalId, conversationId: conversationOf() };

describe.each(readStoresUnderTest())('thread projection on $name', (readStoreUnderTest) => {
  const t = useProjectionWorld(threadProjection, readStoreUnderTest, { connectedAt });
  /** The contact's message, and the id the conversation gave it. */
  const receive = async (wamid: string, ms: number) => {
    t.world.clock.set(at(ms));
    await t.world.receive(inboundMessage(wamid, at(ms)));
    return { messageId: t.world.history.conversation().messageIdByWamid.get(wamid)! };
  };
  /** An agent's reply, and its message id. */
  const reply = async (body: string, ms: number) => {
    const messageId = t.world.history.newId('reply');
    await t.world.append(t.world.history.at(at(ms)).reply(conversationOf(), { kind: 'text', body }, { messageId }));
    return { messageId };
  };

  it('keeps inbound messages, placeholders, replies and templates in order, with senders and times', async () => {
    await receive('wamid.1', HOUR);
    t.world.clock.set(at(HOUR + 1000));
    const reaction = { kind: 'unsupported', unsupportedKind: 'reaction', detail: 'Reacted 👍' } as const;
    await t.world.receive({
      phoneNumberId,
      wamid: 'wamid.2',
      from: contactPhone,
      sentAt: at(HOUR + 1000),
      content: reaction,
    });
    await reply('On it', HOUR + 60_000);
    t.world.clock.set(at(HOUR + 120_000));
    await t.world.append(
      t.world.history.sendTemplate(conversationOf(), { ...template, parameters: { body: ['Ana', '#7'] } }),
    );
    await t.caughtUp();

    const page = await listThread(t.db, thread);
    expect(page.totalCount).toBe(4);
    expect(page.messages).toMatchObject([
      {
        direction: 'inbound',
        type: 'text',
        content: { kind: 'text', body: 'Hello (wamid.1)' },
        placeholder: null,
        from: contactPhone,
        to: businessPhone,
        sentAt: at(HOUR),
        wamid: 'wamid.1',
        delivery: null,
        dispatch: null,
      },
      {
        direction: 'inbound',
        type: 'unsupported',
        content: null,
        placeholder: { kind: 'unsupported', unsupportedKind: 'reaction', detail: 'Reacted 👍' },
        sentAt: at(HOUR + 1000),
      },
      {
        direction: 'outbound',
        type: 'text',
        content: { kind: 'text', body: 'On it' },
        from: businessPhone,
        to: contactPhone,
        sentAt: at(HOUR + 60_000),
        delivery: { status: null },
        dispatch: { state: 'pending', attempts: 0 },
      },
      {
        direction: 'outbound',
        type: 'template',
        sentAt: at(HOUR + 120_000),
        content: {
          kind: 'template',
          templateName: 'order_ready',
          language: 'en_US',
          renderedText: 'Hi Ana, your order #7 is ready.',
        },
      },
    ]);
    const positions = page.messages.map((message) => message.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("follows delivery statuses to the read time, and keeps Meta's error on a failed delivery", async () => {
    await receive('wamid.1', HOUR);
    const read = await reply('Shipped', HOUR + 60_000);
    await deliver(t.world, read.messageId, [metaAnswers.accepted('wamid.out-1')]);
    await recordStatus(t.world, 'wamid.out-1', 'delivered', at(HOUR + 61_000));
    await recordStatus(t.world, 'wamid.out-1', 'read', at(HOUR + 62_000));
    await recordStatus(t.world, 'wamid.out-1', 'delivered', at(HOUR + 61_000));
    const failed = await reply('Still there?', HOUR + 70_000);
    await deliver(t.world, failed.messageId, [metaAnswers.accepted('wamid.out-2')]);
    const error = {
      code: 131026,
      title: 'Message undeliverable',
      message: 'Receiver is incapable',
      details: 'Old WhatsApp version',
    };
    await recordStatus(t.world, 'wamid.out-2', 'failed', at(HOUR + 71_000), error);
    await t.caughtUp();

    const [, first, second] = (await listThread(t.db, thread)).messages;
    expect(first).toMatchObject({
      wamid: 'wamid.out-1',
      dispatch: { state: 'sent', attempts: 1, lastFailure: null },
      delivery: {
        status: 'read',
        sentAt: null,
        deliveredAt: at(HOUR + 61_000),
        readAt: at(HOUR + 62_000),
        failedAt: null,
        error: null,
      },
    });
    expect(second).toMatchObject({
      wamid: 'wamid.out-2',
      delivery: { status: 'failed', failedAt: at(HOUR + 71_000), error },
    });
  });

  it("keeps Meta's times of statuses that arrive after a later one, and the status at read", async () => {
    await receive('wamid.1', HOUR);
    const message = await reply('Shipped', HOUR + 60_000);
    await deliver(t.world, message.messageId, [metaAnswers.accepted('wamid.out-1')]);
    await recordStatus(t.world, 'wamid.out-1', 'read', at(HOUR + 90_000));
    await recordStatus(t.world, 'wamid.out-1', 'sent', at(HOUR + 70_000));
    await recordStatus(t.world, 'wamid.out-1', 'delivered', at(HOUR + 80_000));
    await t.caughtUp();

    const [, sent] = (await listThread(t.db, thread)).messages;
    expect(sent?.delivery).toMatchObject({
      status: 'read',
      sentAt: at(HOUR + 70_000),
      deliveredAt: at(HOUR + 80_000),
      readAt: at(HOUR + 90_000),
    });
    expect(await t.rebuilt((db) => listThread(db, thread))).toEqual(await listThread(t.db, thread));
  });

  it("shows dispatch: retried then refused with Meta's error, unknown, and an agent's resend", async () => {
    await receive('wamid.1', HOUR);
    const refused = await reply('Order?', HOUR + 60_000);
    const details = 'Parameter value is not valid';
    await deliver(t.world, refused.messageId, [
      metaAnswers.throttled(),
      metaAnswers.refused(100, '(#100) Invalid parameter', details),
    ]);
    const unknown = await reply('Hello?', HOUR + 120_000);
    await deliver(t.world, unknown.messageId, [metaAnswers.noAnswer()]);
    await t.caughtUp();

    const [, first, second] = (await listThread(t.db, thread)).messages;
    expect(first.dispatch).toMatchObject({
      state: 'failed',
      attempts: 2,
      lastFailure: {
        code: 100,
        title: 'Invalid parameter',
        message: details,
        httpStatus: 400,
        attempt: 2,
        reason: 'refused',
      },
    });
    expect(second.dispatch).toMatchObject({
      state: 'unknown',
      attempts: 1,
      unknownReason: expect.stringContaining('socket hang up'),
    });

    await resend(t.world, unknown.messageId);
    await t.caughtUp();
    const resent = (await listThread(t.db, thread)).messages[2];
    expect(resent.dispatch).toMatchObject({
      state: 'retry_scheduled',
      resendRequestedAt: t.world.clock.now().toISOString(),
    });
  });

  it('never returns quarantined content, not even after an auditor revealed it, and never stores it', async () => {
    const { messageId } = await receive('wamid.1', HOUR);
    await receive('wamid.2', HOUR + 1000);
    await quarantine(t.world, messageId, 'phishing link');
    const auditor = { kind: 'user', id: 'auditor-1' } as const;
    await t.world.append(t.world.history.reveal(conversationOf(), messageId, 'fraud case 42', auditor));
    await t.caughtUp();

    const { messages } = await listThread(t.db, thread);
    expect(messages.map((message) => message.wamid)).toEqual(['wamid.1', 'wamid.2']);
    expect(messages[0]).toMatchObject({ type: 'text', content: null, placeholder: { kind: 'quarantined' } });
    expect(messages[0].quarantine).toEqual({ quarantinedAt: at(HOUR + 1000), reason: 'phishing link' });
    expect(JSON.stringify(messages)).not.toContain('Hello (wamid.1)');
    const rows = await t.db.selectFrom(physicalTableName(threadProjection, 'messages')).select('document').execute();
    expect(JSON.stringify(rows)).not.toContain('Hello (wamid.1)');
  });

  it('pages through the thread oldest first, and shows nothing to another portal', async () => {
    for (let i = 0; i < 7; i++) await receive(`wamid.${i}`, HOUR + i * 1000);
    await t.caughtUp();

    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await listThread(t.db, thread, 3, after);
      expect(page.totalCount).toBe(7);
      seen.push(...page.messages.map((message) => message.wamid ?? ''));
      after = page.endCursor ?? undefined;
    } while (after);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `wamid.${i}`));
    expect(await listThread(t.db, { ...thread, portalId: 'other-portal' })).toEqual({
      messages: [],
      totalCount: 0,
      totalCountCapped: false,
      endCursor: null,
    });
  });

  it("lists the thread in the order the contact wrote it (Meta's timestamp), arrival breaking ties, live and rebuilt", async () => {
    await receive('wamid.late', HOUR + 5000);
    // Sent before the previous one, delivered after it by Meta: it goes before it.
    t.world.clock.set(at(HOUR + 6000));
    await t.world.receive(inboundMessage('wamid.early', at(HOUR + 1000)));
    await t.world.receive(inboundMessage('wamid.tie-1', at(HOUR + 5000)));
    await t.world.receive(inboundMessage('wamid.tie-2', at(HOUR + 5000)));
    await t.caughtUp();

    const order = ['wamid.early', 'wamid.late', 'wamid.tie-1', 'wamid.tie-2'];
    const wamids = (page: { messages: readonly { wamid: string | null }[] }) => page.messages.map((m) => m.wamid);
    expect(wamids(await listThread(t.db, thread))).toEqual(order);
    expect(wamids(await t.rebuilt((db) => listThread(db, thread)))).toEqual(order);
  });

  it('pages from the newest message back with last and before, each page oldest first', async () => {
    for (let i = 0; i < 7; i++) await receive(`wamid.${i}`, HOUR + i * 1000);
    await t.caughtUp();

    const newest = await listThreadPage(t.db, thread, { last: 3 });
    expect(newest.messages.map((m) => m.wamid)).toEqual(['wamid.4', 'wamid.5', 'wamid.6']);
    expect(newest.endCursor).toBeNull();
    const seen: string[] = [];
    let before: string | undefined;
    do {
      const page = await listThreadPage(t.db, thread, before ? { last: 3, before } : { last: 3 });
      seen.unshift(...page.messages.map((message) => message.wamid ?? ''));
      before = page.startCursor ?? undefined;
    } while (before);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `wamid.${i}`));
    for (const malformed of ['not-a-cursor', Buffer.from('[3]').toString('base64url')]) {
      await expect(listThreadPage(t.db, thread, { last: 3, before: malformed })).rejects.toThrow(InvalidCursorError);
    }
  });

  it('counts a thread up to the cap and says when it stopped there', async () => {
    for (let i = 0; i < 5; i++) await receive(`wamid.${i}`, HOUR + i * 1000);
    await t.caughtUp();

    expect(await listThread(t.db, thread, 2, undefined, 5)).toMatchObject({ totalCount: 5, totalCountCapped: false });
    const capped = await listThread(t.db, thread, 2, undefined, 4);
    expect(capped).toMatchObject({ totalCount: 4, totalCountCapped: true });
    expect(capped.messages.map((message) => message.wamid)).toEqual(['wamid.0', 'wamid.1']);
  });

  const uploadedInvoice = {
    kind: 'document',
    mimeType: 'application/pdf',
    sizeBytes: 40_000,
    upload: { uploadId: 'u-1', storageKey: 'uploads/p/u-1', sha256: 'c'.repeat(64) },
    caption: 'Your invoice',
    filename: 'invoice.pdf',
  } as const;
  const replyWith = async (content: typeof uploadedInvoice, ms: number) => {
    const messageId = t.world.history.newId('reply');
    await t.world.append(t.world.history.at(at(ms)).reply(conversationOf(), content, { messageId }));
    return { messageId };
  };

  it("shows an agent's uploaded media as stored from the start, with its caption and file name", async () => {
    await receive('wamid.1', HOUR);
    await replyWith(uploadedInvoice, HOUR + 60_000);
    await t.caughtUp();

    const sent = (await listThread(t.db, thread)).messages.at(-1)!;
    expect(sent).toMatchObject({
      direction: 'outbound',
      type: 'document',
      content: { caption: 'Your invoice', filename: 'invoice.pdf', mimeType: 'application/pdf' },
      media: {
        state: 'stored',
        storageKey: 'uploads/p/u-1',
        mimeType: 'application/pdf',
        sizeBytes: 40_000,
        sha256: 'c'.repeat(64),
      },
    });
  });

  it('gives the same thread when rebuilt from history as live', async () => {
    const { messageId } = await receive('wamid.1', HOUR);
    await receive('wamid.2', HOUR + 1000);
    const sent = await reply('Shipped', HOUR + 60_000);
    await deliver(t.world, sent.messageId, [metaAnswers.accepted('wamid.out-1')]);
    await recordStatus(t.world, 'wamid.out-1', 'read', at(HOUR + 62_000));
    const failed = await reply('Order?', HOUR + 70_000);
    await deliver(t.world, failed.messageId, [
      metaAnswers.throttled(),
      metaAnswers.refused(100, 'Invalid parameter', 'bad'),
    ]);
    const invoice = await replyWith(uploadedInvoice, HOUR + 80_000);
    await deliver(t.world, invoice.messageId, [metaAnswers.accepted('wamid.out-2')]);
    await quarantine(t.world, messageId, 'phishing link');
    await t.caughtUp();

    const live = await listThread(t.db, thread, 100);
    expect(live.totalCount).toBe(5);
    expect(live.messages.at(-1)?.media).toMatchObject({ state: 'stored', storageKey: 'uploads/p/u-1' });
    expect(await t.rebuilt((db) => listThread(db, thread, 100))).toEqual(live);
  });
  it("shows an inbound media's copy: pending, retried, then stored or failed with the reason", async () => {
    const image = (wamid: string) => ({
      ...inboundMessage(wamid, at(HOUR)),
      content: { kind: 'image', mediaId: `media-${wamid}`, mimeType: 'image/jpeg' } as const,
    });
    t.world.clock.set(at(HOUR));
    await t.world.receive(image('wamid.stored'));
    await t.world.receive(image('wamid.failed'));
    const id = (wamid: string) => t.world.history.conversation().messageIdByWamid.get(wamid)!;
    const fetcher = { kind: 'system', id: 'inbound-media-fetcher' } as const;
    const failure = (wamid: string, attempt: number, permanent: boolean) =>
      t.world.history.onConversation(
        conversationOf(),
        {
          type: 'RecordInboundMediaFetchFailure',
          data: { messageId: id(wamid), attempt, reason: 'Meta answered 500', permanent, retryDelayMs: 1_000 },
        },
        fetcher,
      );
    await t.world.append(failure('wamid.stored', 1, false));
    await t.caughtUp();
    expect((await listThread(t.db, thread)).messages.map((message) => message.media)).toMatchObject([
      { state: 'pending', attempts: 1, lastError: 'Meta answered 500', retryAt: expect.any(String) },
      { state: 'pending', attempts: 0, storageKey: null },
    ]);

    const sha256 = 'e'.repeat(64);
    const stored = {
      messageId: id('wamid.stored'),
      storageKey: 'ab/cd',
      sha256,
      sizeBytes: 42,
      mimeType: 'image/jpeg',
    };
    await t.world.append(
      t.world.history.onConversation(conversationOf(), { type: 'RecordInboundMediaStored', data: stored }, fetcher),
      failure('wamid.failed', 1, true),
    );
    await t.caughtUp();
    expect((await listThread(t.db, thread)).messages.map((message) => message.media)).toMatchObject([
      { state: 'stored', storageKey: 'ab/cd', sizeBytes: 42, sha256, mimeType: 'image/jpeg', retryAt: null },
      { state: 'failed', attempts: 1, lastError: 'Meta answered 500', retryAt: null },
    ]);
  });
});
