import { type Decider, type DomainCommand, type DomainEvent, refuse } from '@helpdesk/domain';
import { handleCommand } from '@helpdesk/command-handling';
import { WebhookInbox, inboxStreamName, payloadSha256 } from '../../apps/api/src/webhooks/webhook-inbox.js';
import { allMark, describeContract, readAllSince, readStream, uniquePrefix, uniqueStream } from './support.js';

/**
 * Replays on both adapters: a client's idempotency key reused for another command, the same
 * command retried, the same key chosen by two portals, and Meta's resends of the same bytes.
 * Every "restart" is a process that never saw the stream: a decider whose state cache is new.
 */
type Noted = DomainEvent<'Noted', { text: string }>;
type Cleared = DomainEvent<'Cleared', Record<string, never>>;
type Note = DomainCommand<'Note', { text: string }>;
type Clear = DomainCommand<'Clear', Record<string, never>>;
type NoteEvent = Noted | Cleared;

/** Not idempotent on its own: every Note appends, so only the shell can make a retry a no-op. */
const notes = (): Decider<Note | Clear, NoteEvent, number> => ({
  initialState: 0,
  evolve: (count, event) => (event.type === 'Noted' ? count + 1 : 0),
  decide: (command, count) => {
    if (command.type === 'Clear')
      return count === 0 ? refuse('INVALID_COMMAND', 'nothing to clear') : [{ type: 'Cleared', data: {} }];
    return [{ type: 'Noted', data: { text: command.data.text } }];
  },
});

const context = (portalId: string, idempotencyKey?: string) => ({
  portalId,
  actor: { kind: 'user' as const, id: 'agent-1' },
  now: new Date('2024-01-01T00:00:00Z'),
  ...(idempotencyKey && { idempotencyKey }),
});
const note = (text: string, portalId = 'portal-a', key?: string): Note => ({
  type: 'Note',
  data: { text },
  context: context(portalId, key),
});
const clear = (portalId = 'portal-a', key?: string): Clear => ({
  type: 'Clear',
  data: {},
  context: context(portalId, key),
});

