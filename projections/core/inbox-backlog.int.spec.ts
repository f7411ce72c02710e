import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Position, type SqliteEventStore, openSqliteEventStore } from '@helpdesk/event-store';
import { INBOX_PAYLOAD_EVENT_TYPE, readInboxBacklog } from './inbox-backlog.js';

describe('readInboxBacklog', () => {
  let dataDir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'inbox-backlog-'));
    store = openSqliteEventStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function append(stream: string, type: string, data: object = {}): Promise<Position> {
    return (await store.append(stream, [{ id: randomUUID(), type, data }], 'any')).position!;
  }

  const payload = (n: number) =>
    append(`whatsapp-inbox-sha256-${n}`, INBOX_PAYLOAD_EVENT_TYPE, {
      receivedAt: `2025-01-0${n}T00:00:00.000Z`,
    });

  it('counts only stored payloads after the position, oldest first, ignoring other streams and types', async () => {
    expect(await readInboxBacklog(store, null, 100)).toEqual({
      payloads: 0,
      capped: false,
      oldestReceivedAt: null,
      processedUpTo: null,
    });
    const first = await payload(1);
    await append('conversation-x', 'InboundMessageReceived');
    await append('whatsapp-inbox-sha256-bad', 'MalformedWebhookPayloadReceived', { receivedAt: '2020-01-01' });
    // An event of the payload type outside the inbox is not one.
    await append('elsewhere-1', INBOX_PAYLOAD_EVENT_TYPE, { receivedAt: '2020-01-01' });
    await payload(2);
    await payload(3);

    expect(await readInboxBacklog(store, null, 100)).toMatchObject({
      payloads: 3,
      capped: false,
      oldestReceivedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(await readInboxBacklog(store, first, 100)).toMatchObject({
      payloads: 2,
      oldestReceivedAt: '2025-01-02T00:00:00.000Z',
      processedUpTo: first,
    });
  });

  it('stops at the cap of payloads, or at ten times as many events read, and says the count is a lower bound', async () => {
    for (const n of [1, 2, 3, 4]) await payload(n);
    expect(await readInboxBacklog(store, null, 2)).toMatchObject({ payloads: 2, capped: true });
    const last = await payload(5);
    for (let i = 0; i < 25; i++) await append('conversation-y', 'Noise');
    await payload(6);
    expect(await readInboxBacklog(store, last, 2)).toMatchObject({ payloads: 0, capped: true });
    expect(await readInboxBacklog(store, last, 3)).toMatchObject({ payloads: 1, capped: false });
  });
});