describeContract('replays refused or absorbed by the command shell', (ctx) => {
  it('refuses a key reused for another command type, appending nothing (it used to give one event id twice)', async () => {
    const stream = uniqueStream();
    const decider = notes();
    await handleCommand(ctx.store, stream, decider, note('first', 'portal-a', 'key-1'), {
      request: { op: 'note', text: 'first' },
    });
    await handleCommand(ctx.store, stream, decider, note('second'));
    const before = await readStream(ctx.store, stream);

    const clearUnderKey = (fresh: typeof decider) =>
      handleCommand(ctx.store, stream, fresh, clear('portal-a', 'key-1'), { request: { op: 'clear' } });
    await expect(clearUnderKey(decider)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    // After a restart too: what the key was used for is read from the events' metadata.
    await expect(clearUnderKey(notes())).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });

    const after = await readStream(ctx.store, stream);
    expect(after.map((event) => event.id)).toEqual(before.map((event) => event.id));
    expect(new Set(after.map((event) => event.id)).size).toBe(after.length);
  });

  it('refuses the same command type with another request under the key', async () => {
    const stream = uniqueStream();
    const decider = notes();
    await handleCommand(ctx.store, stream, decider, note('hello', 'portal-a', 'key-2'), { request: { text: 'hello' } });

    const other = handleCommand(ctx.store, stream, notes(), note('goodbye', 'portal-a', 'key-2'), {
      request: { text: 'goodbye' },
    });
    await expect(other).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await readStream(ctx.store, stream)).map((event) => event.data)).toEqual([{ text: 'hello' }]);
  });

  it('answers the same command under the same key as already done, in this process and after a restart', async () => {
    const stream = uniqueStream();
    const decider = notes();
    const request = { operation: 'note', input: { text: 'once', tags: ['a'] } };
    const first = await handleCommand(ctx.store, stream, decider, note('once', 'portal-a', 'key-3'), { request });
    // The same request with its fields in another order is the same request.
    const sameAgain = { input: { tags: ['a'], text: 'once' }, operation: 'note' };
    const retried = await handleCommand(ctx.store, stream, decider, note('once', 'portal-a', 'key-3'), {
      request: sameAgain,
    });
    const afterRestart = await handleCommand(ctx.store, stream, notes(), note('once', 'portal-a', 'key-3'), {
      request,
    });

    expect(first.events).toHaveLength(1);
    expect(retried).toMatchObject({ events: [], state: 1, replayed: true, nextExpectedRevision: 0n });
    expect(afterRestart).toMatchObject({ events: [], state: 1, replayed: true, nextExpectedRevision: 0n });
    expect(await readStream(ctx.store, stream)).toHaveLength(1);
  });

  it('keeps the keys of two portals apart: the same text chosen by each is two keys', async () => {
    const stream = uniqueStream();
    const decider = notes();
    await handleCommand(ctx.store, stream, decider, note('from a', 'portal-a', 'shared-key'), {
      request: { op: 'note' },
    });
    const fromB = await handleCommand(ctx.store, stream, decider, clear('portal-b', 'shared-key'), {
      request: { op: 'clear' },
    });

    expect(fromB.events.map((event) => event.type)).toEqual(['Cleared']);
    const stored = await readStream(ctx.store, stream);
    expect(stored.map((event) => event.metadata.tenantId)).toEqual(['portal-a', 'portal-b']);
    expect(new Set(stored.map((event) => event.id)).size).toBe(2);
  });

  it('never gives two commands under a key the service derived one event id (nothing is looked up for such keys)', async () => {
    const stream = uniqueStream();
    const decider = notes();
    await handleCommand(ctx.store, stream, decider, note('derived', 'portal-a', 'inbound|wamid.1'));
    await handleCommand(ctx.store, stream, decider, clear('portal-a', 'inbound|wamid.1'));

    const ids = (await readStream(ctx.store, stream)).map((event) => event.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });

  it('writes once when the same first attempt races itself', async () => {
    const stream = uniqueStream();
    const [a, b] = [notes(), notes()];
    const request = { text: 'raced' };
    const outcomes = await Promise.allSettled([
      handleCommand(ctx.store, stream, a, note('raced', 'portal-a', 'key-4'), { request }),
      handleCommand(ctx.store, stream, b, note('raced', 'portal-a', 'key-4'), { request }),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(await readStream(ctx.store, stream)).toHaveLength(1);
  });
});

describeContract("Meta's resends of the same webhook bytes", (ctx) => {
  const payload = (body: string) => ({
    body,
    signature: 'sha256=checked-at-the-edge',
    receivedAt: new Date().toISOString(),
    contentType: 'application/json',
  });

  it('stores one event for 25 resends, and none more after a restart', async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [], nonce: uniquePrefix() });
    const mark = await allMark(ctx.store);
    const inbox = new WebhookInbox(ctx.store);
    const stored = [];
    for (let resend = 0; resend < 25; resend++) stored.push(await inbox.record(payload(body)));
    stored.push(await new WebhookInbox(ctx.store).record(payload(body)));

    const streamName = inboxStreamName(payloadSha256(Buffer.from(body)));
    const kept = await readAllSince(ctx.store, mark, new Set([streamName]));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ type: 'WebhookPayloadReceived', data: { body } });
    expect(new Set(stored.map((result) => result.eventId))).toEqual(new Set([kept[0].id]));
  });

  it('stores different bytes apart, and a malformed body once too', async () => {
    const body = `{"nonce":"${uniquePrefix()}"`;
    const inbox = new WebhookInbox(ctx.store);
    const malformed = { ...payload(body), bodyEncoding: 'utf8' as const, reason: 'not JSON' };
    const first = await inbox.recordMalformed(malformed);
    await inbox.recordMalformed(malformed);
    const other = await inbox.recordMalformed({ ...malformed, body: `${body} ` });

    expect(other.streamName).not.toBe(first.streamName);
    expect(await readStream(ctx.store, first.streamName)).toHaveLength(1);
    expect(await readStream(ctx.store, other.streamName)).toHaveLength(1);
  });
});
